// @ts-check
/**
 * Authentication: X-User-Id + X-Auth-Token.
 *
 * Sources (RocketChat/Rocket.Chat): `apps/meteor/server/api/v1/middlewares/authenticationHono.ts`
 * at bec8300d and `authenticatedRoute` of `apps/meteor/app/api/server/ApiClass.ts` at 019378e3. The
 * 401 bodies are in replies.mjs.
 */

/** @typedef {import('./state.mjs').World} World */

/**
 * Resolves X-User-Id + X-Auth-Token to an active user, or undefined.
 * @param {World} world
 * @param {import('node:http').IncomingHttpHeaders} headers
 */
export function authenticate(world, headers) {
  const uid = headers['x-user-id']
  const token = headers['x-auth-token']
  if (typeof uid !== 'string' || typeof token !== 'string' || !uid || !token) return undefined
  const entry = world.tokens.get(token)
  if (!entry || entry.userId !== uid) return undefined
  const user = world.users.get(uid)
  return user?.active ? user : undefined
}
