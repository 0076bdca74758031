// @ts-check
/**
 * HTTP replies: JSON envelopes, plain-text answers, nginx pages, the 401 bodies.
 *
 * Sources (RocketChat/Rocket.Chat): `apps/meteor/app/api/server/ApiClass.ts` at 019378e3 and
 * e5433893 (JSON headers); `apps/meteor/server/api/v1/middlewares/authenticationHono.ts` at bec8300d
 * (8.x 401 body) and `apps/meteor/app/api/server/api.ts` at 6aa440dd (6.x, Restivus 401 body);
 * `packages/http-router/src/Router.ts` at 05360738 registers no not-found handler, hence Hono's
 * default 404 (inferred).
 */
import http from 'node:http'
import { LOGGED_OUT, isSix } from './versions.mjs'

/** @typedef {import('./versions.mjs').ServerVersion} ServerVersion */

export const JSON_HEADERS = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store',
  Pragma: 'no-cache'
}

/** @typedef {{status: number, headers: Record<string, string>, body: string|Buffer}} Reply */

/**
 * @param {number} status
 * @param {unknown} payload
 * @param {Record<string, string>} [headers]
 * @returns {Reply}
 */
export function jsonReply(status, payload, headers = {}) {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(payload) }
}

/**
 * @param {number} status
 * @param {string} text
 * @param {string} [contentType]
 * @param {Record<string, string>} [headers]
 * @returns {Reply}
 */
export function textReply(status, text, contentType = 'text/plain; charset=UTF-8', headers = {}) {
  return { status, headers: { 'Content-Type': contentType, ...headers }, body: text }
}

/** Hono's default answer for unknown routes (inferred). */
export const notFoundReply = () => textReply(404, '404 Not Found')

/** nginx's own wording for its error pages (it differs from Node's STATUS_CODES). @type {Record<number, string>} */
const NGINX_REASONS = {
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out'
}

/** The page nginx shows when the upstream is down. @param {number} status */
export function nginxPage(status) {
  const title = `${status} ${NGINX_REASONS[status] ?? http.STATUS_CODES[status] ?? 'Error'}`
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
}

/** @param {ServerVersion} version */
export function unauthorizedBody(version) {
  if (isSix(version)) return { status: 'error', message: LOGGED_OUT }
  if (version === 'develop') return { success: false, error: LOGGED_OUT }
  return { success: false, error: LOGGED_OUT, status: 'error', message: LOGGED_OUT }
}
