// @ts-check
/** Starting the fake: the world, the http or https server, the socket bookkeeping close() needs. */
import http from 'node:http'
import https from 'node:https'
import { EventEmitter } from 'node:events'
import { assertVersion } from './versions.mjs'
import { createWorld, loadSeed } from './state.mjs'
import { RateLimiter } from './rate-limit.mjs'
import { textReply } from './replies.mjs'
import { handle, send } from './exchange.mjs'
import { createHandle } from './handle.mjs'

/** @typedef {import('./types.mjs').FakeOptions} FakeOptions */
/** @typedef {import('./types.mjs').ServerState} ServerState */

/**
 * Starts a fake Rocket.Chat server.
 * @param {FakeOptions} [options]
 */
export async function startFakeRocketChat(options = {}) {
  const {
    version = '8',
    host = '127.0.0.1',
    port = 0,
    tls,
    rateLimit,
    settings = {},
    seed = true,
    unknownDmUsers = 'refuse'
  } = options
  assertVersion(version)
  const world = createWorld()
  if (seed) loadSeed(world)
  if (rateLimit) {
    world.settings.API_Enable_Rate_Limiter_Limit_Calls_Default = rateLimit.limit
    world.settings.API_Enable_Rate_Limiter_Limit_Time_Default = rateLimit.intervalMs
  }
  Object.assign(world.settings, settings)
  world.unknownDmUsers = unknownDmUsers

  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set()
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()
  /** @type {ServerState} */
  const state = {
    world,
    version,
    url: '',
    rateLimitEnabled: rateLimit !== false,
    limiter: new RateLimiter(),
    faults: [],
    requests: [],
    events: new EventEmitter(),
    closed: false,
    sleep: (ms) =>
      new Promise((resolve) => {
        const t = setTimeout(() => {
          timers.delete(t)
          resolve(undefined)
        }, ms)
        timers.add(t)
      })
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  const onRequest = (req, res) => {
    handle(state, req, res).catch((err) => {
      console.error('[fake-rocketchat] request failed', err)
      if (!res.headersSent) send(res, textReply(500, 'fake-rocketchat internal error'))
    })
  }
  const server = tls
    ? https.createServer({ key: tls.key, cert: tls.cert }, onRequest)
    : http.createServer(onRequest)
  // Track raw TCP sockets too: closeAllConnections() does not see TLS handshakes still in flight.
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve(undefined))
  })
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address
  state.url = `${tls ? 'https' : 'http'}://${hostPart}:${address.port}`
  state.limiter.reset() // windows of API routes are anchored at server start

  return createHandle(state, server, sockets, timers)
}

/** @typedef {Awaited<ReturnType<typeof startFakeRocketChat>>} FakeRocketChat */
