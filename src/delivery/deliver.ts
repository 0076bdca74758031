import type { Content } from '../message/content.js'
import { sendMessageOnce } from '../rocketchat/api.js'
import { Deadline } from '../rocketchat/deadline.js'
import { newMessageId } from '../rocketchat/ids.js'
import { likelyRoomId, resolveRoom, RoomError, type ResolvedRoom } from '../rocketchat/rooms.js'
import type { Logger, Message, RoomRef } from '../rocketchat/types.js'
import { planUploads, type LocalFile } from '../rocketchat/uploads.js'
import { withClient } from './connection.js'
import {
  findMessageToUpdate,
  followUp,
  holding,
  roomOf,
  sendAddressed,
  type Action,
  type Addressing,
  type Sent
} from './conversation.js'
import { fitToLimit, learnedLimit, messageLimit } from './limit.js'
import type { DeliveryOptions, LiveText } from './options.js'
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
 * within the step's time budget. `live`: with message-key in update mode, the text is made
 * again from fresh data right before each write (the run board).
 */
export async function deliver(
  options: DeliveryOptions,
  content: Content,
  log: Logger,
  runUrl = '',
  files: LocalFile[] = [],
  deadline = new Deadline(options.timeoutMs),
  live?: LiveText
): Promise<Delivery> {
  return withClient(options, options.serverUrl, deadline, log, async (client) => {
    // What does not depend on each other goes out at once, each read on its own connection.
    const planned = files.length ? planUploads(client, files) : undefined
    const limited = messageLimit(client, options, content.text)
    const found = options.updateMessageId
      ? findMessageToUpdate(client, options.updateMessageId)
      : undefined
    const looked = options.room ? resolveRoom(client, options.room) : undefined
    for (const pending of [planned, limited, found, looked]) pending?.catch(() => undefined)

    // Before anything is posted: a file over the server's own limit fails the step now.
    const uploads = await planned
    const target = await found
    let limit = await limited
    // A preset chosen only because no text was given must not overwrite an existing message.
    const keepText = content.presetOnly
    const addressing: Addressing = target
      ? { kind: 'existing', message: target, keepText }
      : options.messageKey
        ? { kind: 'key', key: options.messageKey, mode: options.keyMode, keepText }
        : { kind: 'new' }
    const draftIn = (rid: string) => (text: string) =>
      restDraft(outgoing(options, content, text), rid)
    const fit = (limit: number, text = content.text): string[] =>
      fitToLimit(text, limit, options, runUrl, log)
    const fitted: LiveText | undefined = live && {
      render: async (current) => fit(limit, await live.render(current))[0],
      settled: (current, written) => live.settled(current, written)
    }

    // The first part, in the room `rid`: its text fitted to the server's limit.
    const sendIn = async (rid: string): Promise<{ sent: Sent; parts: string[] }> => {
      const send = (text: string): Promise<Sent> =>
        sendAddressed(client, addressing, draftIn(rid)(text), {
          serverUrl: options.serverUrl,
          log,
          live: addressing.kind === 'key' && addressing.mode === 'update' ? fitted : undefined,
          deadline
        })
      let parts = fit(limit)
      try {
        return { sent: await send(parts[0]), parts }
      } catch (error) {
        // The server's limit can be below the default 5000; learn it and fit the text again.
        const learned = await learnedLimit(client, options, error, limit)
        if (learned === undefined) throw error
        limit = learned
        parts = fit(learned)
        return { sent: await send(parts[0]), parts }
      }
    }

    let room: ResolvedRoom
    let opening: { sent: Sent; parts: string[] }
    const guess = target ? undefined : likelyRoomId(options.room)
    if (guess && looked) {
      // A room given by id is posted to at once; the lookup, which only names the room for the
      // outputs, answers meanwhile. A send to a room that is not there stores nothing.
      try {
        opening = await sendIn(guess)
        room = await looked.catch((error: unknown) => unnamed(guess, error, log))
      } catch (error) {
        room = await looked.catch((lookupError: unknown) => {
          throw lookupError instanceof RoomError ? lookupError : error
        })
        if (room.id === guess) throw error
        opening = await sendIn(room.id)
      }
    } else {
      room = looked
        ? holding(await looked, options.room as RoomRef, target)
        : await roomOf(client, options.room, target)
      opening = await sendIn(room.id)
    }
    log.debug(`Room ${options.room?.given ?? room.id} is ${room.id} (type ${room.type}).`)
    const { sent, parts } = opening
    const draftOf = draftIn(room.id)

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

// The message is posted: a lookup that failed only costs the room's name and type.
function unnamed(id: string, error: unknown, log: Logger): ResolvedRoom {
  const why = error instanceof Error ? error.message : String(error)
  log.warning(
    `The message was posted, but the room ${id} could not be looked up, so room-name and room-type are empty: ${why}`
  )
  return { id, name: '', type: '' }
}

// A DM room found by id lists both members; the sender is known once the message is back.
function withSender(room: ResolvedRoom, message: Message): ResolvedRoom {
  if (room.type !== 'd' || !room.usernames || !message.u) return room
  const others = room.usernames.filter((u) => u !== message.u?.username)
  return { ...room, name: others.join(',') || message.u.username }
}
