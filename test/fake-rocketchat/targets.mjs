// @ts-check
/**
 * Target resolution for chat.postMessage and webhooks, and the message they build.
 *
 * Sources (RocketChat/Rocket.Chat): `apps/meteor/server/lib/rooms/getRoomByNameOrIdWithOptionToJoin.ts`
 * at abd18afe; `buildMessage` of `apps/meteor/app/lib/server/functions/processWebhookMessage.ts`
 * at 0066124e (7.x/8.x; develop: `apps/meteor/server/lib/messages/processWebhookMessage.ts` at 412cd3e8).
 */
import { meteorError } from './errors.mjs'
import { directRoomWith } from './dms.mjs'
import { findRoomByIdOrName, findUserByUsername, isSubscribed, subscribe } from './state.mjs'
import { isEmptyValue, removeNullish } from './helpers.mjs'

/** @typedef {import('./state.mjs').World} World */
/** @typedef {import('./state.mjs').User} User */
/** @typedef {import('./state.mjs').Room} Room */

/**
 * Public channels are joined on the way (Room.join); private ones are returned as-is.
 * @param {World} world
 * @param {Room} room
 * @param {User} user
 */
function joinIfPublic(world, room, user) {
  if (room.t === 'c' && !isSubscribed(world, room._id, user._id))
    subscribe(world, room._id, user._id)
  return room
}

/**
 * `getRoomByNameOrIdWithOptionToJoin` for '#name', '@user' and bare ids/names.
 * @param {World} world
 * @param {string} target
 * @param {User} user
 * @returns {Room}
 */
export function resolveTarget(world, target, user) {
  if (target.startsWith('#')) {
    const room = findRoomByIdOrName(world, target.slice(1))
    if (!room) throw meteorError('invalid-channel')
    return joinIfPublic(world, room, user)
  }
  if (target.startsWith('@')) {
    const ref = target.slice(1)
    const other = world.users.get(ref) ?? findUserByUsername(world, ref)
    if (other) return directRoomWith(world, user, other)
    const room = world.rooms.get(ref)
    if (room) return room
    throw meteorError('invalid-channel')
  }
  const room = findRoomByIdOrName(world, target)
  if (room) return joinIfPublic(world, room, user)
  const other = world.users.get(target) // tryDirectByUserIdOnly
  if (other) return directRoomWith(world, user, other)
  throw meteorError('invalid-channel')
}

/**
 * `buildMessage` of processWebhookMessage.
 * @param {any} body the request body (chat.postMessage) or hook payload
 * @param {{alias?: string, avatar?: string, emoji?: string}} [defaults] the integration's
 */
export function buildWebhookMessage(body, defaults = {}) {
  const attachments = Array.isArray(body.attachments)
    ? body.attachments.map((/** @type {any} */ a) => {
        if (!a || typeof a !== 'object' || !a.msg) return a
        const { msg, ...rest } = a
        return { ...rest, text: String(msg).trim() }
      })
    : body.attachments
  /** @type {Record<string, unknown>} */
  const message = {
    alias: body.username || body.alias || defaults.alias || '',
    msg: String(body.text || body.msg || '').trim(),
    attachments: attachments || [],
    parseUrls: body.parseUrls !== undefined ? body.parseUrls : !body.attachments,
    bot: body.bot,
    groupable: body.groupable !== undefined ? body.groupable : false,
    tmid: body.tmid,
    customFields: body.customFields
  }
  if (!isEmptyValue(body.icon_url) || !isEmptyValue(body.avatar))
    message.avatar = body.icon_url || body.avatar
  else if (!isEmptyValue(body.icon_emoji) || !isEmptyValue(body.emoji))
    message.emoji = body.icon_emoji || body.emoji
  else if (!isEmptyValue(defaults.avatar)) message.avatar = defaults.avatar
  else if (!isEmptyValue(defaults.emoji)) message.emoji = defaults.emoji
  return removeNullish(message)
}
