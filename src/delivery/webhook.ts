import type { Content } from '../message/content.js'
import { Deadline } from '../rocketchat/deadline.js'
import type { Logger } from '../rocketchat/types.js'
import { postToWebhook, type Webhook } from '../rocketchat/webhook.js'
import { withClient } from './connection.js'
import { fitToLimit, learnedLimit, messageLimit } from './limit.js'
import type { DeliveryOptions } from './options.js'
import { outgoing, webhookMessage } from './outgoing.js'

/**
 * Posts the content through an incoming webhook: no room to resolve, and no message comes
 * back, so nothing follows it. At most once (see postToWebhook).
 */
export async function deliverToWebhook(
  options: DeliveryOptions,
  hook: Webhook,
  content: Content,
  log: Logger,
  runUrl = '',
  deadline = new Deadline(options.timeoutMs)
): Promise<void> {
  // The client (no credentials) only reads Message_MaxAllowedSize, a public setting.
  const anonymous = { ...options, userId: '', authToken: '', webhook: hook }
  await withClient(anonymous, hook.url, deadline, log, async (client, dispatcher) => {
    const post = async (limit: number): Promise<void> => {
      const [text] = fitToLimit(content.text, limit, options, runUrl, log)
      const message = webhookMessage(outgoing(options, content, text))
      const { retries, names } = options
      await postToWebhook(hook, message, { dispatcher, deadline, retries, log, names })
    }
    const limit = await messageLimit(client, options, content.text)
    try {
      await post(limit)
    } catch (error) {
      // As with the REST API: a too-long refusal stores nothing, so learn the limit and refit.
      const learned = await learnedLimit(client, options, error, limit)
      if (learned === undefined) throw error
      await post(learned)
    }
  })
}
