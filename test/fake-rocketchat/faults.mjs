// @ts-check
/**
 * Fault injection: what a reverse proxy or a broken network does to an exchange (the fake's own
 * feature, not Rocket.Chat behaviour). The default JSON bodies of injected statuses are
 * Rocket.Chat's: `notFound`, `internalError` and the 429 text of `apps/meteor/app/api/server/ApiClass.ts`
 * at 019378e3 (6.x's 500 text: `apps/meteor/app/api/server/api.ts` at 6aa440dd).
 */
import http from 'node:http'
import { jsonReply, nginxPage, textReply, unauthorizedBody } from './replies.mjs'
import { isSix } from './versions.mjs'

/** @typedef {import('./types.mjs').ServerState} ServerState */
/** @typedef {import('./types.mjs').Fault} Fault */
/** @typedef {import('./replies.mjs').Reply} Reply */

/** Faults that answer (or not) before the request is processed. */
const PRE_FAULTS = new Set(['reset-before', 'status', 'delay', 'hang', 'html'])
/** Faults applied once the request has been processed. */
const POST_FAULTS = new Set(['reset-after', 'status-after', 'invalid-json'])

/**
 * Default body of an injected status: nginx pages for gateway errors, Rocket.Chat JSON otherwise.
 * @param {ServerState} server
 * @param {Fault} fault
 * @param {number} fallbackStatus
 * @returns {Reply}
 */
export function faultReply(server, fault, fallbackStatus) {
  const status = fault.status ?? fallbackStatus
  const headers = fault.headers ?? {}
  if (fault.kind === 'html' || (fault.body === undefined && [502, 503, 504].includes(status))) {
    return textReply(status, fault.body ?? nginxPage(status), fault.contentType ?? 'text/html', {
      Server: 'nginx',
      ...headers
    })
  }
  if (fault.body !== undefined) {
    return textReply(status, fault.body, fault.contentType ?? 'application/json', headers)
  }
  return jsonReply(status, defaultErrorBody(server, status), headers)
}

/** @param {ServerState} server @param {number} status */
function defaultErrorBody(server, status) {
  switch (status) {
    case 401:
      return unauthorizedBody(server.version)
    case 403:
      return { success: false, error: 'unauthorized' }
    case 404:
      return { success: false, error: 'Resource not found' }
    case 429:
      return {
        success: false,
        error:
          'Error, too many requests. Please slow down. You must wait 60 seconds before trying this endpoint again. [error-too-many-requests]'
      }
    case 500:
      return {
        success: false,
        error: isSix(server.version) ? 'Internal error occured' : 'Internal server error'
      }
    default:
      return { success: false, error: http.STATUS_CODES[status] ?? 'Error' }
  }
}

/**
 * Takes the first queued fault for this route, consuming one of its `times`.
 * @param {ServerState} server
 * @param {string} routeName
 */
export function takeFault(server, routeName) {
  const index = server.faults.findIndex((f) => f.route === '*' || f.route === routeName)
  if (index < 0) return undefined
  const fault = server.faults[index]
  fault.remaining -= 1
  if (fault.remaining <= 0) server.faults.splice(index, 1)
  return fault
}

/** @param {Fault} fault */
export function validateFault(fault) {
  const kinds = [...PRE_FAULTS, ...POST_FAULTS]
  if (!fault || typeof fault.route !== 'string' || !kinds.includes(fault.kind)) {
    throw new TypeError(`inject(): need {route, kind} with kind one of ${kinds.join(', ')}`)
  }
  if (fault.kind === 'delay' && !(/** @type {number} */ (fault.ms) >= 0))
    throw new TypeError('inject(): delay needs ms')
}
