// @ts-check
/** HTTP plumbing: one exchange from request to answer, with the injected faults applied. */
import { recordedBody } from './body.mjs'
import { faultReply, takeFault } from './faults.mjs'
import { JSON_HEADERS } from './replies.mjs'
import { dispatch, routeNameOf } from './router.mjs'

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('./types.mjs').ServerState} ServerState */
/** @typedef {import('./types.mjs').RequestRecord} RequestRecord */
/** @typedef {import('./types.mjs').Ctx} Ctx */
/** @typedef {import('./replies.mjs').Reply} Reply */

/** @param {IncomingMessage} req @returns {Promise<Buffer>} */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** @param {ServerResponse} res @param {Reply} reply */
export function send(res, reply) {
  if (res.destroyed || res.writableEnded) return
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(body.length) })
  res.end(body)
}

/** @param {IncomingMessage} req @param {ServerResponse} res */
function destroySocket(req, res) {
  res.socket?.destroy()
  req.socket.destroy()
}

/**
 * Handles one HTTP exchange: record it, apply any fault, dispatch, apply post-faults, answer.
 * @param {ServerState} server internal server state
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 */
export async function handle(server, req, res) {
  const url = new URL(req.url ?? '/', server.url)
  const raw = await readBody(req)
  const contentType = req.headers['content-type']
  /** @type {RequestRecord} */
  const record = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    body: recordedBody(contentType, raw.toString('utf8')),
    status: null
  }
  server.requests.push(record)
  server.events.emit('request', record)
  const fault = takeFault(server, routeNameOf(url.pathname))
  if (fault) record.fault = fault.kind
  if (fault?.kind === 'reset-before') return destroySocket(req, res)
  if (fault?.kind === 'hang') return // the socket stays open until the client gives up or close()
  if (fault?.kind === 'status' || fault?.kind === 'html')
    return finish(server, res, record, faultReply(server, fault, 502))
  if (fault?.kind === 'delay') await server.sleep(/** @type {number} */ (fault.ms))
  if (server.closed) return

  /** @type {Ctx} */
  const ctx = {
    world: server.world,
    version: server.version,
    method: record.method,
    path: url.pathname,
    url: url.href,
    query: record.query,
    headers: req.headers,
    raw,
    ip: req.socket.remoteAddress ?? '',
    params: [],
    body: {},
    emit: (event, payload) => server.events.emit(event, payload)
  }
  const reply = await dispatch(server, ctx)
  if (fault?.kind === 'reset-after') return destroySocket(req, res)
  if (fault?.kind === 'status-after')
    return finish(server, res, record, faultReply(server, fault, 500))
  if (fault?.kind === 'invalid-json') {
    const text =
      fault.body ?? String(reply.body).slice(0, Math.max(1, Math.floor(reply.body.length / 2)))
    return finish(server, res, record, { status: 200, headers: { ...JSON_HEADERS }, body: text })
  }
  finish(server, res, record, reply)
}

/**
 * @param {ServerState} server
 * @param {ServerResponse} res
 * @param {RequestRecord} record
 * @param {Reply} reply
 */
function finish(server, res, record, reply) {
  record.status = reply.status
  send(res, reply)
  server.events.emit('response', record, reply)
}
