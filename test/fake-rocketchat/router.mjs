// @ts-check
/**
 * Routing: /api/info, /hooks/…, /api/v1/<route>[/params]; anything else is Hono's 404 (inferred,
 * see replies.mjs). OPTIONS answers `OK` (inferred).
 */
import { parseBodyParams } from './body.mjs'
import { runApiRoute } from './pipeline.mjs'
import { notFoundReply, textReply } from './replies.mjs'
import { ROUTES } from './routes/index.mjs'
import { apiInfo } from './routes/info.mjs'
import { runHook } from './routes/webhooks.mjs'

/** @typedef {import('./types.mjs').ServerState} ServerState */
/** @typedef {import('./types.mjs').Ctx} Ctx */
/** @typedef {import('./replies.mjs').Reply} Reply */

/**
 * Name used to match faults: the /api/v1 route name, 'info' for /api/info, 'hooks' for webhooks.
 * @param {string} path
 */
export function routeNameOf(path) {
  if (path.startsWith('/api/v1/')) return path.slice('/api/v1/'.length).split('/')[0]
  if (path === '/api/info') return 'info'
  if (path.startsWith('/hooks/')) return 'hooks'
  return path
}

/**
 * @param {ServerState} server
 * @param {Ctx} ctx
 * @returns {Promise<Reply>}
 */
export async function dispatch(server, ctx) {
  if (ctx.method === 'OPTIONS') return textReply(200, 'OK')
  const { path } = ctx
  if (path === '/api/info' && ctx.method === 'GET') return apiInfo(server, ctx)
  if (path.startsWith('/hooks/')) {
    const segments = path.slice('/hooks/'.length).split('/')
    if ((segments.length === 2 || segments.length === 3) && ['POST', 'GET'].includes(ctx.method)) {
      return runHook(server, ctx, segments)
    }
    return notFoundReply()
  }
  if (!path.startsWith('/api/v1/')) return notFoundReply()
  const [name, ...params] = path.slice('/api/v1/'.length).split('/')
  const route = Object.hasOwn(ROUTES, name) ? ROUTES[name] : undefined
  if (!route || route.method !== ctx.method || (route.params ?? 0) !== params.length)
    return notFoundReply()
  if (route.versions && !route.versions.includes(server.version)) return notFoundReply()
  ctx.params = params.map((p) => decodeURIComponent(p))
  ctx.body = parseBodyParams(ctx.headers['content-type'], ctx.raw.toString('utf8'))
  return runApiRoute(server, ctx, name, route)
}
