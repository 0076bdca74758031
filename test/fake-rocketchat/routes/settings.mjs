// @ts-check
/**
 * settings.public: `?_id=a,b` from 7.0, `?query={"_id":...}` on 6.x.
 *
 * Source: `settings.yaml` of RocketChat/Rocket.Chat-Open-API at c9aec5ab (the server route itself
 * was not read).
 */
import { PUBLIC_SETTINGS } from '../seed.mjs'
import { failure } from '../errors.mjs'
import { isSix } from '../versions.mjs'

/** @typedef {import('../types.mjs').Ctx} Ctx */
/** @typedef {import('../types.mjs').RouteDef} RouteDef */

/** settings.public (no auth). @param {Ctx} ctx */
function settingsPublic(ctx) {
  const { world, query, version } = ctx
  let ids = PUBLIC_SETTINGS
  if (isSix(version) && query.query) {
    const filter = parseLegacyQuery(query.query)
    const wanted =
      typeof filter?._id === 'string' ? [filter._id] : (filter?._id?.$in ?? PUBLIC_SETTINGS)
    ids = PUBLIC_SETTINGS.filter((id) => wanted.includes(id))
  } else if (version !== '6' && query._id) {
    const wanted = query._id.split(',').map((s) => s.trim())
    ids = PUBLIC_SETTINGS.filter((id) => wanted.includes(id))
  }
  const settings = ids.map((_id) => ({ _id, value: world.settings[_id] }))
  return { settings, count: settings.length, offset: 0, total: settings.length }
}

/** @param {string} text @returns {any} */
function parseLegacyQuery(text) {
  try {
    return JSON.parse(text)
  } catch {
    throw failure('Invalid query parameter provided')
  }
}

/** @type {Record<string, RouteDef>} */
export const SETTINGS_ROUTES = {
  'settings.public': { method: 'GET', auth: false, handler: settingsPublic }
}
