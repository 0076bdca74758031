/** A room as the workflow names it: `#name`, `@username`, or a bare name or id. */
export type RoomRef =
  | { kind: 'name'; name: string; given: string }
  | { kind: 'user'; username: string; given: string }
  | { kind: 'id-or-name'; value: string; given: string }

export type RoomType = 'c' | 'p' | 'd' | 'l' | string

export interface Room {
  _id: string
  t: RoomType
  name?: string
  fname?: string
  usernames?: string[]
  uids?: string[]
}

export interface Message {
  _id: string
  rid: string
  msg?: string
  ts?: string | number | { $date: number }
  tmid?: string
  tshow?: boolean
  u?: { _id: string; username: string; name?: string }
  attachments?: Record<string, unknown>[]
  /** A file message's file, and (with its thumbnail) all of them. */
  file?: { _id: string; name?: string }
  files?: { _id: string; name?: string }[]
  /** UiKit layout blocks; the web client shows them instead of `msg`. */
  blocks?: Record<string, unknown>[]
}

/** The body of `chat.sendMessage`'s `message`. */
export interface OutgoingMessage {
  _id: string
  rid: string
  msg: string
  alias?: string
  emoji?: string
  avatar?: string
  tmid?: string
  tshow?: boolean
  attachments?: Record<string, unknown>[]
  /**
   * Not part of the message: sent beside it, as chat.sendMessage's `previewUrls`, the only
   * URLs of the text the server may fetch for a preview. Undefined: every URL.
   */
  previewUrls?: string[]
  /** UiKit layout blocks (message.blocks: an array of objects in every schema in scope). */
  blocks?: Record<string, unknown>[]
}

/**
 * Where the client may log: the action passes its own log (src/action/log.ts), whose lines
 * cannot act as workflow commands; tests pass a recorder.
 */
export interface Logger {
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
  /** Prints `text` as it is, lines and all, where nothing in it can act on the runner. */
  block(text: string): void
}
