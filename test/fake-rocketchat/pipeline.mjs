// @ts-check
/**
 * The pipeline of one /api/v1 request: auth → (typed validation) → rate limit → validation → action.
 *
 * Sources (RocketChat/Rocket.Chat): `addRoute` of `apps/meteor/app/api/server/ApiClass.ts`
 * at 019378e3 and e5433893 (7.x/8.x: the order of checks, `validateParams` errors with the
 * ` [invalid-params]` suffix, `defaultRateLimiterOptions`, the `api-bypass-rate-limit` bypass, the
 * X-RateLimit-* headers and the 429 text); `apps/meteor/server/api/ApiClass.ts` at 0358e0dc and
 * `packages/http-router/src/Router.ts` at 05360738 (develop: typed routes validated before the
 * wrapper, without the suffix); `apps/meteor/server/api/v1/chat.ts` at 01d81c2c (develop:
 * chat.sendMessage's own 5 per second limiter, bypassed by `send-many-messages`, PR #41966).
 */
import { ApiError, meteorError } from './errors.mjs'
import { TYPED_IN_DEVELOP } from './versions.mjs'
import { authenticate } from './auth.mjs'
import { validatorFor } from './validation.mjs'
import { hasPermission } from './permissions.mjs'
import { jsonReply, textReply, unauthorizedBody } from './replies.mjs'

/** @typedef {import('./types.mjs').ServerState} ServerState */
/** @typedef {import('./types.mjs').Ctx} Ctx */
/** @typedef {import('./types.mjs').AuthedCtx} AuthedCtx */
/** @typedef {import('./types.mjs').RouteDef} RouteDef */
/** @typedef {import('./state.mjs').User} User */
/** @typedef {import('./replies.mjs').Reply} Reply */
/** @typedef {{limit: number, intervalMs: number}} LimiterOptions */

/**
 * Validation error shape: legacy "<msgs> [invalid-params]", typed routes without the suffix.
 * @param {string} messages
 * @param {boolean} typed
 * @param {RouteDef['source']} source
 */
function validationError(messages, typed, source) {
  if (!typed) return meteorError('invalid-params', messages)
  const errorType = source === 'query' ? 'error-invalid-params' : 'invalid-params'
  return new ApiError(400, { success: false, errorType, error: messages })
}

/** @param {Ctx} ctx @param {RouteDef} route @param {boolean} typed */
function validate(ctx, route, typed) {
  if (!route.schema) return
  const validator = validatorFor(ctx.version, route.schema)
  const data = route.source === 'query' ? ctx.query : ctx.body
  if (!validator(data)) {
    const messages = (validator.errors ?? []).map((e) => e.message).join('\n ')
    throw validationError(messages, typed, route.source)
  }
}

/**
 * Effective limiter options of a route, or null when it is not limited for this caller.
 * @param {ServerState} server
 * @param {string} name
 * @param {User|undefined} user
 * @returns {LimiterOptions|null}
 */
function limiterFor(server, name, user) {
  const { world } = server
  if (!server.rateLimitEnabled || !world.settings.API_Enable_Rate_Limiter) return null
  if (server.version === 'develop' && name === 'chat.sendMessage') {
    if (user && hasPermission(world, user, 'send-many-messages')) return null
    return { limit: 5, intervalMs: 1000 }
  }
  if (user && hasPermission(world, user, 'api-bypass-rate-limit')) return null
  return {
    limit: world.settings.API_Enable_Rate_Limiter_Limit_Calls_Default,
    intervalMs: world.settings.API_Enable_Rate_Limiter_Limit_Time_Default
  }
}

/**
 * Counts the call; sets the X-RateLimit-* headers on ctx; throws the 429.
 * @param {ServerState} server
 * @param {Ctx} ctx
 * @param {string} key route pattern + method
 * @param {LimiterOptions} opts
 * @param {number} createdAt
 */
export function enforceRateLimit(server, ctx, key, opts, createdAt) {
  const r = server.limiter.hit(key, ctx.ip, opts, createdAt)
  ctx.rateLimitHeaders = {
    'X-RateLimit-Limit': String(opts.limit),
    'X-RateLimit-Remaining': String(r.remaining),
    'X-RateLimit-Reset': String(r.resetAt)
  }
  if (!r.allowed) {
    const seconds = Math.ceil(r.timeToReset / 1000)
    throw meteorError(
      'error-too-many-requests',
      `Error, too many requests. Please slow down. You must wait ${seconds} seconds before trying this endpoint again.`
    )
  }
}

/**
 * Runs a matched /api/v1 route: auth → (typed validation) → rate limit → validation → action.
 * @param {ServerState} server
 * @param {Ctx} ctx
 * @param {string} name
 * @param {RouteDef} route
 * @returns {Promise<Reply>}
 */
export async function runApiRoute(server, ctx, name, route) {
  const { world, version } = server
  ctx.user = authenticate(world, ctx.headers)
  if (route.auth && !ctx.user) return jsonReply(401, unauthorizedBody(version))
  const typed = version === 'develop' && TYPED_IN_DEVELOP.has(name)
  try {
    if (typed) validate(ctx, route, true)
    const opts = limiterFor(server, name, ctx.user)
    const pattern = `/api/v1/${name}${':x'.repeat(route.params ?? 0)}`
    if (opts)
      enforceRateLimit(
        server,
        ctx,
        `${pattern}${route.method.toLowerCase()}`,
        opts,
        server.limiter.createdAt
      )
    if (!typed) validate(ctx, route, false)
    // Routes with `auth: true` have their user by now; the others do not read it.
    const result = await route.handler(/** @type {AuthedCtx} */ (ctx))
    return jsonReply(200, { ...result, success: true }, ctx.rateLimitHeaders)
  } catch (err) {
    return errorReply(err, ctx)
  }
}

/**
 * An ApiError as its reply; anything else is a bug in the fake, answered 500 and logged.
 * @param {unknown} err
 * @param {Ctx} ctx
 * @returns {Reply}
 */
export function errorReply(err, ctx) {
  if (err instanceof ApiError)
    return jsonReply(err.status, err.body, { ...ctx.rateLimitHeaders, ...err.headers })
  // A bug in the fake, not a modelled behaviour: make it loud.
  console.error('[fake-rocketchat] internal error', err)
  return textReply(500, `fake-rocketchat internal error: ${/** @type {any} */ (err)?.stack ?? err}`)
}
