import type { Content } from '../message/content.js'
import { sendMessageOnce } from '../rocketchat/api.js'
import { Deadline } from '../rocketchat/deadline.js'
import { RocketChatError } from '../rocketchat/errors.js'
import { newMessageId } from '../rocketchat/ids.js'
import type { ResolvedRoom } from '../rocketchat/rooms.js'
import type { Logger, Message } from '../rocketchat/types.js'
import { planUploads, type LocalFile } from '../rocketchat/uploads.js'
import { withClient } from './connection.js'
import {
  findMessageToUpdate,
  followUp,
  roomOf,
  sendAddressed,
  type Action,
  type Addressing,
  type Sent
} from './conversation.js'
import { fitToLimit, learnedLimit, messageLimit } from './limit.js'
import type { DeliveryOptions } from './options.js'
import { outgoing, restDraft } from './outgoing.js'

export interface Delivery {
  /** The message posted, the reply in the keyed thread, or the message updated. */
  message: Message
  room: ResolvedRoom
  /** The thread the message is in, or the one its continuation parts went to. */
  threadId: string
  /** How many messages were posted (more than one when long-message is split). */
  parts: number
  action: Action
}

/**
 * The message was posted (or updated), but something after it failed: continuation parts,
 * the reaction or the files. Carries the delivery so that the outputs can still be set.
 */
export class PartialDeliveryError extends Error {
  constructor(
    readonly delivery: Delivery,
    cause: unknown,
    /** What did not happen, when it is more than the cause says ("parts 2 to 3 …"). */
    readonly what?: string
  ) {
    const why = cause instanceof Error ? cause.message : String(cause)
    super(
      `The message was ${delivery.action} (id ${delivery.message._id}), but${what ? ` ${what}` : ''}: ${why}`,
      { cause }
    )
    this.name = 'PartialDeliveryError'
  }
}

/**
 * Resolves the room and posts the content (or updates the message, or replies under it, as
 * message-key and update-message-id ask), exactly once, then adds the reaction and the files,
 * within the step's time budget.
 */
export async function deliver(
  options: DeliveryOptions,
  content: Content,
  log: Logger,
  runUrl = '',
  files: LocalFile[] = [],
  deadline = new Deadline(options.timeoutMs)
): Promise<Delivery> {
  return withClient(options, options.serverUrl, deadline, log, async (client) => {
    // Before anything is posted: a file over the server's own limit fails the step now.
    const uploads = files.length ? await planUploads(client, files) : undefined
    const target = options.updateMessageId
      ? await findMessageToUpdate(client, options.updateMessageId)
      : undefined
    const room = await roomOf(client, options.room, target)
    log.debug(`Room ${options.room?.given ?? room.id} is ${room.id} (type ${room.type}).`)
    // A preset chosen only because no text was given must not overwrite an existing message.
    const keepText = content.presetOnly
    const addressing: Addressing = target
      ? { kind: 'existing', message: target, keepText }
      : options.messageKey
        ? { kind: 'key', key: options.messageKey, mode: options.keyMode, keepText }
        : { kind: 'new' }
    const draftOf = (text: string) => restDraft(outgoing(options, content, text), room.id)
    const send = (text: string): Promise<Sent> =>
      sendAddressed(client, addressing, draftOf(text), { serverUrl: options.serverUrl, log })
    const fit = (limit: number): string[] => fitToLimit(content.text, limit, options, runUrl, log)

    const limit = await messageLimit(client, options, content.text)
    let parts = fit(limit)
    let sent: Sent
    try {
      sent = await send(parts[0])
    } catch (error) {
      // The server's limit can be below the default 5000; learn it and fit the text again.
      const tooLong =
        error instanceof RocketChatError &&
        /message-size-exceeded/.test(`${error.errorType} ${error.serverError}`)
      const learned = await learnedLimit(client, options, tooLong, limit)
      if (learned === undefined) throw error
      parts = fit(learned)
      sent = await send(parts[0])
    }

    const first = sent.message
    const threadId = sent.threadId || (parts.length > 1 ? first._id : '')
    const delivery: Delivery = {
      message: first,
      room: withSender(room, first),
      threadId,
      parts: parts.length,
      action: sent.action
    }
    // From here on the message is there: a failure must say so, and the outputs still be set.
    let part = 1
    try {
      for (; part < parts.length; part++) {
        // The attachments and blocks went with the first part; the rest is text in its thread.
        const continuation = { ...draftOf(parts[part]), _id: newMessageId(), tmid: threadId }
        delete continuation.attachments
        delete continuation.blocks
        await sendMessageOnce(client, continuation)
      }
      const look = draftOf('')
      await followUp(client, sent, { reaction: options.reaction, uploads, look, log })
    } catch (error) {
      const what =
        part < parts.length
          ? `parts ${part + 1} to ${parts.length} of the split text were not posted`
          : undefined
      throw new PartialDeliveryError(delivery, error, what)
    }
    return delivery
  })
}

// A DM room found by id lists both members; the sender is known once the message is back.
function withSender(room: ResolvedRoom, message: Message): ResolvedRoom {
  if (room.type !== 'd' || !room.usernames || !message.u) return room
  const others = room.usernames.filter((u) => u !== message.u?.username)
  return { ...room, name: others.join(',') || message.u.username }
}
