// @ts-check
/**
 * Incoming webhooks: `/hooks/:integrationId/:token` and the 3-segment legacy form.
 *
 * Sources (RocketChat/Rocket.Chat): `apps/meteor/app/integrations/server/api/api.ts` at 028925b2
 * (7.x/8.x: `executeIntegrationRest`, the Slack `payload=` unwrapping, `WebHookAPI` whose limiter
 * ignores permissions) and `apps/meteor/app/integrations/server/api/api.js` at 00123e4d (6.x); the
 * message is built and delivered as in targets.mjs; the answers asserted by
 * `apps/meteor/tests/end-to-end/api/incoming-integrations.ts` at 03e66a1f; issue #35532 (url-encoded
 * `payload=`) and issue #36441 (7.8+: a JSON body without Content-Type posts an empty message).
 * A bad id or token on 7.x/8.x throws from the auth middleware, which has no error handler: 500
 * text (inferred). A disabled integration: 7.x/8.x `API.v1.unavailable('Service Unavailable')`, an
 * object; 6.x (`api.js` at 00123e4d) returns `{statusCode: 503, body: 'Service Unavailable'}`,
 * which Restivus sends as a JSON string (the encoding is inferred). Message size: 6.x never checks
 * it (`processWebhookMessage.js` at 0b353d9c has no check, and `sendMessage()` leaves it to its
 * callers); later versions check the trimmed text (`validateWebhookMessage` in
 * `apps/meteor/app/lib/server/functions/processWebhookMessage.ts`, commit not recorded, and
 * `apps/meteor/server/lib/messages/processWebhookMessage.ts` at 412cd3e8); that the check arrived
 * with 7.0 is inferred.
 */
import { ApiError, plainError } from '../errors.mjs'
import { parseBodyParams } from '../body.mjs'
import { validateRoomMessagePermissions } from '../permissions.mjs'
import { storeMessage } from '../messages.mjs'
import { buildWebhookMessage, resolveTarget } from '../targets.mjs'
import { enforceRateLimit, errorReply } from '../pipeline.mjs'
import { jsonReply, textReply } from '../replies.mjs'
import { ensureArray } from '../helpers.mjs'
import { isSix } from '../versions.mjs'

/** @typedef {import('../types.mjs').ServerState} ServerState */
/** @typedef {import('../types.mjs').Ctx} Ctx */
/** @typedef {import('../state.mjs').User} User */
/** @typedef {import('../state.mjs').Integration} Integration */
/** @typedef {import('../replies.mjs').Reply} Reply */

/**
 * Hook bodies: Slack's `payload=` form unwrapping, then the router's parsing (6.x parsed JSON always).
 * @param {ServerState} server
 * @param {Ctx} ctx
 * @returns {any}
 */
function parseHookBody(server, ctx) {
  const contentType = ctx.headers['content-type']
  const text = ctx.raw.toString('utf8')
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = Object.fromEntries(new URLSearchParams(text))
    const keys = Object.keys(form)
    if (keys.length === 1) {
      try {
        return JSON.parse(keys[0] === 'payload' ? form.payload : keys[0])
      } catch (e) {
        throw new ApiError(400, { success: false, error: /** @type {Error} */ (e).message })
      }
    }
  }
  if (isSix(server.version) && text !== '' && !contentType?.includes('multipart/form-data')) {
    try {
      return JSON.parse(text)
    } catch {
      return parseBodyParams(contentType, text)
    }
  }
  return parseBodyParams(contentType, text)
}

/** Webhook errors: `failure(e.error || e.message)` → no brackets, no errorType. @param {unknown} err */
function hookErrorText(err) {
  if (err instanceof ApiError) return err.meteorError ?? err.body.error
  throw err
}

/**
 * @param {ServerState} server
 * @param {Ctx} ctx
 * @param {string[]} segments path segments after /hooks/
 * @returns {Promise<Reply>}
 */
export async function runHook(server, ctx, segments) {
  const { world, version } = server
  const [integrationId, ...rest] = segments
  let token = rest.at(-1) ?? ''
  try {
    token = decodeURIComponent(token)
  } catch {
    // keep it raw: it just won't match
  }
  const integration = world.integrations.get(integrationId)
  if (!integration || integration.token !== token) {
    // 6.x answers 404 JSON; 7.x/8.x throw from the auth middleware, which has no handler (inferred).
    if (isSix(version))
      return jsonReply(404, { success: false, error: 'Invalid integration id or token provided.' })
    return textReply(500, 'Internal Server Error')
  }
  try {
    const limit = hookLimiter(server)
    if (limit)
      enforceRateLimit(server, ctx, `${ctx.path}${ctx.method.toLowerCase()}`, limit, Date.now())
    if (!integration.enabled) {
      const body = isSix(version)
        ? 'Service Unavailable'
        : { success: false, error: 'Service Unavailable' }
      return jsonReply(503, body, ctx.rateLimitHeaders)
    }
    const body = ctx.method === 'GET' ? {} : parseHookBody(server, ctx)
    const result = executeHook(server, ctx, integration, body)
    return jsonReply(result.status, result.payload, ctx.rateLimitHeaders)
  } catch (err) {
    return errorReply(err, ctx)
  }
}

/** Webhooks cannot bypass the limiter (WebHookAPI ignores permissions). @param {ServerState} server */
function hookLimiter(server) {
  const { settings } = server.world
  if (!server.rateLimitEnabled || !settings.API_Enable_Rate_Limiter) return null
  return {
    limit: settings.API_Enable_Rate_Limiter_Limit_Calls_Default,
    intervalMs: settings.API_Enable_Rate_Limiter_Limit_Time_Default
  }
}

/**
 * `executeIntegrationRest` + `processWebhookMessage`.
 * @param {ServerState} server
 * @param {Ctx} ctx
 * @param {Integration} integration
 * @param {any} body
 * @returns {{status: number, payload: Record<string, unknown>}}
 */
function executeHook(server, ctx, integration, body) {
  const { world } = server
  if (!body || typeof body !== 'object' || Object.keys(body).length === 0)
    return { status: 200, payload: { success: true } }
  if ((body.channel || body.roomId) && !integration.overrideDestinationChannelEnabled) {
    return {
      status: 400,
      payload: {
        success: false,
        error: 'overriding destination channel is disabled for this integration'
      }
    }
  }
  const user = /** @type {User} */ (world.users.get(integration.userId))
  const defaults = {
    alias: integration.alias,
    avatar: integration.avatar,
    emoji: integration.emoji
  }
  /** @type {string[]} */
  const targets = [...new Set(ensureArray(body.channel || body.roomId || integration.channel))]
  const fields = { ...body, bot: { i: integration._id } }
  delete fields.channel
  delete fields.roomId
  // buildMessage: `msg: trim(text || msg || '')`; 7.x+ compare that to the limit, 6.x nothing.
  const text = String(fields.text || fields.msg || '').trim()
  /** @param {string} target */
  const deliver = (target) => {
    if (server.version !== '6' && text.length > world.settings.Message_MaxAllowedSize) {
      throw plainError('error-message-size-exceeded')
    }
    const room = resolveTarget(world, target, user)
    validateRoomMessagePermissions(world, room, user)
    return storeMessage(
      world,
      user,
      buildWebhookMessage(structuredClone(fields), defaults),
      room,
      undefined,
      ctx.emit
    )
  }
  if (body.separateResponse) {
    const responses = targets.map((channel) => {
      try {
        return { channel, message: deliver(channel) }
      } catch (err) {
        return { channel, error: hookErrorText(err) }
      }
    })
    const ok = responses.some((r) => r.message)
    return { status: ok ? 200 : 400, payload: { responses, success: ok } }
  }
  try {
    targets.forEach(deliver)
  } catch (err) {
    return { status: 400, payload: { success: false, error: hookErrorText(err) } }
  }
  return { status: 200, payload: { success: true } }
}
