// @ts-check
/**
 * chat.syncMessages: the messages of a room changed since a date, the one history read every room
 * type shares (channels.history, groups.history and im.history are one per type).
 *
 * Sources (RocketChat/Rocket.Chat): the route in `apps/meteor/app/api/server/v1/chat.ts` (6.x:
 * `roomId` and `lastUpdate` required; 7.x and later: `lastUpdate` or `type`, with `count`, `next`,
 * `previous`), and the `messages/get` method behind it: 6.x `Messages.findForUpdates(rid,
 * lastUpdate)` (`_updatedAt` after the date, newest first) with `deleted` from the trash; later
 * versions `ts` after the date, newest first, with a `cursor`. A room the user cannot access:
 * `error-not-allowed`. Commits were not recorded; the paging (`next`, `previous`, `type`) is not
 * modelled.
 */
import { meteorError } from '../errors.mjs'
import { canAccessRoom } from '../permissions.mjs'
import { isSix } from '../versions.mjs'

/** @typedef {import('../types.mjs').AuthedCtx} AuthedCtx */
/** @typedef {import('../types.mjs').RouteDef} RouteDef */

/** @param {AuthedCtx} ctx */
function chatSyncMessages(ctx) {
  const { world, user, query, version } = ctx
  const { roomId, lastUpdate } = query
  if (!roomId) {
    throw isSix(version)
      ? meteorError(
          'error-roomId-param-not-provided',
          'The required "roomId" query param is missing.'
        )
      : meteorError('error-param-required', 'The required "roomId" query param is missing')
  }
  if (!lastUpdate) {
    throw isSix(version)
      ? meteorError(
          'error-lastUpdate-param-not-provided',
          'The required "lastUpdate" query param is missing.'
        )
      : meteorError(
          'error-param-required',
          'The "type" or "lastUpdate" parameters must be provided'
        )
  }
  const since = Date.parse(lastUpdate)
  if (Number.isNaN(since)) {
    throw isSix(version)
      ? meteorError(
          'error-roomId-param-invalid',
          'The "lastUpdate" query parameter must be a valid date.'
        )
      : meteorError(
          'error-lastUpdate-param-invalid',
          'The "lastUpdate" query parameter must be a valid date'
        )
  }
  const room = world.rooms.get(roomId)
  if (!room || !canAccessRoom(world, room, user)) {
    throw meteorError('error-not-allowed', 'Not allowed', { method: 'messages/get' })
  }
  const field = isSix(version) ? '_updatedAt' : 'ts'
  const updated = [...world.messages.values()]
    .filter((m) => m.rid === roomId && Date.parse(m[field]) > since)
    .sort((a, b) => Date.parse(b.ts) - Date.parse(a.ts))
  if (isSix(version)) return { result: { updated, deleted: [] } }
  const next = updated.length ? String(Date.parse(updated[0].ts)) : null
  const previous = updated.length ? String(Date.parse(updated[updated.length - 1].ts)) : null
  return { result: { updated, deleted: [], cursor: { next, previous } } }
}

/** @type {Record<string, RouteDef>} */
export const HISTORY_ROUTES = {
  'chat.syncMessages': { method: 'GET', auth: true, handler: chatSyncMessages }
}
