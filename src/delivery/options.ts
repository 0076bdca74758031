import type { LongMessage } from '../message/fit.js'
import type { RoomRef } from '../rocketchat/types.js'
import type { Webhook } from '../rocketchat/webhook.js'
import type { SettingNames } from '../rocketchat/names.js'

/** What a step may do with a message a later step names by the same key. */
export type KeyMode = 'update' | 'thread'

/**
 * What delivery needs to know, whoever read it: the action's settings are a superset.
 * Strings are '' when not given.
 */
export interface DeliveryOptions {
  serverUrl: URL
  authToken: string
  userId: string
  /** Absent with a webhook (the integration has its channel), or update-message-id alone. */
  room?: RoomRef
  /** :short_code:. */
  emoji: string
  avatar: string
  threadId: string
  threadBroadcast: boolean
  messageKey: string
  keyMode: KeyMode
  updateMessageId: string
  /** :short_code:. */
  reaction: string
  /** Set: post through this incoming webhook, without credentials or room. */
  webhook?: Webhook
  retries: number
  timeoutMs: number
  proxy: string
  caCert: string
  longMessage: LongMessage
  /** With longMessage split, the most messages one text becomes; DEFAULT_MAX_PARTS when absent. */
  maxParts?: number
  /** The server's limit when known; undefined: read it from the server when it matters. */
  maxMessageLength?: number
  /** How errors name the settings a person can change (the action: its inputs). */
  names?: SettingNames
}

/**
 * A text made again from fresh data right before each write (the run board): used when a
 * message-key message is updated, so that steps finishing together end on one board that
 * shows all of them.
 */
export interface LiveText {
  /** The text to write now, given the text the message has ('' when it has none yet). */
  render(current: string): Promise<string>
  /** True when `current` shows all that `written` (this step's last write) showed. */
  settled(current: string, written: string): boolean
}
