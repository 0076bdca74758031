// @ts-check
/**
 * Types shared by the modules of the fake (JSDoc only: this module has no code). server.mjs
 * re-exports the public ones.
 */

/** @typedef {import('./versions.mjs').ServerVersion} ServerVersion */
/** @typedef {import('./state.mjs').World} World */
/** @typedef {import('./state.mjs').User} User */

/**
 * @typedef {object} FakeOptions
 * @property {ServerVersion} [version] which server generation to imitate (default '8' = 8.8.1)
 * @property {number} [port] 0 (default) picks a free port
 * @property {string} [host] default '127.0.0.1'
 * @property {{key: string|Buffer, cert: string|Buffer}} [tls] serve https with this key pair
 * @property {{limit: number, intervalMs: number}|false} [rateLimit] default API limiter, default 10 / 60000 ms
 * @property {Record<string, unknown>} [settings] overrides of server settings (see seed.mjs DEFAULT_SETTINGS)
 * @property {boolean} [seed] load the default world from seed.mjs (default true)
 * @property {'refuse'|'drop'} [unknownDmUsers] im.create with a username that does not exist:
 *   'refuse' (default: `error-invalid-user`, 6.x and develop) or 'drop' (the caller's self-DM, 200)
 */

/**
 * @typedef {object} RequestRecord
 * @property {string} method
 * @property {string} path path without the query string
 * @property {Record<string, string>} query
 * @property {import('node:http').IncomingHttpHeaders} headers
 * @property {unknown} body parsed JSON when the body is JSON, otherwise the raw text ('' when empty)
 * @property {number|null} status status answered; null while pending, or when the socket was reset / hung
 * @property {string} [fault] kind of the injected fault that hit this request
 */

/**
 * @typedef {object} Fault
 * @property {string} route route name ('chat.sendMessage', 'rooms.info', 'info' for /api/info, 'hooks' for webhooks) or '*'
 * @property {'reset-before'|'reset-after'|'status'|'status-after'|'delay'|'hang'|'invalid-json'|'html'} kind
 * @property {number} [times] how many matching requests it hits (default 1)
 * @property {number} [status] for status / status-after / html
 * @property {string} [body] response body for status / status-after / html / invalid-json
 * @property {string} [contentType] response Content-Type for status / status-after
 * @property {Record<string, string>} [headers] extra response headers for status / status-after / html
 * @property {number} [ms] for delay
 */

/**
 * The internal state of one running fake, shared by the request pipeline.
 * @typedef {object} ServerState
 * @property {World} world
 * @property {ServerVersion} version
 * @property {string} url base URL, no trailing slash ('' until listening)
 * @property {boolean} rateLimitEnabled false when started with `rateLimit: false`
 * @property {import('./rate-limit.mjs').RateLimiter} limiter
 * @property {Array<Fault & {remaining: number}>} faults queued faults, in order
 * @property {RequestRecord[]} requests
 * @property {import('node:events').EventEmitter} events
 * @property {boolean} closed
 * @property {(ms: number) => Promise<unknown>} sleep a timer that close() cancels
 */

/**
 * What a route handler gets. Handlers return the success payload (without `success`) or throw an
 * ApiError; auth, rate limiting and schema validation happen before, in pipeline.mjs.
 * @typedef {object} Ctx
 * @property {World} world
 * @property {ServerVersion} version
 * @property {string} method
 * @property {string} path
 * @property {User} [user]
 * @property {any} body bodyParams after parsing (and coercion by Ajv)
 * @property {Record<string, string>} query
 * @property {string[]} params path parameters after the route name
 * @property {import('node:http').IncomingHttpHeaders} headers
 * @property {Buffer} raw raw request body
 * @property {string} url full request URL
 * @property {string} ip client address, the rate limiter's key
 * @property {Record<string, string>} [rateLimitHeaders] X-RateLimit-* once the limiter counted the call
 * @property {(event: string, payload: unknown) => void} emit
 */

/** A Ctx of a route with `auth: true`, after authentication. @typedef {Ctx & {user: User}} AuthedCtx */

/**
 * @typedef {object} RouteDef
 * @property {string} method
 * @property {number} [params] number of path parameters after the name
 * @property {boolean} auth
 * @property {'body'|'query'} [source] where the schema applies
 * @property {string} [schema] validator name
 * @property {ServerVersion[]} [versions] versions that have the route (default all)
 * @property {(ctx: AuthedCtx) => any} handler
 */

export {}
