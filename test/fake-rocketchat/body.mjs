// @ts-check
/**
 * Body parsing by Content-Type, exactly as the 7.x+ router does it.
 *
 * Source (RocketChat/Rocket.Chat): `packages/http-router/src/Router.ts` at 05360738, `parseBodyParams`.
 */

/**
 * @param {string|undefined} contentType
 * @param {string} text
 * @returns {any} bodyParams as the route sees them
 */
export function parseBodyParams(contentType, text) {
  if (text === '') return {}
  // The router uses a case-sensitive `includes`, so we do too.
  if (contentType?.includes('multipart/form-data')) return {}
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(text)
    } catch {
      return {} // invalid JSON surfaces later as a validation error, not a parse error
    }
  }
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text))
  }
  return Object.assign({}, text) // raw text spread into {"0":"a","1":"b",...}
}

/**
 * What `requests[i].body` holds: parsed JSON when it parses, otherwise the raw text.
 * @param {string|undefined} contentType
 * @param {string} text
 * @returns {unknown}
 */
export function recordedBody(contentType, text) {
  if (text !== '' && contentType?.includes('json')) {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}
