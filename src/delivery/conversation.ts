import { setTimeout as sleep } from 'node:timers/promises'
import { quote } from '../errors.js'
import { getMessage, sendMessageOnce, sendWithId } from '../rocketchat/api.js'
import type { RocketChatClient } from '../rocketchat/client.js'
import { newMessageId } from '../rocketchat/ids.js'
import { keyedMessageId } from '../rocketchat/keys.js'
import { addReaction, updateMessage } from '../rocketchat/messages.js'
import { resolveRoom, RoomError, type ResolvedRoom } from '../rocketchat/rooms.js'
import type { Logger, Message, OutgoingMessage, RoomRef } from '../rocketchat/types.js'
import { uploadFiles, type UploadPlan } from '../rocketchat/uploads.js'
import type { Deadline } from '../rocketchat/deadline.js'
import type { KeyMode, LiveText } from './options.js'
import type { Draft } from './outgoing.js'

export type { KeyMode } from './options.js'

/** What the step did: posted a new message, replied in the keyed thread, or updated one. */
export type Action = 'posted' | 'replied' | 'updated'

/** Which message a step is about. */
/** `keepText`: an update leaves the text as it is (the step brought no text of its own). */
export type Addressing =
  | { kind: 'new' }
  | { kind: 'key'; key: string; mode: KeyMode; keepText?: boolean }
  /** update-message-id, already fetched (its room comes from it). */
  | { kind: 'existing'; message: Message; keepText?: boolean }

export interface Sent {
  /** The message posted, the reply, or the message updated. */
  message: Message
  action: Action
  /** For the thread-id output: the thread the message is in; in thread mode, the keyed one. */
  threadId: string
  /** The message a reaction goes on: the keyed message when there is a key. */
  anchorId: string
  /** Where files follow the message: '' for the room, else a thread. */
  followUpThread: string
}

/**
 * The message update-message-id names. Fetched first: chat.update needs its room, and a
 * wrong id must fail before anything else happens.
 */
export async function findMessageToUpdate(
  client: RocketChatClient,
  messageId: string
): Promise<Message> {
  const message = await getMessage(client, messageId)
  if (!message) {
    throw new Error(
      `No message ${quote(messageId)} on the server (update-message-id): the id is wrong or the message was deleted. Use the message-id output of the step that posted it.`
    )
  }
  return message
}

/**
 * The room the step posts in: the room input, or, for update-message-id without one, the
 * message's room. Both given: they must agree, or the inputs contradict each other.
 */
export async function roomOf(
  client: RocketChatClient,
  ref: RoomRef | undefined,
  target?: Message
): Promise<ResolvedRoom> {
  const given: RoomRef | undefined =
    ref ?? (target && { kind: 'id-or-name', value: target.rid, given: target.rid })
  if (!given) throw new RoomError('No room to post in: give the room input.')
  return holding(await resolveRoom(client, given), given, target)
}

/** `room`, found for `given`, when it holds `target` (the message update-message-id names). */
export function holding(room: ResolvedRoom, given: RoomRef, target?: Message): ResolvedRoom {
  if (target && room.id !== target.rid) {
    throw new RoomError(
      `The message ${target._id} (update-message-id) is not in ${given.given} but in the room ${target.rid}. Leave room empty to update it where it is.`
    )
  }
  return room
}

/**
 * Sends what the step has to say, as addressed:
 * - new: a fresh message, exactly once;
 * - key, update mode: the keyed message is created on first use, its text updated later;
 * - key, thread mode: the keyed message is created on first use, later steps reply under it;
 * - existing: the message's text is updated.
 *
 * Steps racing on one key are safe: the server stores only one message per id, and the
 * others, told the id is taken, update it or reply under it. A message keeps the attachments
 * and blocks it was created with (chat.update cannot change them): given again, they bring a
 * warning.
 */
export async function sendAddressed(
  client: RocketChatClient,
  addressing: Addressing,
  draft: Draft,
  options: { serverUrl: URL; log: Logger; live?: LiveText; deadline?: Deadline }
): Promise<Sent> {
  const { log, live, deadline } = options
  switch (addressing.kind) {
    case 'new': {
      const message = await sendMessageOnce(client, { ...draft, _id: newMessageId() })
      return posted(message)
    }
    case 'existing':
      return update(client, addressing.message, draft, log, addressing.keepText)
    case 'key': {
      const id = keyedMessageId(options.serverUrl, draft.rid, addressing.key)
      log.debug(`message-key ${quote(addressing.key)} is the message id ${id} in ${draft.rid}.`)
      return addressing.mode === 'thread'
        ? replyUnderKeyed(client, id, addressing.key, draft)
        : live
          ? updateLive(client, id, addressing.key, draft, log, live, deadline)
          : updateKeyed(client, id, addressing.key, draft, log, addressing.keepText)
    }
  }
}

/**
 * What follows the message: the reaction (on the keyed message when there is one), then the
 * files, in the message's thread when it has one or was updated, else in the room; they
 * look like the message (`look`: its alias, emoji and avatar).
 */
export async function followUp(
  client: RocketChatClient,
  sent: Sent,
  options: {
    reaction?: string
    uploads?: UploadPlan
    look?: Partial<Pick<Draft, 'alias' | 'emoji' | 'avatar'>>
    log: Logger
  }
): Promise<void> {
  const { reaction, uploads, look = {}, log } = options
  if (reaction) await addReaction(client, sent.anchorId, reaction)
  if (uploads?.files.length) {
    const { alias, emoji, avatar } = look
    const tmid = sent.followUpThread || undefined
    await uploadFiles(
      client,
      uploads,
      { roomId: sent.message.rid, tmid, alias, emoji, avatar },
      log
    )
  }
}

async function updateKeyed(
  client: RocketChatClient,
  id: string,
  key: string,
  draft: Draft,
  log: Logger,
  keepText = false
): Promise<Sent> {
  const existing = await getMessage(client, id)
  if (existing) return update(client, existing, draft, log, keepText)
  const created = await createOnce(client, { ...withContent(draft, key), _id: id })
  return created.isNew
    ? posted(created.message)
    : update(client, created.message, draft, log, keepText)
}

// Steps that finish together each write what they know; each then reads the board back
// and writes again while it lacks something this step showed. A few rounds settle it.
const SETTLE_ROUNDS = 4
const SETTLE_PAUSE_MS = 400

/**
 * A keyed message whose text is rendered again from fresh data right before each write,
 * from the text it has, then checked until it shows what this step wrote.
 */
async function updateLive(
  client: RocketChatClient,
  id: string,
  key: string,
  draft: Draft,
  log: Logger,
  live: LiveText,
  deadline?: Deadline
): Promise<Sent> {
  let written = draft.msg
  const rewrite = async (current: Message): Promise<Sent> => {
    written = await live.render(current.msg ?? '')
    return update(client, current, { ...draft, msg: written }, log)
  }
  const existing = await getMessage(client, id)
  let sent: Sent
  if (existing) {
    sent = await rewrite(existing)
  } else {
    const created = await createOnce(client, { ...withContent(draft, key), _id: id })
    sent = created.isNew ? posted(created.message) : await rewrite(created.message)
  }
  for (let round = 0; round < SETTLE_ROUNDS; round++) {
    const pause = SETTLE_PAUSE_MS * (1 + Math.random())
    // Settling is worth a little time, never the step's budget.
    if (deadline && deadline.remainingMs < pause + 5_000) break
    await sleep(pause)
    const current = await getMessage(client, id)
    if (!current || live.settled(current.msg ?? '', written)) break
    log.info(
      `Another step updated the message of message-key ${quote(key)} at the same moment; updating it again with both.`
    )
    sent = { ...(await rewrite(current)), action: sent.action }
  }
  return sent
}

async function replyUnderKeyed(
  client: RocketChatClient,
  id: string,
  key: string,
  draft: Draft
): Promise<Sent> {
  const inThread = (message: Message, action: Action): Sent => ({
    message,
    action,
    threadId: id,
    anchorId: id,
    followUpThread: id
  })
  if (!(await getMessage(client, id))) {
    // The first step's message becomes the thread; tshow means nothing outside a thread.
    const parent = { ...withContent(draft, key), tshow: undefined }
    const created = await createOnce(client, { ...parent, _id: id })
    if (created.isNew) return inThread(created.message, 'posted')
  }
  const reply = await sendMessageOnce(client, { ...draft, _id: newMessageId(), tmid: id })
  return inThread(reply, 'replied')
}

async function update(
  client: RocketChatClient,
  existing: Message,
  draft: Draft,
  log: Logger,
  keepText = false
): Promise<Sent> {
  if (keepText) draft = { ...draft, msg: '', attachments: undefined, blocks: undefined }
  const kept = [draft.attachments?.length && 'attachments', draft.blocks?.length && 'blocks']
    .filter(Boolean)
    .join(' and ')
  if (kept) {
    log.warning(
      `The message ${existing._id} already exists, so the ${kept} given are not posted: chat.update can only change the text. The message keeps the ${kept} it was created with.`
    )
  }
  let message = existing
  if (!draft.msg) {
    log.info(`No text given: the message ${existing._id} keeps its text.`)
  } else if (draft.msg !== existing.msg) {
    message = await updateMessage(
      client,
      { roomId: existing.rid, msgId: existing._id },
      draft.msg,
      draft.previewUrls
    )
    // The web client shows a message's blocks in place of its text (RocketChat/Rocket.Chat
    // apps/meteor/client/components/message/variants/room/RoomMessageContent.tsx at ba4cc4dd
    // renders md only when there are no blocks), so there the update changes nothing visible.
    if (existing.blocks?.length) {
      log.warning(
        `The message ${existing._id} has blocks, so Rocket.Chat's web client shows them instead of its text: the new text reaches notifications and search, but the room shows the blocks it was created with. For a message that later steps update, use layout: attachments or no blocks.`
      )
    }
  }
  return {
    message,
    action: 'updated',
    threadId: message.tmid ?? '',
    anchorId: message._id,
    followUpThread: message.tmid ?? message._id
  }
}

function posted(message: Message): Sent {
  const thread = message.tmid ?? ''
  return {
    message,
    action: 'posted',
    threadId: thread,
    anchorId: message._id,
    followUpThread: thread
  }
}

// Creating the keyed message needs something to show; updating it does not.
function withContent(draft: Draft, key: string): Draft {
  if (draft.msg || draft.attachments?.length || draft.blocks?.length) return draft
  throw new Error(
    `message-key ${quote(key)} has no message yet, and this step has no text, attachments or blocks to create it with.`
  )
}

/**
 * Creates a message with a chosen id, or finds that it exists: a step with the same key got
 * there first (the server then stores nothing), or an earlier attempt of this one whose
 * answer was lost. `isNew` tells the caller whether to update or reply instead.
 */
async function createOnce(
  client: RocketChatClient,
  message: OutgoingMessage
): Promise<{ message: Message; isNew: boolean }> {
  const sent = await sendWithId(client, message)
  // After a lost answer, what is there counts as this step's only if it says the same.
  const same = sent.message.msg === message.msg
  return { message: sent.message, isNew: sent.duplicate ? sent.doubt && same : !sent.doubt || same }
}
