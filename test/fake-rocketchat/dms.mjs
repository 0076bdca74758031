// @ts-check
/**
 * DMs: finding and creating direct-message rooms.
 *
 * Sources (RocketChat/Rocket.Chat): `apps/meteor/server/meteor-methods/messages/createDirectMessage.ts`
 * at 1d09fcc5 (errors and their details) and `apps/meteor/app/lib/server/functions/createDirectRoom.ts`
 * at 03677ca2 (1:1 id = the two user ids sorted and concatenated; group DMs get a random id).
 * Unknown usernames: the 6.x method (the one importing the federation `addUser`) and develop at
 * 1d09fcc5 throw `error-invalid-user`; `apps/meteor/server/methods/createDirectMessage.ts` at
 * 08e13514 passes the names on unchecked and `createDirectRoom` drops those `Users.findUsersByUsernames`
 * does not find, so the caller gets its own self-DM with 200 (`world.unknownDmUsers = 'drop'`).
 * Which releases carry that version is inferred (7.x), not read from release tags.
 */
import { meteorError } from './errors.mjs'
import { hasPermission } from './permissions.mjs'
import { addRoomTo, findUserByUsername } from './state.mjs'
import { randomId } from './helpers.mjs'

/** @typedef {import('./state.mjs').World} World */
/** @typedef {import('./state.mjs').User} User */

/**
 * Finds the DM whose members are exactly `uids`, or creates it (1:1 id = sorted ids concatenated).
 * @param {World} world
 * @param {User[]} members
 */
function getOrCreateDirectRoom(world, members) {
  const existing = findDirectRoom(world, members)
  if (existing) return existing
  const uids = [...new Set(members.map((u) => u._id))].sort()
  const usernames = [...new Set(members.map((u) => u.username))].sort()
  return addRoomTo(world, {
    _id: uids.length === 2 ? uids.join('') : randomId(),
    t: 'd',
    usernames,
    uids,
    default: false,
    members: uids
  })
}

/** @param {World} world @param {User[]} members */
function findDirectRoom(world, members) {
  const uids = [...new Set(members.map((u) => u._id))].sort()
  for (const room of world.rooms.values()) {
    if (
      room.t === 'd' &&
      room.uids.length === uids.length &&
      room.uids.every((/** @type {string} */ id, /** @type {number} */ i) => id === uids[i])
    ) {
      return room
    }
  }
  return undefined
}

/**
 * `createDirectMessage`: Meteor errors with details {method:'createDirectMessage'}.
 * @param {World} world
 * @param {User} me
 * @param {string[]} usernames
 * @param {boolean} [excludeSelf]
 */
export function createDirectMessage(world, me, usernames, excludeSelf) {
  const details = { method: 'createDirectMessage' }
  if (
    !world.settings.Message_AllowDirectMessagesToYourself &&
    usernames.length === 1 &&
    usernames[0] === me.username
  ) {
    throw meteorError('error-invalid-user', 'Invalid user', details)
  }
  const others = usernames
    .filter((name) => name !== me.username)
    .map((name) => {
      const to = findUserByUsername(world, name)
      if (!to && world.unknownDmUsers === 'refuse')
        throw meteorError('error-invalid-user', 'Invalid user', details)
      return to
    })
    .filter(/** @returns {to is User} */ (to) => to !== undefined)
  const members = excludeSelf ? others : [me, ...others]
  if (members.length === 0) throw meteorError('error-invalid-user', 'Invalid user', details)
  if (!hasPermission(world, me, 'create-d') && !findDirectRoom(world, members)) {
    throw meteorError('error-not-allowed', 'Not allowed', details)
  }
  return getOrCreateDirectRoom(world, members)
}

/**
 * The DM of `me` with `other`, created when `me` may (`create-d`).
 * @param {World} world
 * @param {User} me
 * @param {User} other
 */
export function directRoomWith(world, me, other) {
  const existing = findDirectRoom(world, [me, other])
  if (existing) return existing
  if (!hasPermission(world, me, 'create-d')) {
    throw meteorError('error-not-allowed', 'Not allowed', { method: 'createDirectMessage' })
  }
  return getOrCreateDirectRoom(world, [me, other])
}
