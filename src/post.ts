import type { Content } from './message/content.js'
import { DEFAULT_MAX_LENGTH, split, truncate } from './message/length.js'
import { publicSetting, sendMessageOnce } from './rocketchat/api.js'
import { Deadline, RocketChatClient } from './rocketchat/client.js'
import { RocketChatError } from './rocketchat/errors.js'
import { newMessageId } from './rocketchat/ids.js'
import { resolveRoom, type ResolvedRoom } from './rocketchat/rooms.js'
import { createDispatcher } from './rocketchat/transport.js'
import type { Logger, Message, OutgoingMessage } from './rocketchat/types.js'
import type { Settings } from './settings.js'

export interface Delivery {
  message: Message
  room: ResolvedRoom
  /** The thread the message is in, or the one its continuation parts went to. */
  threadId: string
  /** How many messages were posted (more than one when long-message is split). */
  parts: number
}

/** Resolves the room and posts the content, exactly once, within the step's time budget. */
export async function deliver(
  settings: Settings,
  content: Content,
  log: Logger,
  runUrl = ''
): Promise<Delivery> {
  const deadline = new Deadline(settings.timeoutMs)
  const dispatcher = createDispatcher(settings.serverUrl, {
    proxy: settings.proxy,
    caCert: settings.caCert
  })
  try {
    const client = new RocketChatClient({
      serverUrl: settings.serverUrl,
      userId: settings.userId,
      authToken: settings.authToken,
      dispatcher,
      deadline,
      retries: settings.retries,
      log
    })
    const room = await resolveRoom(client, settings.room)
    log.debug(`Room ${settings.room.given} is ${room.id} (type ${room.type}).`)

    const base: Omit<OutgoingMessage, '_id' | 'msg'> = {
      rid: room.id,
      ...(content.alias && { alias: content.alias }),
      ...(settings.emoji && { emoji: settings.emoji }),
      ...(settings.avatar && { avatar: settings.avatar }),
      ...(settings.threadId && { tmid: settings.threadId }),
      ...(settings.threadBroadcast && { tshow: true })
    }
    const attachments = content.attachments?.length ? { attachments: content.attachments } : {}

    let limit = await messageLimit(client, settings, content.text)
    let parts = fit(content.text, limit, settings, log, runUrl)
    let first: Message
    try {
      first = await sendMessageOnce(client, {
        ...base,
        ...attachments,
        _id: newMessageId(),
        msg: parts[0]
      })
    } catch (error) {
      // The server's limit can be below the default 5000; learn it and fit the text again.
      const tooLong =
        error instanceof RocketChatError &&
        /message-size-exceeded/.test(`${error.errorType} ${error.serverError}`)
      const learned =
        tooLong && settings.maxMessageLength === undefined ? await serverLimit(client) : undefined
      if (learned === undefined || learned >= limit) throw error
      limit = learned
      parts = fit(content.text, limit, settings, log, runUrl)
      first = await sendMessageOnce(client, {
        ...base,
        ...attachments,
        _id: newMessageId(),
        msg: parts[0]
      })
    }

    const threadId = first.tmid ?? (parts.length > 1 ? first._id : '')
    for (const part of parts.slice(1)) {
      await sendMessageOnce(client, { ...base, _id: newMessageId(), msg: part, tmid: threadId })
    }
    return { message: first, room: withSender(room, first), threadId, parts: parts.length }
  } finally {
    await dispatcher.destroy()
  }
}

// Message_MaxAllowedSize is only read when the text could exceed the default.
async function messageLimit(
  client: RocketChatClient,
  settings: Settings,
  text: string
): Promise<number> {
  if (settings.maxMessageLength !== undefined) return settings.maxMessageLength
  if (text.length <= DEFAULT_MAX_LENGTH) return DEFAULT_MAX_LENGTH
  return (await serverLimit(client)) ?? DEFAULT_MAX_LENGTH
}

async function serverLimit(client: RocketChatClient): Promise<number | undefined> {
  const value = Number(await publicSetting(client, 'Message_MaxAllowedSize'))
  return Number.isInteger(value) && value > 0 ? value : undefined
}

function fit(
  text: string,
  limit: number,
  settings: Settings,
  log: Logger,
  runUrl: string
): string[] {
  if (text.length <= limit) return [text]
  switch (settings.longMessage) {
    case 'fail':
      throw new Error(
        `The message is ${text.length} characters, over the server's limit of ${limit} (long-message is fail). Shorten it, or set long-message to truncate or split.`
      )
    case 'split': {
      const parts = split(text, limit)
      log.info(
        `The message is ${text.length} characters, over the limit of ${limit}: posting it in ${parts.length} parts, the rest as thread replies.`
      )
      return parts
    }
    default: {
      const full = `\n\n… (truncated${runUrl ? `: full text in the run log, ${runUrl}` : ''})`
      // A tiny limit still gets a marker, just a shorter one, and never goes over.
      const marker = full.length * 2 <= limit ? full : '…'
      log.info(
        `The message is ${text.length} characters, over the limit of ${limit}: posting it truncated. Full text:\n${text}`
      )
      return [truncate(text, limit, marker)]
    }
  }
}

// A DM room found by id lists both members; the sender is known once the message is back.
function withSender(room: ResolvedRoom, message: Message): ResolvedRoom {
  if (room.type !== 'd' || !room.usernames || !message.u) return room
  const others = room.usernames.filter((u) => u !== message.u?.username)
  return { ...room, name: others.join(',') || message.u.username }
}

/** What a dry run prints: the exact request, with the room left as given. */
export function dryRunReport(settings: Settings, content: Content): string {
  const body = {
    message: {
      _id: '(generated per message)',
      rid: `(room ${settings.room.given}, resolved when sending)`,
      msg: content.text,
      ...(content.alias && { alias: content.alias }),
      ...(settings.emoji && { emoji: settings.emoji }),
      ...(settings.avatar && { avatar: settings.avatar }),
      ...(settings.threadId && { tmid: settings.threadId }),
      ...(settings.threadBroadcast && { tshow: true }),
      ...(content.attachments?.length && { attachments: content.attachments })
    }
  }
  const url = `${settings.serverUrl.href.replace(/\/$/, '')}/api/v1/chat.sendMessage`
  return `Dry run: nothing is sent. This request would be made:\nPOST ${url}\n${JSON.stringify(body, null, 2)}`
}
