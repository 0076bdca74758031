import {
  findMessageToUpdate,
  followUp,
  roomOf,
  sendAddressed,
  type Action,
  type Addressing,
  type Sent
} from './conversation.js'
import { quote } from './errors.js'
import { megabytes, type LocalFile } from './files.js'
import type { Content } from './message/content.js'
import { DEFAULT_MAX_LENGTH, split, truncate } from './message/length.js'
import { publicSetting, sendMessageOnce } from './rocketchat/api.js'
import { RocketChatClient } from './rocketchat/client.js'
import { Deadline } from './rocketchat/deadline.js'
import { RocketChatError } from './rocketchat/errors.js'
import { explainFailure } from './rocketchat/explain.js'
import { newMessageId } from './rocketchat/ids.js'
import type { ResolvedRoom } from './rocketchat/rooms.js'
import { createDispatcher } from './rocketchat/transport.js'
import type { Logger, Message, OutgoingMessage } from './rocketchat/types.js'
import { planUploads } from './rocketchat/uploads.js'
import { postToWebhook, WebhookError, webhookBody, type Webhook } from './rocketchat/webhook.js'
import type { Settings } from './settings.js'

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
    what?: string
  ) {
    const why = explainFailure(cause)
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
  settings: Settings,
  content: Content,
  log: Logger,
  runUrl = '',
  files: LocalFile[] = [],
  deadline = new Deadline(settings.timeoutMs)
): Promise<Delivery> {
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
    // Before anything is posted: a file over the server's own limit fails the step now.
    const uploads = files.length ? await planUploads(client, files) : undefined
    const target = settings.updateMessageId
      ? await findMessageToUpdate(client, settings.updateMessageId)
      : undefined
    const room = await roomOf(client, settings.room, target)
    log.debug(`Room ${settings.room?.given ?? room.id} is ${room.id} (type ${room.type}).`)
    // A preset chosen only because no text was given must not overwrite an existing message.
    const keepText = content.presetOnly
    const addressing: Addressing = target
      ? { kind: 'existing', message: target, keepText }
      : settings.messageKey
        ? { kind: 'key', key: settings.messageKey, mode: settings.keyMode, keepText }
        : { kind: 'new' }

    const base: Omit<OutgoingMessage, '_id' | 'msg'> = {
      rid: room.id,
      ...(content.alias && { alias: content.alias }),
      ...(settings.emoji && { emoji: settings.emoji }),
      ...(settings.avatar && { avatar: settings.avatar }),
      ...(settings.threadId && { tmid: settings.threadId }),
      ...(settings.threadBroadcast && { tshow: true })
    }
    const attachments = content.attachments?.length ? { attachments: content.attachments } : {}
    const options = { serverUrl: settings.serverUrl, log }
    const send = (msg: string): Promise<Sent> =>
      sendAddressed(client, addressing, { ...base, ...attachments, msg }, options)

    let limit = await messageLimit(client, settings, content.text)
    let parts = fit(content.text, limit, settings, log, runUrl)
    let sent: Sent
    try {
      sent = await send(parts[0])
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
        await sendMessageOnce(client, {
          ...base,
          _id: newMessageId(),
          msg: parts[part],
          tmid: threadId
        })
      }
      await followUp(client, sent, { reaction: settings.reaction, uploads, look: base, log })
    } catch (error) {
      const what =
        part < parts.length
          ? `parts ${part + 1} to ${parts.length} of the split text were not posted`
          : undefined
      throw new PartialDeliveryError(delivery, error, what)
    }
    return delivery
  } finally {
    await dispatcher.destroy()
  }
}

/**
 * Posts the content through an incoming webhook: no room to resolve, and no message comes
 * back, so nothing follows it. At most once (see postToWebhook).
 */
export async function deliverToWebhook(
  settings: Settings,
  hook: Webhook,
  content: Content,
  log: Logger,
  runUrl = '',
  deadline = new Deadline(settings.timeoutMs)
): Promise<void> {
  const dispatcher = createDispatcher(hook.url, { proxy: settings.proxy, caCert: settings.caCert })
  try {
    // Only for Message_MaxAllowedSize, a public setting: no credentials are needed.
    const client = new RocketChatClient({
      serverUrl: hook.server,
      userId: '',
      authToken: '',
      dispatcher,
      deadline,
      retries: settings.retries,
      log
    })
    const post = async (limit: number): Promise<void> => {
      const [text] = fit(content.text, limit, settings, log, runUrl)
      const options = { dispatcher, deadline, retries: settings.retries, log }
      await postToWebhook(hook, webhookMessage(settings, content, text), options)
    }
    const limit = await messageLimit(client, settings, content.text)
    try {
      await post(limit)
    } catch (error) {
      // As with the REST API: a too-long refusal stores nothing, so learn the limit and refit.
      const tooLong =
        error instanceof WebhookError && /message-size-exceeded/.test(error.serverError)
      const learned =
        tooLong && settings.maxMessageLength === undefined ? await serverLimit(client) : undefined
      if (learned === undefined || learned >= limit) throw error
      await post(learned)
    }
  } finally {
    await dispatcher.destroy()
  }
}

function webhookMessage(settings: Settings, content: Content, text: string) {
  return {
    text,
    alias: content.alias,
    emoji: settings.emoji,
    avatar: settings.avatar,
    attachments: content.attachments,
    tmid: settings.threadId
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
export function dryRunReport(
  settings: Settings,
  content: Content,
  files: LocalFile[] = []
): string {
  const header = 'Dry run: nothing is sent. This request would be made:'
  if (settings.webhook) {
    const body = webhookBody(webhookMessage(settings, content, content.text))
    // The path holds the webhook's token: never printed.
    const url = `${settings.webhook.server.href.replace(/\/$/, '')}/hooks/***`
    return `${header}\nPOST ${url}\n${JSON.stringify(body, null, 2)}`
  }
  const body = {
    message: {
      _id: settings.updateMessageId
        ? settings.updateMessageId
        : settings.messageKey
          ? `(derived from message-key ${quote(settings.messageKey)} and the room)`
          : '(generated per message)',
      rid: settings.room
        ? `(room ${settings.room.given}, resolved when sending)`
        : '(the room of update-message-id)',
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
  const notes = [
    settings.updateMessageId &&
      'update-message-id: only the text is sent, with chat.update, to the message with this id.',
    settings.messageKey &&
      (settings.keyMode === 'thread'
        ? 'message-key, thread mode: the first step posts this message; later steps post it as a reply in its thread.'
        : 'message-key, update mode: the first step posts this message; later steps update its text with chat.update.'),
    settings.reaction && `Then the reaction ${settings.reaction} is added.`,
    files.length &&
      `Then ${files.length} file${files.length === 1 ? ' is' : 's are'} uploaded: ${files.map((f) => `${f.shown} (${megabytes(f.size)})`).join(', ')}.`
  ].filter(Boolean)
  return [`${header}\nPOST ${url}\n${JSON.stringify(body, null, 2)}`, ...notes].join('\n')
}
