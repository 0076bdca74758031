import { RocketChatClient } from '../rocketchat/client.js'
import type { Deadline } from '../rocketchat/deadline.js'
import { createDispatcher } from '../rocketchat/transport.js'
import type { Logger } from '../rocketchat/types.js'
import type { DeliveryOptions } from './options.js'

/**
 * Runs `work` with a client of the server in `options`, over one dispatcher (proxy and CA as
 * configured) that reaches `target` and is closed afterwards, whatever happens.
 */
export async function withClient<T>(
  options: DeliveryOptions,
  target: URL,
  deadline: Deadline,
  log: Logger,
  work: (client: RocketChatClient, dispatcher: ReturnType<typeof createDispatcher>) => Promise<T>
): Promise<T> {
  const dispatcher = createDispatcher(target, {
    proxy: options.proxy,
    caCert: options.caCert,
    names: options.names
  })
  try {
    const client = new RocketChatClient({
      serverUrl: options.webhook ? options.webhook.server : options.serverUrl,
      userId: options.userId,
      authToken: options.authToken,
      dispatcher,
      deadline,
      retries: options.retries,
      log,
      names: options.names
    })
    return await work(client, dispatcher)
  } finally {
    await dispatcher.destroy()
  }
}
