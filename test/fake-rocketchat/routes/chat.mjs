// @ts-check
/**
 * chat.sendMessage, chat.postMessage, chat.update, chat.getMessage, chat.react.
 *
 * Sources (RocketChat/Rocket.Chat): the routes of `apps/meteor/app/api/server/v1/chat.ts` at 78da2ffb
 * (6.x-8.x, legacy `addRoute`) and `apps/meteor/server/api/v1/chat.ts` at 01d81c2c (develop, typed
 * routes); chat.postMessage's processing in `apps/meteor/app/lib/server/functions/processWebhookMessage.ts`
 * at 0066124e (develop: `apps/meteor/server/lib/messages/processWebhookMessage.ts` at 412cd3e8); the
 * statuses and texts asserted by `apps/meteor/tests/end-to-end/api/chat.ts` at 00b56645.
 */
import { failure, meteorError, plainError } from '../errors.mjs'
import { canAccessRoom, hasPermission, validateRoomMessagePermissions } from '../permissions.mjs'
import { enrichMessage, storeMessage } from '../messages.mjs'
import { executeSendMessage } from '../send-message.mjs'
import { buildWebhookMessage, resolveTarget } from '../targets.mjs'
import { ensureArray, isoNow } from '../helpers.mjs'
import { isSix } from '../versions.mjs'

/** @typedef {import('../types.mjs').AuthedCtx} AuthedCtx */
/** @typedef {import('../types.mjs').RouteDef} RouteDef */
/** @typedef {import('../state.mjs').World} World */
/** @typedef {import('../state.mjs').User} User */
/** @typedef {import('../state.mjs').Message} Message */
/** @typedef {import('../state.mjs').Room} Room */

/** Message types that chat.sendMessage refuses (a representative subset of the registered ones). */
const SYSTEM_MESSAGE_TYPES = new Set([
  'r',
  'au',
  'ru',
  'ul',
  'ui',
  'uj',
  'ujt',
  'ult',
  'ut',
  'rm',
  'user-muted',
  'user-unmuted',
  'subscription-role-added',
  'subscription-role-removed',
  'room-archived',
  'room-unarchived',
  'room_changed_privacy',
  'room_changed_topic',
  'room_changed_announcement',
  'room_changed_description',
  'room_changed_avatar',
  'room-renamed',
  'discussion-created',
  'message_pinned',
  'command',
  'livechat-close',
  'videoconf',
  'jitsi_call_started'
])

/** chat.sendMessage. @param {AuthedCtx} ctx */
function chatSendMessage(ctx) {
  const message = ctx.body.message
  if (message.t && SYSTEM_MESSAGE_TYPES.has(message.t)) {
    throw plainError("Cannot send system messages using 'chat.sendMessage'")
  }
  const stored = executeSendMessage(ctx, message, ctx.body.previewUrls)
  // The route passes sendMessage's result to normalizeMessagesForUser, which reads `.starred` of
  // undefined when nothing was stored (duplicate `_id` or an app's IPreMessageSentPrevent): the
  // wording is Node's, older on 6.x (Node 14).
  if (!stored) {
    throw plainError(
      isSix(ctx.version)
        ? "Cannot read property 'starred' of undefined"
        : "Cannot read properties of undefined (reading 'starred')"
    )
  }
  return { message: stored }
}

/** chat.postMessage. @param {AuthedCtx} ctx */
function chatPostMessage(ctx) {
  const { world, user, body, version } = ctx
  const max = world.settings.Message_MaxAllowedSize
  /** @param {unknown} t */
  const tooLong = (t) => typeof t === 'string' && t.length > max
  if (
    tooLong(body.text) ||
    (body.attachments ?? []).some((/** @type {any} */ a) => tooLong(a?.text))
  ) {
    throw failure('error-message-size-exceeded')
  }
  /** @type {string[]} */
  const targets = [...new Set(ensureArray(body.channel || body.roomId))]
  const fields = { ...body }
  delete fields.channel
  delete fields.roomId
  /** @param {string} target */
  const prepare = (target) => {
    const room = resolveTarget(world, target, user)
    validateRoomMessagePermissions(world, room, user)
    return room
  }
  // develop validates every target first; 7.x/8.x deliver target by target (partial delivery).
  const rooms = version === 'develop' ? targets.map(prepare) : []
  /** @type {{channel: string, message: Message|undefined}|undefined} */
  let first
  targets.forEach((target, i) => {
    const room = version === 'develop' ? rooms[i] : prepare(target)
    const message = storeMessage(
      world,
      user,
      buildWebhookMessage(structuredClone(fields)),
      room,
      undefined,
      ctx.emit
    )
    first ??= { channel: target, message }
  })
  if (!first) throw failure('unknown-error')
  return { ts: Date.now(), channel: first.channel, message: first.message }
}

/** chat.update. @param {AuthedCtx} ctx */
function chatUpdate(ctx) {
  const { world, user, body } = ctx
  const message = world.messages.get(body.msgId)
  if (!message) throw failure(`No message found with the id of "${body.msgId}".`)
  if (body.roomId !== message.rid)
    throw failure('The room id provided does not match where the message is from.')
  if ('content' in body && message.t !== 'e2e')
    throw failure('Only encrypted messages can have content updated.')
  // executeUpdateMessage (`apps/meteor/app/lib/server/methods/updateMessage.ts` at 4319a717; the
  // same comparison at 0042af9e, 6.x): "unchanged" compares the first attachment's description,
  // when there is one, instead of msg, and answers the stored message untouched.
  const current = message.attachments?.[0]?.description ?? message.msg
  if (current === body.text && !body.previewUrls && !body.customFields) return { message }
  const editOwn = world.settings.Message_AllowEditing && message.u?._id === user._id
  if (!hasPermission(world, user, 'edit-message') && !editOwn) {
    throw meteorError('error-action-not-allowed', 'Message editing not allowed', {
      method: 'updateMessage',
      action: 'Message_editing'
    })
  }
  checkEditWindow(world, message, user)
  validateRoomMessagePermissions(world, /** @type {Room} */ (world.rooms.get(message.rid)), user)
  // The status is what the e2e chat.ts at 00b56645 expects; neither updateMessage.ts (0042af9e,
  // 4319a717) nor the route has such a check, so where it comes from, and its text, are the
  // fake's own (inferred).
  if (typeof body.text === 'string' && !body.text.trim())
    throw meteorError('error-invalid-message', 'Invalid message')
  if (body.customFields && !world.settings.Message_CustomFields_Enabled)
    throw plainError('Custom fields not enabled')
  Object.assign(message, {
    msg: body.text ?? message.msg,
    ...(body.customFields && { customFields: body.customFields }),
    editedAt: isoNow(),
    editedBy: { _id: user._id, username: user.username }
  })
  enrichMessage(world, message, body.previewUrls)
  message._updatedAt = isoNow()
  ctx.emit('message-updated', message)
  return { message }
}

/**
 * The editing time limit of `updateMessage.ts` at 4319a717: whole minutes since `ts`, blocked from
 * the limit on, unless the user has bypass-time-limit-edit-and-delete (bot and app by default).
 * @param {World} world @param {Message} message @param {User} user
 */
function checkEditWindow(world, message, user) {
  const minutes = world.settings.Message_AllowEditing_BlockEditInMinutes
  if (!minutes || hasPermission(world, user, 'bypass-time-limit-edit-and-delete')) return
  const age = Math.floor((Date.now() - new Date(message.ts).getTime()) / 60_000)
  if (age >= minutes) {
    throw meteorError('error-message-editing-blocked', 'Message editing is blocked', {
      method: 'updateMessage'
    })
  }
}

/** chat.getMessage. @param {AuthedCtx} ctx */
function chatGetMessage(ctx) {
  const { world, user, query } = ctx
  const message = world.messages.get(query.msgId)
  if (!message) throw failure() // {"success":false}, no error key
  const room = world.rooms.get(message.rid)
  if (!room || !canAccessRoom(world, room, user)) {
    throw meteorError('error-not-allowed', 'Not allowed', { method: 'getSingleMessage' })
  }
  return { message }
}

/** chat.react: reactions stored as {":emoji:": {usernames: [...]}}. @param {AuthedCtx} ctx */
function chatReact(ctx) {
  const { world, user, body } = ctx
  const message = world.messages.get(body.messageId)
  if (!message) {
    throw meteorError(
      'error-message-not-found',
      'The provided "messageId" does not match any existing message.'
    )
  }
  const room = world.rooms.get(message.rid)
  if (!room || !canAccessRoom(world, room, user))
    throw meteorError('not-authorized', 'Not Authorized')
  const name = String(body.emoji ?? body.reaction).replace(/^:|:$/g, '')
  if (!world.emoji.has(name))
    throw meteorError('error-not-allowed', 'Invalid emoji provided.', { method: 'setReaction' })
  const key = `:${name}:`
  /** @type {Record<string, {usernames: string[]}>} */
  const reactions = (message.reactions ??= {})
  const usernames = reactions[key]?.usernames ?? []
  const has = usernames.includes(user.username)
  const add = body.shouldReact ?? !has // omitted toggles
  if (add && !has) reactions[key] = { usernames: [...usernames, user.username] }
  if (!add && has) {
    const rest = usernames.filter((u) => u !== user.username)
    if (rest.length) reactions[key] = { usernames: rest }
    else delete reactions[key]
  }
  if (Object.keys(reactions).length === 0) delete message.reactions
  message._updatedAt = isoNow()
  return {}
}

/** @type {Record<string, RouteDef>} */
export const CHAT_ROUTES = {
  'chat.sendMessage': {
    method: 'POST',
    auth: true,
    source: 'body',
    schema: 'chat.sendMessage',
    handler: chatSendMessage
  },
  'chat.postMessage': {
    method: 'POST',
    auth: true,
    source: 'body',
    schema: 'chat.postMessage',
    handler: chatPostMessage
  },
  'chat.update': {
    method: 'POST',
    auth: true,
    source: 'body',
    schema: 'chat.update',
    handler: chatUpdate
  },
  'chat.getMessage': {
    method: 'GET',
    auth: true,
    source: 'query',
    schema: 'chat.getMessage',
    handler: chatGetMessage
  },
  'chat.react': {
    method: 'POST',
    auth: true,
    source: 'body',
    schema: 'chat.react',
    handler: chatReact
  }
}
