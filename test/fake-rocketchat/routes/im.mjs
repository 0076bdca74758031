// @ts-check
/**
 * im.create and its alias dm.create.
 *
 * Source (RocketChat/Rocket.Chat): `apps/meteor/server/api/v1/im.ts` at 0358e0dc; the DM itself is
 * made in dms.mjs.
 */
import { createDirectMessage } from '../dms.mjs'

/** @typedef {import('../types.mjs').AuthedCtx} AuthedCtx */
/** @typedef {import('../types.mjs').RouteDef} RouteDef */

/** im.create / dm.create: minimal room object. @param {AuthedCtx} ctx */
function imCreate(ctx) {
  const { world, user, body } = ctx
  /** @type {string[]} */
  const usernames = body.usernames
    ? body.usernames
        .split(',')
        .map((/** @type {string} */ s) => s.trim())
        .filter(Boolean)
    : [body.username]
  const room = createDirectMessage(world, user, usernames, body.excludeSelf)
  return { room: { t: 'd', rid: room._id, usernames: room.usernames, _id: room._id } }
}

/** @type {Record<string, RouteDef>} */
export const IM_ROUTES = {
  'im.create': {
    method: 'POST',
    auth: true,
    source: 'body',
    schema: 'im.create',
    handler: imCreate
  },
  'dm.create': {
    method: 'POST',
    auth: true,
    source: 'body',
    schema: 'im.create',
    handler: imCreate
  }
}
