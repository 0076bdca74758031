// @ts-check
/**
 * rooms.info and rooms.get.
 *
 * Sources (RocketChat/Rocket.Chat): `apps/meteor/server/api/v1/rooms.ts` at 04f79fdd; the room
 * fields they send are the projection of `apps/meteor/lib/publishFields.ts` (commit not recorded;
 * the fake sends the whole stored room).
 */
import { failure, meteorError } from '../errors.mjs'
import { canAccessRoom } from '../permissions.mjs'
import { findRoomByName, isSubscribed } from '../state.mjs'

/** @typedef {import('../types.mjs').AuthedCtx} AuthedCtx */
/** @typedef {import('../types.mjs').RouteDef} RouteDef */
/** @typedef {import('../state.mjs').Room} Room */

/** Room fields as rooms.get / rooms.info send them (internal bookkeeping stripped). @param {Room} room */
function publicRoom(room) {
  return structuredClone(room)
}

/** rooms.info. @param {AuthedCtx} ctx */
function roomsInfo(ctx) {
  const { world, user, query, version } = ctx
  const { roomId, roomName } = query
  if (!roomId && !roomName) {
    throw meteorError(
      'error-roomid-param-not-provided',
      'The parameter "roomId" or "roomName" is required'
    )
  }
  const room = roomId ? world.rooms.get(roomId) : findRoomByName(world, roomName)
  if (!room) {
    throw meteorError(
      'error-room-not-found',
      'The required "roomId" or "roomName" param provided does not match any channel'
    )
  }
  if (room.archived && version !== 'develop') {
    throw meteorError('error-room-archived', `The channel, ${room.name}, is archived`)
  }
  if (!canAccessRoom(world, room, user)) throw failure('not-allowed', 'Not Allowed')
  return { room: publicRoom(room) }
}

/** rooms.get: every subscribed room, no pagination. @param {AuthedCtx} ctx */
function roomsGet(ctx) {
  const { world, user, query } = ctx
  /** @type {Date|undefined} */
  let since
  if (query.updatedSince) {
    since = new Date(query.updatedSince)
    if (Number.isNaN(since.getTime())) {
      throw meteorError(
        'error-updatedSince-param-invalid',
        'The "updatedSince" query parameter must be a valid date.'
      )
    }
  }
  const rooms = [...world.rooms.values()].filter((r) => isSubscribed(world, r._id, user._id))
  const update = rooms.filter((r) => !since || new Date(r._updatedAt) > since).map(publicRoom)
  const remove = since ? world.deletedRooms.filter((r) => new Date(r._deletedAt) > since) : []
  return { update, remove }
}

/** @type {Record<string, RouteDef>} */
export const ROOMS_ROUTES = {
  'rooms.info': { method: 'GET', auth: true, handler: roomsInfo },
  'rooms.get': { method: 'GET', auth: true, handler: roomsGet }
}
