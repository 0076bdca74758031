// @ts-check
/** The /api/v1 routes the fake knows, by name; sources are named in each family's module. */
import { CHAT_ROUTES } from './chat.mjs'
import { HISTORY_ROUTES } from './history.mjs'
import { ROOMS_ROUTES } from './rooms.mjs'
import { IM_ROUTES } from './im.mjs'
import { SETTINGS_ROUTES } from './settings.mjs'
import { UPLOAD_ROUTES } from './uploads.mjs'

/** @typedef {import('../types.mjs').RouteDef} RouteDef */

/** @type {Record<string, RouteDef>} */
export const ROUTES = {
  ...CHAT_ROUTES,
  ...HISTORY_ROUTES,
  ...ROOMS_ROUTES,
  ...IM_ROUTES,
  ...SETTINGS_ROUTES,
  ...UPLOAD_ROUTES
}
