import type { RocketChatClient } from './client.js'
import { DeadlineError, RocketChatError } from './errors.js'
import type { Message, OutgoingMessage, Room } from './types.js'

/** `rooms.info` by name or id; undefined when the server has no such room. */
export async function roomInfo(
  client: RocketChatClient,
  by: { roomName: string } | { roomId: string }
): Promise<Room | undefined> {
  try {
    const { room } = await client.get<{ room: Room }>('rooms.info', by)
    return room
  } catch (error) {
    if (error instanceof RocketChatError && error.errorType === 'error-room-not-found')
      return undefined
    throw error
  }
}

/** The rooms the user is subscribed to; costly on big servers, so only a fallback. */
export async function subscribedRooms(client: RocketChatClient): Promise<Room[]> {
  const { update } = await client.get<{ update: Room[] }>('rooms.get')
  return update ?? []
}

/** Opens (or finds: the call is idempotent) the direct message room with `username`. */
export async function openDirect(client: RocketChatClient, username: string): Promise<Room> {
  const { room } = await client.post<{ room: Room & { rid?: string } }>('im.create', { username })
  return { ...room, _id: room._id ?? room.rid }
}

/** `chat.getMessage`; undefined when the message does not exist. */
export async function getMessage(
  client: RocketChatClient,
  msgId: string,
  options: { retries?: number } = {}
): Promise<Message | undefined> {
  try {
    const { message } = await client.get<{ message: Message }>(
      'chat.getMessage',
      { msgId },
      options
    )
    return message
  } catch (error) {
    // "Not found" is a bare {"success":false}: no error text at all.
    if (error instanceof RocketChatError && error.status === 400 && !error.serverError)
      return undefined
    throw error
  }
}

/** What happened to a message sent with a client-chosen id. */
export interface SendOutcome {
  /** The stored message. */
  message: Message
  /** An attempt's outcome was unknown, so what is stored may come from an earlier attempt. */
  doubt: boolean
  /** The server refused the id as taken: a message with it was already there. */
  duplicate: boolean
}

/**
 * The server accepted a message and stored nothing: its answer is the one for a taken id, but
 * no message has the id. An app on the server (IPreMessageSentPrevent) blocked it, or something
 * else in the server's sendMessage dropped it.
 */
export class MessageNotStoredError extends Error {
  constructor(
    readonly messageId: string,
    serverError: string,
    cause?: unknown
  ) {
    const answered = `chat.sendMessage answered "${serverError}", its answer both to a message id that already exists and to a message that an app installed on the server (Administration > Apps) blocked`
    super(
      cause
        ? `The server may not have stored the message: ${answered}, and whether the message ${messageId} exists could not be checked (${cause instanceof Error ? cause.message : String(cause)}). Look in the room before running the workflow again.`
        : `The server accepted the message but stored nothing: ${answered}, and no message ${messageId} exists. An app on the server may have blocked it.`,
      { cause }
    )
    this.name = 'MessageNotStoredError'
  }
}

/**
 * Sends a message with our own id, exactly once. An attempt whose outcome is unknown is
 * checked with chat.getMessage before sending again. The server's answer to a duplicate id (a
 * TypeError about 'starred', storing nothing) counts as "already there" only when
 * chat.getMessage then finds the message: an app that blocks a message gets the same answer.
 */
export async function sendWithId(
  client: RocketChatClient,
  message: OutgoingMessage
): Promise<SendOutcome> {
  let doubt = false
  // A check that fails is followed by a resend, which is safe, so it is not tried hard. What
  // it finds stands in for sendMessage's answer, so it has the same shape.
  const check = async (): Promise<{ message: Message } | undefined> => {
    doubt = true
    const found = await getMessage(client, message._id, { retries: 1 })
    return found && { message: found }
  }
  const { previewUrls, ...fields } = message
  try {
    const { message: stored } = await withPreviewUrls(client, previewUrls, (extra) =>
      client.post<{ message: Message }>(
        'chat.sendMessage',
        { message: fields, ...extra },
        { checkDelivered: check }
      )
    )
    return { message: stored, doubt, duplicate: false }
  } catch (error) {
    if (!isDuplicateIdError(error)) throw error
    let stored: Message | undefined
    try {
      stored = await getMessage(client, message._id)
    } catch (lookup) {
      if (lookup instanceof DeadlineError) throw lookup
      throw new MessageNotStoredError(message._id, error.serverError, lookup)
    }
    if (!stored) throw new MessageNotStoredError(message._id, error.serverError)
    return { message: stored, doubt, duplicate: true }
  }
}

/**
 * Sends a request with `previewUrls` where the server takes it. A server whose schema lacks
 * the key (before 6.4: `additionalProperties: false` in @rocket.chat/rest-typings'
 * chatSendMessageSchema and ChatUpdateSchema) refuses the request before doing anything, so
 * it is sent once more without it, the same message id included, and the client remembers
 * for the rest of the step. Its previews are then the server's default (every URL).
 */
export async function withPreviewUrls<T>(
  client: RocketChatClient,
  previewUrls: string[] | undefined,
  send: (extra: { previewUrls?: string[] }) => Promise<T>
): Promise<T> {
  if (previewUrls === undefined || client.previewUrlsRefused) return send({})
  try {
    return await send({ previewUrls })
  } catch (error) {
    if (!isSchemaRefusal(error)) throw error
    client.previewUrlsRefused = true
    return send({})
  }
}

// Ajv's text for a key the schema does not allow, as the server returns it (with the
// ` [invalid-params]` suffix up to 8.x; alone on typed routes).
function isSchemaRefusal(error: unknown): boolean {
  return (
    error instanceof RocketChatError &&
    error.status === 400 &&
    /must NOT have additional properties/.test(error.serverError)
  )
}

/** Posts a message exactly once and returns what the server stored. */
export async function sendMessageOnce(
  client: RocketChatClient,
  message: OutgoingMessage
): Promise<Message> {
  return (await sendWithId(client, message)).message
}

/**
 * The real server's answer when it stores nothing for a message: `sendMessage` returns
 * undefined for an id that exists and for a message an app prevents
 * (apps/meteor/app/lib/server/functions/sendMessage.ts at 026bdc00), and the chat.sendMessage
 * route (apps/meteor/app/api/server/v1/chat.ts at 78da2ffb, 6.x-8.x) reads `.starred` of it.
 */
export function isDuplicateIdError(error: unknown): error is RocketChatError {
  return (
    error instanceof RocketChatError &&
    error.status === 400 &&
    /starred/.test(error.serverError) &&
    /undefined/.test(error.serverError)
  )
}

/**
 * A public setting's value, or undefined when the server does not expose it or cannot be
 * asked: callers have a default, and only running out of time is worth stopping for.
 */
export async function publicSetting(client: RocketChatClient, id: string): Promise<unknown> {
  try {
    const { settings } = await client.get<{ settings?: { _id: string; value: unknown }[] }>(
      'settings.public',
      { _id: id },
      { anonymous: true }
    )
    return Array.isArray(settings) ? settings.find((s) => s._id === id)?.value : undefined
  } catch (error) {
    if (error instanceof DeadlineError) throw error
    return undefined
  }
}
