/**
 * The retry policy of RocketChatClient, in-process, against the fake server over real loopback
 * HTTP(S): no module mocks, only short back-offs through the backoffMs option.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createProxy } from 'proxy'
import { Agent, type Dispatcher } from 'undici'
import { getMessage, MessageNotStoredError, sendMessageOnce } from '../../src/rocketchat/api.js'
import { RocketChatClient, type ClientOptions } from '../../src/rocketchat/client.js'
import { Deadline } from '../../src/rocketchat/deadline.js'
import { DeadlineError, NetworkError, RocketChatError } from '../../src/rocketchat/errors.js'
import { newMessageId } from '../../src/rocketchat/ids.js'
import { createDispatcher } from '../../src/rocketchat/transport.js'
import type { Message } from '../../src/rocketchat/types.js'
import { startFakeRocketChat, SEED } from '../../test/fake-rocketchat/server.mjs'
import { ROOT } from '../helpers/action.js'
import { fakeRocketChat, type Fake } from '../helpers/fake.js'
import { failureOf } from '../helpers/failure.js'

interface Logged {
  info: string[]
  all: string[]
}
interface Made {
  client: RocketChatClient
  logs: Logged
}
type UserKey = 'bot' | 'ci'

const TLS_DIR = join(ROOT, '__tests__', 'fixtures', 'tls')
const pem = (name: string) => readFileSync(join(TLS_DIR, name), 'utf8')

const dispatchers: Dispatcher[] = []
afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.destroy()))
})

// One server for the file, without rate limits; 'rate limits' starts its own.
const fake = fakeRocketChat()
afterEach(() => fake.clearFaults())

function makeClient(
  server: { url: string },
  overrides: Partial<ClientOptions> & { user?: UserKey; budgetMs?: number } = {}
): Made {
  const { user = 'bot', budgetMs = 20_000, ...rest } = overrides
  const who = SEED.users[user] as { id: string; token: string }
  const serverUrl = new URL(server.url)
  // No proxy from the environment of whoever runs the tests: loopback only.
  const dispatcher = rest.dispatcher ?? createDispatcher(serverUrl, { env: {} })
  dispatchers.push(dispatcher)
  const logs: Logged = { info: [], all: [] }
  const client = new RocketChatClient({
    serverUrl,
    userId: who.id,
    authToken: who.token,
    dispatcher,
    deadline: new Deadline(budgetMs),
    retries: 3,
    backoffMs: 20,
    log: {
      info: (m) => (logs.info.push(m), logs.all.push(m)),
      warning: (m) => logs.all.push(m),
      debug: (m) => logs.all.push(m),
      block: (m) => logs.all.push(m)
    },
    ...rest
  })
  return { client, logs }
}

function requestsTo(fake: Fake, route: string, from = 0) {
  return fake.requests.slice(from).filter((r: { path: string }) => r.path === `/api/v1/${route}`)
}

function outgoing(text: string) {
  return { _id: newMessageId(), rid: SEED.rooms.general.id, msg: text }
}

/** A port on loopback where nothing listens. */
async function closedPort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done))
  const { port } = probe.address() as AddressInfo
  await new Promise((done) => probe.close(done))
  return port
}

describe('retry policy', () => {
  it.each([
    ['a 500 from Rocket.Chat', { kind: 'status', status: 500 }],
    ['a 502 page from nginx', { kind: 'status', status: 502 }],
    ['a 503 HTML page', { kind: 'html', status: 503 }],
    ['a connection reset', { kind: 'reset-before' }],
    ['a 200 with invalid JSON', { kind: 'invalid-json' }]
  ])('retries %s and then succeeds', async (_, fault) => {
    const from = fake.requests.length
    fake.inject({ route: 'rooms.info', times: 2, ...fault } as Parameters<Fake['inject']>[0])
    const { client, logs } = makeClient(fake)
    const { room } = await client.get<{ room: { _id: string } }>('rooms.info', {
      roomName: 'general'
    })
    expect(room._id).toBe('GENERAL')
    expect(requestsTo(fake, 'rooms.info', from)).toHaveLength(3)
    expect(logs.info.filter((m) => /Retrying in [\d.]+ s \(retry \d of 3\)/.test(m))).toHaveLength(
      2
    )
  })

  it.each([400, 401, 403, 404, 413])('does not retry HTTP %i', async (status) => {
    const from = fake.requests.length
    fake.inject({ route: 'rooms.info', kind: 'status', status })
    const { client } = makeClient(fake)
    const error = await failureOf(client.get('rooms.info', { roomName: 'general' }))
    expect(error).toBeInstanceOf(RocketChatError)
    expect((error as RocketChatError).status).toBe(status)
    expect(requestsTo(fake, 'rooms.info', from)).toHaveLength(1)
  })

  it.each([
    [
      'gives up after `retries` retries, saying how many attempts it made',
      { status: 503, times: 10, retries: 2 },
      /HTTP 503 with an HTML page .* Gave up after 3 attempts\.$/,
      3
    ],
    [
      'makes one attempt with retries: 0',
      { status: 500, times: 2, retries: 0 },
      /Gave up after 1 attempt\.$/,
      1
    ]
  ])('%s', async (_, { status, times, retries }, message, attempts) => {
    const from = fake.requests.length
    fake.inject({ route: 'rooms.info', kind: 'status', status, times })
    const { client } = makeClient(fake, { retries })
    const error = await failureOf(client.get('rooms.info', { roomName: 'general' }))
    expect(error.message).toMatch(message)
    expect(requestsTo(fake, 'rooms.info', from)).toHaveLength(attempts)
  })

  it('backs off exponentially, with jitter, between attempts', async () => {
    const arrivals: number[] = []
    const onRequest = (r: { path: string }) => {
      if (r.path === '/api/v1/rooms.info') arrivals.push(performance.now())
    }
    fake.on('request', onRequest)
    fake.inject({ route: 'rooms.info', kind: 'status', status: 500, times: 3 })
    const { client, logs } = makeClient(fake, { backoffMs: 200 })
    await client.get('rooms.info', { roomName: 'general' })
    fake.off('request', onRequest)
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i])
    // Retry n waits between half and all of 200 ms * 2^(n-1): [100, 200], [200, 400], [400, 800].
    expect(gaps).toHaveLength(3)
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(100 * 2 ** i - 5)
      expect(gap).toBeLessThan(200 * 2 ** i + 500)
    })
    const announced = logs.info.map((m) => Number(/Retrying in ([\d.]+) s/.exec(m)?.[1]))
    expect(announced.filter((s) => s >= 0)).toHaveLength(3)
  })

  it('retries a refused connection, which cannot have delivered anything, without checking', async () => {
    const port = await closedPort()
    const { client, logs } = makeClient({ url: `http://127.0.0.1:${port}` }, { retries: 2 })
    let checks = 0
    const error = await failureOf(
      client.post(
        'chat.sendMessage',
        { message: outgoing('x') },
        {
          checkDelivered: async () => (checks++, undefined)
        }
      )
    )
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toBe(
      `Connection refused by 127.0.0.1:${port}: nothing listens there. Check the server URL and that the server is up. Gave up after 3 attempts.`
    )
    expect(checks).toBe(0)
    expect(logs.info.filter((m) => /Retrying/.test(m))).toHaveLength(2)
  })

  it('does not retry an unknown host, and says so', async () => {
    let lookups = 0
    const dispatcher = new Agent({
      connect: {
        lookup: (hostname, _options, callback) => {
          lookups++
          const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
            code: 'ENOTFOUND',
            hostname
          })
          callback(error, '', 4)
        }
      }
    })
    const { client } = makeClient({ url: 'http://chat.example.invalid' }, { dispatcher })
    const error = await failureOf(client.get('rooms.info', { roomName: 'general' }))
    expect(error.message).toBe(
      'Could not resolve the host chat.example.invalid (DNS ENOTFOUND). Check the server URL.'
    )
    expect(lookups).toBe(1)
  })
})

describe('rate limits', () => {
  const fake = fakeRocketChat({ rateLimit: { limit: 2, intervalMs: 1500 } })
  afterEach(() => {
    fake.clearFaults()
    fake.resetRateLimits()
  })

  it('waits for X-RateLimit-Reset after a 429 and then succeeds, without using a retry', async () => {
    const from = fake.requests.length
    const resetAt = Date.now() + 1000
    fake.inject({
      route: 'rooms.info',
      kind: 'status',
      status: 429,
      times: 1,
      // The body says 60 seconds; the header, in epoch ms, is the precise answer.
      headers: {
        'X-RateLimit-Limit': '10',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(resetAt)
      }
    })
    const { client, logs } = makeClient(fake, { user: 'bot', retries: 1 })
    await client.get('rooms.info', { roomName: 'general' })
    const sent = requestsTo(fake, 'rooms.info', from)
    expect(sent.map((r: { status: number }) => r.status)).toEqual([429, 200])
    expect(Date.now()).toBeGreaterThanOrEqual(resetAt)
    expect(logs.info).toEqual([
      expect.stringMatching(
        /^Rate limited by the server on rooms\.info \(HTTP 429, 10 calls per window per IP\): waiting (0\.\d|1(\.\d)?|2) s until the window resets\.$/
      )
    ])
  })

  it('keeps waiting out 429s from the real limiter until the call goes through', async () => {
    const from = fake.requests.length
    const started = Date.now()
    const { client: other } = makeClient(fake, { user: 'ci' })
    // Another job behind the same IP uses up this window.
    await other.get('rooms.info', { roomName: 'general' })
    await other.get('rooms.info', { roomName: 'general' })
    const { client, logs } = makeClient(fake, { user: 'ci', retries: 1 })
    await client.get('rooms.info', { roomName: 'general' })
    const statuses = requestsTo(fake, 'rooms.info', from).map((r: { status: number }) => r.status)
    expect(statuses).toEqual([200, 200, 429, 200])
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400)
    expect(logs.info[0]).toMatch(/Rate limited .* \(HTTP 429, 2 calls per window per IP\): waiting/)
  })

  it('does not send into a window that X-RateLimit-Remaining says is closed', async () => {
    const from = fake.requests.length
    const { client, logs } = makeClient(fake, { user: 'ci' })
    for (let i = 0; i < 3; i++) await client.get('rooms.info', { roomName: 'general' })
    const statuses = requestsTo(fake, 'rooms.info', from).map((r: { status: number }) => r.status)
    expect(statuses).toEqual([200, 200, 200])
    expect(logs.info).toEqual([
      expect.stringMatching(
        /^The server's rate limit for rooms\.info has no calls left in this window \(X-RateLimit-Remaining: 0\): waiting \d+(\.\d)? s for it to reset before sending\.$/
      )
    ])
  })

  it('gives up at once when the window resets after timeout-seconds', async () => {
    fake.inject({
      route: 'rooms.info',
      kind: 'status',
      status: 429,
      headers: { 'X-RateLimit-Reset': String(Date.now() + 30_000), 'X-RateLimit-Limit': '10' },
      body: JSON.stringify({
        success: false,
        error:
          'Error, too many requests. Please slow down. You must wait 30 seconds before trying this endpoint again. [error-too-many-requests]'
      })
    })
    const started = Date.now()
    const { client } = makeClient(fake, { budgetMs: 5000 })
    const error = await failureOf(client.get('rooms.info', { roomName: 'general' }))
    expect(Date.now() - started).toBeLessThan(1000)
    expect(error).toBeInstanceOf(DeadlineError)
    expect(error.message).toMatch(
      /^Gave up after the time budget \(5 s\): the server's rate limit on rooms\.info \(10 calls per window per IP\) allows the next call in 3\d(\.\d)? s, but only [45](\.\d)? s are left\. Raise the time budget, or post as a user with the api-bypass-rate-limit permission \(the bot role has it\)\.$/
    )
  })

  it('does not wait out a 429 with retries: 0', async () => {
    fake.inject({ route: 'rooms.info', kind: 'status', status: 429 })
    const { client } = makeClient(fake, { retries: 0 })
    const error = await failureOf(client.get('rooms.info', { roomName: 'general' }))
    expect(error).toBeInstanceOf(RocketChatError)
    expect(error.message).toMatch(
      /HTTP 429 to rooms\.info: Error, too many requests.* \(the retry count is 0, so the client does not wait for the rate limit window to reset\.\)$/
    )
  })
})

describe('time-outs', () => {
  it('gives each request its own time-out inside the budget, and retries after it', async () => {
    const from = fake.requests.length
    fake.inject({ route: 'rooms.info', kind: 'hang' })
    const started = Date.now()
    // 6 s over 3 attempts: 2 s each.
    const { client, logs } = makeClient(fake, { budgetMs: 6000, retries: 2 })
    await client.get('rooms.info', { roomName: 'general' })
    const took = Date.now() - started
    expect(took).toBeGreaterThanOrEqual(1900)
    expect(took).toBeLessThan(3000)
    expect(requestsTo(fake, 'rooms.info', from)).toHaveLength(2)
    expect(logs.info[0]).toMatch(
      /^No answer from rooms\.info \(GET 127\.0\.0\.1:\d+\) within 2 s\. Retrying in/
    )
  })

  it('ends by the deadline with an error saying what it was waiting for', async () => {
    fake.inject({ route: 'rooms.info', kind: 'hang', times: 10 })
    const started = Date.now()
    const { client } = makeClient(fake, { budgetMs: 2500 })
    const error = await failureOf(client.get('rooms.info', { roomName: 'general' }))
    const took = Date.now() - started
    expect(took).toBeGreaterThanOrEqual(2400)
    expect(took).toBeLessThan(3500)
    expect(error).toBeInstanceOf(DeadlineError)
    expect(error.message).toMatch(
      /^Gave up after the time budget \(2\.5 s\): still waiting for rooms\.info \(GET 127\.0\.0\.1:\d+\) to answer\.$/
    )
  })

  it('gives up early when the next retry would start after the deadline', async () => {
    fake.inject({ route: 'rooms.info', kind: 'status', status: 502, times: 10 })
    const started = Date.now()
    const { client } = makeClient(fake, { budgetMs: 1000, backoffMs: 800, retries: 5 })
    const error = await failureOf(client.get('rooms.info', { roomName: 'general' }))
    expect(Date.now() - started).toBeLessThan(1000)
    expect(error).toBeInstanceOf(DeadlineError)
    expect(error.message).toMatch(
      /^Gave up after the time budget \(1 s\): Rocket\.Chat's rooms\.info answered HTTP 502 with an HTML page \("502 Bad Gateway"\).* The next retry was due in [\d.]+ s, after the time is up\.$/
    )
  })
})

describe('exactly once', () => {
  async function sendOnce(
    text: string,
    overrides: Parameters<typeof makeClient>[1] = {}
  ): Promise<{ result: Message; id: string; sends: number; checks: number; logs: Logged }> {
    const from = fake.requests.length
    const { client, logs } = makeClient(fake, overrides)
    const message = outgoing(text)
    const result = await sendMessageOnce(client, message)
    return {
      result,
      id: message._id,
      sends: requestsTo(fake, 'chat.sendMessage', from).length,
      checks: requestsTo(fake, 'chat.getMessage', from).length,
      logs
    }
  }

  function storedWith(text: string) {
    return [...fake.messages.values()].filter((m: { msg: string }) => m.msg === text)
  }

  it.each([
    ['the connection drops after the server stored it', 'reset-after', {}],
    ['the answer is invalid JSON', 'invalid-json', {}],
    ['the server stored it and then answered 500', 'status-after', { status: 500 }]
  ])('when %s: checks, finds it, does not send again', async (_, kind, extra) => {
    fake.inject({ route: 'chat.sendMessage', kind, ...extra } as Parameters<Fake['inject']>[0])
    const text = `once: ${kind}`
    const { result, id, sends, checks, logs } = await sendOnce(text)
    expect(storedWith(text)).toHaveLength(1)
    expect(result).toMatchObject({ _id: id, msg: text, rid: 'GENERAL' })
    expect(sends).toBe(1)
    expect(checks).toBe(1)
    expect(logs.info[0]).toMatch(/Checking whether it arrived before sending again\.$/)
  })

  it('when a reverse proxy answered 502 without passing it on: checks, then sends again', async () => {
    fake.inject({ route: 'chat.sendMessage', kind: 'status', status: 502 })
    const { result, sends, checks } = await sendOnce('once: 502')
    expect(storedWith('once: 502')).toHaveLength(1)
    expect(result.msg).toBe('once: 502')
    expect([sends, checks]).toEqual([2, 1])
  })

  it('when the server was too slow: the late first attempt is refused as a duplicate', async () => {
    // The first attempt times out while the server holds it, the check finds nothing, the
    // second attempt is stored; then the first one arrives with the same id.
    fake.inject({ route: 'chat.sendMessage', kind: 'delay', ms: 2600 })
    const { result, sends, checks } = await sendOnce('once: slow', { budgetMs: 8000 })
    expect([sends, checks]).toEqual([2, 1])
    expect(result.msg).toBe('once: slow')
    await new Promise((done) => setTimeout(done, 1000))
    expect(storedWith('once: slow')).toHaveLength(1)
    const late = requestsTo(fake, 'chat.sendMessage').filter(
      (r: { body: { message?: { _id: string } } }) => r.body.message?._id === result._id
    )
    expect(late.map((r: { status: number }) => r.status)).toEqual([400, 200])
  })

  it("treats the server's duplicate-id TypeError as delivered and returns the stored message", async () => {
    const { client } = makeClient(fake)
    const message = outgoing('once: twice')
    const first = await sendMessageOnce(client, message)
    const from = fake.requests.length
    const second = await sendMessageOnce(client, message)
    expect(second).toEqual(first)
    expect(storedWith('once: twice')).toHaveLength(1)
    expect(requestsTo(fake, 'chat.sendMessage', from)[0]).toMatchObject({ status: 400 })
  })

  it("also understands the Node < 16.9 wording: Cannot read property 'starred' of undefined", async () => {
    const { client } = makeClient(fake)
    const message = outgoing('once: old server')
    const first = await sendMessageOnce(client, message)
    fake.inject({
      route: 'chat.sendMessage',
      kind: 'status',
      status: 400,
      body: JSON.stringify({ success: false, error: "Cannot read property 'starred' of undefined" })
    })
    const again = await sendMessageOnce(client, message)
    expect(again).toEqual(first)
    expect(storedWith('once: old server')).toHaveLength(1)
  })

  it('does not count a duplicate answer as delivered when the message cannot be read back', async () => {
    const { client } = makeClient(fake)
    const message = outgoing('once: cannot fetch')
    await sendMessageOnce(client, message)
    fake.inject({ route: 'chat.getMessage', kind: 'status', status: 500, times: 10 })
    const error = await sendMessageOnce(client, message).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MessageNotStoredError)
    expect((error as Error).message).toMatch(
      /^The server may not have stored the message: chat.sendMessage answered "Cannot read properties of undefined \(reading 'starred'\)", .*whether the message \w+ exists could not be checked \(.*HTTP 500.*\)\. Look in the room/
    )
    expect(storedWith('once: cannot fetch')).toHaveLength(1)
  })

  it('fails when an app on the server blocks the message: the duplicate answer with nothing stored', async () => {
    const { client } = makeClient(fake)
    fake.preventMessages((m: { msg?: string }) => m.msg === 'once: blocked')
    try {
      const message = outgoing('once: blocked')
      const error = await sendMessageOnce(client, message).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(MessageNotStoredError)
      expect((error as Error).message).toBe(
        `The server accepted the message but stored nothing: chat.sendMessage answered "Cannot read properties of undefined (reading 'starred')", its answer both to a message id that already exists and to a message that an app installed on the server (Administration > Apps) blocked, and no message ${message._id} exists. An app on the server may have blocked it.`
      )
      expect(storedWith('once: blocked')).toHaveLength(0)
    } finally {
      fake.preventMessages(false)
    }
  })

  it('sends again when the check itself fails, and still stores it once', async () => {
    fake.inject({ route: 'chat.sendMessage', kind: 'reset-after' })
    // The check and its one retry fail; the duplicate answer then proves delivery.
    fake.inject({ route: 'chat.getMessage', kind: 'status', status: 500, times: 2 })
    const { result, sends, checks, logs } = await sendOnce('once: blind')
    expect(storedWith('once: blind')).toHaveLength(1)
    expect(result.msg).toBe('once: blind')
    expect(sends).toBe(2)
    expect(checks).toBe(3)
    expect(logs.info).toContainEqual(
      expect.stringMatching(/^Could not check \(.*HTTP 500.*\); sending again is safe/)
    )
  })

  it('getMessage answers undefined for an id the server does not have', async () => {
    const { client } = makeClient(fake)
    expect(await getMessage(client, newMessageId())).toBeUndefined()
  })
})

describe('errors name the cause', () => {
  /** A server on loopback that answers every request with `answer`, for the test's length. */
  async function rogue(answer: http.RequestListener): Promise<{ url: string; close(): void }> {
    const server = http.createServer(answer)
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    const { port } = server.address() as AddressInfo
    return {
      url: `http://127.0.0.1:${port}`,
      close: () => {
        server.closeAllConnections()
        server.close()
      }
    }
  }

  it('cuts off an answer that never ends instead of holding it all in memory', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'a')
    const server = await rogue((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      const more = (): void => {
        while (res.write(chunk));
        res.once('drain', more)
      }
      more()
    })
    try {
      const { client } = makeClient(server, { retries: 3 })
      const error = await failureOf(client.get('rooms.info', { roomName: 'general' }))
      expect(error).toBeInstanceOf(NetworkError)
      expect(error.message).toMatch(
        /^rooms\.info \(127\.0\.0\.1:\d+\) answered with more than 32 MB, far more than any Rocket\.Chat answer: it was cut off\./
      )
      // Not tried again: a second attempt would only be as large.
      expect(error.message).not.toMatch(/Retrying|attempts/)
    } finally {
      server.close()
    }
  })

  it('says a port does not speak TLS, instead of asking for a CA', async () => {
    const plain = new URL(fake.url)
    const { client } = makeClient({ url: `https://${plain.host}` })
    const error = await failureOf(client.get('rooms.info', { roomName: 'general' }))
    expect(error.message).toMatch(
      /^TLS check of 127\.0\.0\.1:\d+ failed \(ERR_SSL_\w+\)\. The server does not speak TLS on this port: is 127\.0\.0\.1:\d+ plain http \(http:\/\/\), or is the port wrong\?$/
    )
  })

  it('says where a redirect leads and does not follow it with the credentials', async () => {
    let requests = 0
    const server = await rogue((_, res) => {
      requests += 1
      res.writeHead(302, { location: 'https://chat.example.com/login?next=%2F' }).end()
    })
    try {
      const { client } = makeClient(server)
      const error = await failureOf(client.get('rooms.info', { roomName: 'general' }))
      expect(error.message).toBe(
        'rooms.info answered HTTP 302, a redirect to "https://chat.example.com/login?next=%2F", which is not followed (the credentials would go along). Set the server URL to the address it leads to (https instead of http? a sub-path?), or a login page or proxy is in the way.'
      )
      expect(requests).toBe(1)
    } finally {
      server.close()
    }
  })

  it.each([
    [
      'self-signed.pem',
      'self-signed.key',
      /the certificate is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate\)/
    ],
    [
      'server.pem',
      'server.key',
      /the certificate is signed by a CA that is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE/
    ],
    ['expired.pem', 'expired.key', /the certificate has expired \(CERT_HAS_EXPIRED/]
  ])('a TLS failure with %s, not retried', async (cert, key, expected) => {
    const server = await startFakeRocketChat({
      rateLimit: false,
      tls: { cert: pem(cert), key: pem(key) }
    })
    try {
      const { client, logs } = makeClient(server)
      const error = await failureOf(client.get('rooms.info', { roomName: 'general' }))
      expect(error.message).toMatch(/^TLS check of 127\.0\.0\.1:\d+ failed: /)
      expect(error.message).toMatch(expected)
      expect(error.message).toMatch(/pass its certificate in the CA certificate option\.$/)
      expect(logs.info).toEqual([])
      expect(server.requests).toHaveLength(0)
    } finally {
      await server.close()
    }
  })

  it('a certificate for another host name', async () => {
    const server = await startFakeRocketChat({
      rateLimit: false,
      tls: { cert: pem('server.pem'), key: pem('server.key') }
    })
    try {
      const url = server.url.replace('127.0.0.1', 'localhost')
      const dispatcher = createDispatcher(new URL(url), { caCert: pem('ca.pem'), env: {} })
      const { client } = makeClient({ url }, { dispatcher })
      const error = await failureOf(client.get('rooms.info', { roomName: 'general' }))
      expect(error.message).toMatch(
        /^TLS check of localhost:\d+ failed: the certificate is for another host name \(ERR_TLS_CERT_ALTNAME_INVALID: /
      )
    } finally {
      await server.close()
    }
  })

  it('a proxy that refuses, naming the proxy but never its password', async () => {
    const proxy = createProxy(http.createServer())
    proxy.authenticate = () => false
    await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done))
    const { port } = proxy.address() as AddressInfo
    try {
      const dispatcher = createDispatcher(new URL(fake.url), {
        proxy: `http://builder:s3cr3t-pw@127.0.0.1:${port}`
      })
      const { client, logs } = makeClient(fake, { dispatcher })
      const error = await failureOf(client.get('rooms.info', { roomName: 'general' }))
      expect(error.message).toBe(
        `The proxy http://builder:***@127.0.0.1:${port} (from the proxy option) refused to connect to ${new URL(fake.url).host} (HTTP 407): it requires credentials it did not get or did not accept; put them in the proxy URL, http://user:password@host:port. Check the proxy option, or HTTPS_PROXY / HTTP_PROXY / NO_PROXY.`
      )
      expect(logs.all).toEqual([
        `Connecting to ${new URL(fake.url).host} through the proxy http://builder:***@127.0.0.1:${port} (from the proxy option).`
      ])
      expect(JSON.stringify(logs.all) + error.message).not.toContain('s3cr3t-pw')
    } finally {
      proxy.closeAllConnections()
      await new Promise((done) => proxy.close(done))
    }
  })
})
