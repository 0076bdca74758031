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
    ...(content.previewUrls && { previewUrls: content.previewUrls })
  }
}

/** The chat.sendMessage message for `rid` (the id is added where it is chosen). */
export function restDraft(message: Outgoing, rid: string): Draft {
  const { text, ...rest } = message
  return { rid, msg: text, ...rest }
}

/** The incoming webhook's message: no room (the integration has one), no thread broadcast. */
export function webhookMessage(message: Outgoing): WebhookMessage {
  const { text, alias, emoji, avatar, attachments, tmid } = message
  return { text, alias, emoji, avatar, attachments, tmid }
}
