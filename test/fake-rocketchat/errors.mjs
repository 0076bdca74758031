// @ts-check
/**
 * Errors: every failure is an ApiError carrying the exact status and body.
 *
 * Source (RocketChat/Rocket.Chat): `apps/meteor/app/api/server/ApiClass.ts` at 019378e3 and
 * e5433893 (7.x/8.x: `success`, `failure`, `forbidden` and the `catch` inside `addRoute`), with
 * `applyBreakingChanges` off as in every released version up to 8.x.
 */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {Record<string, unknown>} body
   * @param {{error?: string, headers?: Record<string, string>}} [meta] `error` is Meteor's e.error, kept
   *   because webhooks report `e.error || e.message`
   */
  constructor(status, body, meta = {}) {
    super(typeof body.error === 'string' ? body.error : `HTTP ${status}`)
    this.status = status
    this.body = body
    this.meteorError = meta.error
    this.headers = meta.headers
  }
}

/** A thrown plain `Error(msg)`: 400 with no errorType. @param {string} message */
export function plainError(message) {
  return new ApiError(400, { success: false, error: message })
}

/**
 * A thrown `Meteor.Error(error, reason, details)`: message is "<reason> [<error>]". The legacy catch
 * maps error-too-many-requests to 429 and (error-)unauthorized to 403 without errorType.
 * @param {string} error
 * @param {string} [reason]
 * @param {Record<string, unknown>} [details]
 */
export function meteorError(error, reason, details) {
  const message = reason ? `${reason} [${error}]` : `[${error}]`
  if (error === 'error-too-many-requests')
    return new ApiError(429, { success: false, error: message }, { error })
  if (error === 'error-unauthorized' || error === 'unauthorized') {
    return new ApiError(403, { success: false, error: message }, { error })
  }
  /** @type {Record<string, unknown>} */
  const body = { success: false, error: message, errorType: error }
  if (details) body.details = details
  return new ApiError(400, body, { error })
}

/**
 * `API.v1.failure(x, errorType?)`: an object is sent as-is, a string becomes `error`.
 * @param {unknown} [error]
 * @param {string} [errorType]
 */
export function failure(error, errorType) {
  /** @type {Record<string, unknown>} */
  const body = error === undefined ? { success: false } : { success: false, error }
  if (errorType) body.errorType = errorType
  return new ApiError(400, body)
}

/** `API.v1.forbidden()` with no argument (flag off): 403 "unauthorized". */
export function forbidden() {
  return new ApiError(403, { success: false, error: 'unauthorized' })
}
