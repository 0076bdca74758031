// @ts-check
/**
 * Versions: which server generation the fake imitates, and what differs between them.
 *
 * Sources (RocketChat/Rocket.Chat): `apps/meteor/server/api/default/info.ts` at c3c088f2 and
 * `apps/meteor/server/api/lib/getServerInfo.ts` at 50f0ec2a (version strings, minimum client
 * versions); `apps/meteor/server/api/v1/chat.ts` at 01d81c2c (develop after 8.8.1: the chat.* routes
 * are typed routes); `apps/meteor/server/api/v1/middlewares/authenticationHono.ts` at bec8300d (the
 * logged-out text).
 */

/** @typedef {'8'|'6'|'6.3'|'develop'} ServerVersion */

/**
 * `6.3` is 6.13.1 except that its chat.sendMessage and chat.update schemas have no `previewUrls`
 * (the key came with 6.4; inferred from the rest-typings history, not read at a 6.3 commit).
 * @type {Record<ServerVersion, {short: string, full: string}>}
 */
export const VERSION_INFO = {
  8: { short: '8.8', full: '8.8.1' },
  6: { short: '6.13', full: '6.13.1' },
  6.3: { short: '6.3', full: '6.3.0' },
  develop: { short: '8.9', full: '8.9.0-develop' }
}

/** 6.x: the older error wordings. @param {ServerVersion} version */
export function isSix(version) {
  return version === '6' || version === '6.3'
}

export const MIN_CLIENT_VERSIONS = { desktop: '3.9.6', mobile: '4.39.0' }

/** Routes that became typed (validated before the rate limiter, no ` [invalid-params]` suffix) after 8.8.1. */
export const TYPED_IN_DEVELOP = new Set([
  'chat.sendMessage',
  'chat.postMessage',
  'chat.update',
  'chat.react',
  'chat.getMessage'
])

export const LOGGED_OUT = 'You must be logged in to do this.'

/** Throws the TypeError of an unknown version (JavaScript callers can pass anything). @param {string} version */
export function assertVersion(version) {
  if (!Object.hasOwn(VERSION_INFO, version))
    throw new TypeError(`version must be '8', '6', '6.3' or 'develop', got ${version}`)
}
