// @ts-check
/**
 * Permissions and room access.
 *
 * Source (RocketChat/Rocket.Chat): `apps/meteor/app/authorization/server/functions/canSendMessage.ts`
 * at 03b3ef89 (`validateRoomMessagePermissionsAsync`: the checks and their plain-Error texts, in this
 * order). The access rule itself (c: `view-c-room`, p and d: a subscription) is the fake's
 * simplification of `canAccessRoom` (inferred).
 */
import { plainError } from './errors.mjs'
import { isSubscribed } from './state.mjs'

/** @typedef {import('./state.mjs').World} World */
/** @typedef {import('./state.mjs').User} User */
/** @typedef {import('./state.mjs').Room} Room */

/** @param {World} world @param {User} user @param {string} permission */
export function hasPermission(world, user, permission) {
  const roles = world.permissions[permission] ?? []
  return user.roles.some((r) => roles.includes(r))
}

/** @param {World} world @param {Room} room @param {User} user */
export function canAccessRoom(world, room, user) {
  if (room.t === 'c') return hasPermission(world, user, 'view-c-room')
  return isSubscribed(world, room._id, user._id) // p and d need a subscription
}

/** `validateRoomMessagePermissionsAsync`: plain Errors, in this order. @param {World} world @param {Room} room @param {User} user */
export function validateRoomMessagePermissions(world, room, user) {
  if (!canAccessRoom(world, room, user)) throw plainError('error-not-allowed')
  if (room.t === 'd' && room.blocked) throw plainError('room_is_blocked')
  if (
    room.ro === true &&
    !hasPermission(world, user, 'post-readonly') &&
    !(room.unmuted ?? []).includes(user.username)
  ) {
    throw plainError("You can't send messages because the room is readonly.")
  }
  if ((room.muted ?? []).includes(user.username)) throw plainError('You_have_been_muted')
}
