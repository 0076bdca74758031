import type { Content } from '../message/content.js'
import type { OutgoingMessage } from '../rocketchat/types.js'
import type { WebhookMessage } from '../rocketchat/webhook.js'
import type { DeliveryOptions } from './options.js'

/** A message as a step wants it, before it has an id. */
export type Draft = Omit<OutgoingMessage, '_id'>

/**
 * The one description of what a step sends, from which every request is built: the REST
 * message, the webhook body and the dry-run report, so that they cannot disagree.
 */
export type Outgoing = Omit<OutgoingMessage, '_id' | 'rid' | 'msg'> & { text: string }

/** What `content` becomes when its text is `text` (the whole text, or one part of it). */
export function outgoing(options: DeliveryOptions, content: Content, text: string): Outgoing {
  return {
    text,
    ...(content.alias && { alias: content.alias }),
    ...(options.emoji && { emoji: options.emoji }),
    ...(options.avatar && { avatar: options.avatar }),
    ...(options.threadId && { tmid: options.threadId }),
    ...(options.threadBroadcast && { tshow: true }),
    ...(content.attachments?.length && { attachments: content.attachments }),
    ...(content.previewUrls && { previewUrls: content.previewUrls }),
    ...(content.blocks?.length && {
      blocks: content.blocks as unknown as Record<string, unknown>[]
    })
  }
}

/** The chat.sendMessage message for `rid` (the id is added where it is chosen). */
export function restDraft(message: Outgoing, rid: string): Draft {
  const { text, ...rest } = message
  return { rid, msg: text, ...rest }
}

/**
 * The incoming webhook's message: no room (the integration has one), no thread broadcast, and
 * no blocks: the server's processWebhookMessage copies text, attachments and a few other
 * fields into the message it posts, never blocks (RocketChat/Rocket.Chat
 * apps/meteor/app/lib/server/functions/processWebhookMessage.ts at 0066124e), so a message
 * with blocks is refused here rather than posted without them.
 */
export function webhookMessage(message: Outgoing): WebhookMessage {
  const { text, alias, emoji, avatar, attachments, tmid, blocks } = message
  if (blocks?.length) {
    throw new Error(
      'The message has blocks (from template-file), but an incoming webhook drops blocks: the server copies only text, attachments and a few other fields into the message it posts. Remove blocks from the template file, or post with auth-token and user-id instead of webhook-url.'
    )
  }
  return { text, alias, emoji, avatar, attachments, tmid }
}
