/**
 * Proxies and TLS through dist/index.js: a local forward proxy that records what goes through
 * it, and the fake server over HTTPS with test-only certificates (__tests__/fixtures/tls).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createProxy, type ProxyServer } from 'proxy'
import { proxyFor, proxyPasswords } from '../../src/rocketchat/proxy.js'
import { createDispatcher, proxyOf } from '../../src/rocketchat/transport.js'
import { startFakeRocketChat } from '../../test/fake-rocketchat/server.mjs'
import { USERS } from '../../test/fake-rocketchat/seed.mjs'
import { ROOT, postToGeneral, withoutMaskCommands, type ActionRun } from '../helpers/action.js'

type Fake = Awaited<ReturnType<typeof startFakeRocketChat>>

const TLS_DIR = join(ROOT, '__tests__', 'fixtures', 'tls')
const pemPath = (name: string) => join(TLS_DIR, name)
const pem = (name: string) => readFileSync(pemPath(name), 'utf8')

interface LocalProxy {
  url: string
  port: number
  /** CONNECT targets and plain forwarded URLs, in order. */
  seen: string[]
  close(): Promise<void>
}

/** A forward proxy on loopback; `credentials` makes it demand Basic auth. */
async function startProxy(credentials?: string): Promise<LocalProxy> {
  const server: ProxyServer = createProxy(http.createServer())
  const seen: string[] = []
  server.on('connect', (req: http.IncomingMessage) => seen.push(`CONNECT ${req.url}`))
  server.on('request', (req: http.IncomingMessage) => seen.push(`${req.method} ${req.url}`))
  if (credentials !== undefined) {
    server.authenticate = (req) =>
      req.headers['proxy-authorization'] === `Basic ${Buffer.from(credentials).toString('base64')}`
  }
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    async close() {
      server.closeAllConnections()
      await new Promise((done) => server.close(done))
    }
  }
}

/** Every request went through `through`, tunnelled to `server` with CONNECT. */
function expectTunnelled(through: LocalProxy, server: Fake) {
  expect(through.seen.length).toBeGreaterThan(0)
  expect(new Set(through.seen)).toEqual(new Set([`CONNECT ${hostOf(server)}`]))
}

function expectClean(run: ActionRun, secrets: string[] = []) {
  const visible = withoutMaskCommands(run.all)
  for (const secret of [USERS.bot.token, ...secrets]) expect(visible).not.toContain(secret)
  expect(run.all).not.toMatch(/\n\s+at .+:\d+:\d+/)
}

let plain: Fake
let secure: Fake // server.pem, signed by the private CA ca.pem
let selfSigned: Fake
let proxy: LocalProxy

beforeAll(async () => {
  ;[plain, secure, selfSigned, proxy] = await Promise.all([
    startFakeRocketChat({ rateLimit: false }),
    startFakeRocketChat({
      rateLimit: false,
      tls: { cert: pem('server.pem'), key: pem('server.key') }
    }),
    startFakeRocketChat({
      rateLimit: false,
      tls: { cert: pem('self-signed.pem'), key: pem('self-signed.key') }
    }),
    startProxy()
  ])
})
afterEach(() => {
  proxy.seen.length = 0
})
afterAll(async () => {
  await Promise.all([plain.close(), secure.close(), selfSigned.close(), proxy.close()])
})

async function post(
  server: Fake,
  text: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
) {
  const run = await postToGeneral(server, text, inputs, { env })
  const stored = [...server.messages.values()].filter((m: { msg: string }) => m.msg === text)
  return { run, stored }
}

const hostOf = (server: Fake) => new URL(server.url).host

describe('proxies (dist/index.js through a local forward proxy)', () => {
  it.each(['HTTPS_PROXY', 'https_proxy'])(
    'sends to an https server through %s, tunnelled with CONNECT',
    async (name) => {
      const text = `via ${name}`
      const { run, stored } = await post(
        secure,
        text,
        { 'ca-cert': pem('ca.pem') },
        { [name]: proxy.url }
      )
      expect(run.code).toBe(0)
      expect(stored).toHaveLength(1)
      expectTunnelled(proxy, secure)
      expect(run.stdout).toContain(
        `Connecting to ${hostOf(secure)} through the proxy ${proxy.url} (from ${name}).`
      )
    }
  )

  it('sends to an http server through http_proxy; ignores HTTP_PROXY, as curl does', async () => {
    const lower = await post(plain, 'via http_proxy', {}, { http_proxy: proxy.url })
    expect(lower.run.code).toBe(0)
    expect(lower.stored).toHaveLength(1)
    expectTunnelled(proxy, plain)

    proxy.seen.length = 0
    // Upper-case HTTP_PROXY can be set by a request header in CGI (httpoxy); curl ignores it.
    const upper = await post(plain, 'not via HTTP_PROXY', {}, { HTTP_PROXY: proxy.url })
    expect(upper.run.code).toBe(0)
    expect(upper.stored).toHaveLength(1)
    expect(proxy.seen).toEqual([])
  })

  it.each([
    ['NO_PROXY', '127.0.0.1'],
    ['no_proxy', 'example.com, 127.0.0.0/8'],
    ['NO_PROXY', '*']
  ])('bypasses the proxy for hosts in %s=%s', async (name, value) => {
    const text = `bypass ${name}=${value}`
    const { run, stored } = await post(
      secure,
      text,
      { 'ca-cert': pem('ca.pem') },
      { HTTPS_PROXY: proxy.url, [name]: value }
    )
    expect(run.code).toBe(0)
    expect(stored).toHaveLength(1)
    expect(proxy.seen).toEqual([])
    expect(run.stdout).not.toContain('through the proxy')
  })

  it('uses the proxy input over the environment, NO_PROXY included', async () => {
    const { run, stored } = await post(
      secure,
      'via the input',
      { 'ca-cert': pem('ca.pem'), proxy: proxy.url },
      { HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1' }
    )
    expect(run.code).toBe(0)
    expect(stored).toHaveLength(1)
    expectTunnelled(proxy, secure)
    expect(run.stdout).toContain(`through the proxy ${proxy.url} (from the proxy input)`)
  })

  it('authenticates to the proxy with the credentials in its URL, never printing the password', async () => {
    const guarded = await startProxy('builder:pr0xy-Pa55')
    try {
      const url = `http://builder:pr0xy-Pa55@127.0.0.1:${guarded.port}`
      const { run, stored } = await post(plain, 'via a guarded proxy', {}, { http_proxy: url })
      expect(run.code).toBe(0)
      expect(stored).toHaveLength(1)
      expectTunnelled(guarded, plain)
      expect(run.stdout).toContain(
        `through the proxy http://builder:***@127.0.0.1:${guarded.port} (from http_proxy)`
      )
      expectClean(run, ['pr0xy-Pa55'])
    } finally {
      await guarded.close()
    }
  })

  it('names a proxy refusal (407), does not retry it, and hides the password', async () => {
    const guarded = await startProxy('builder:right')
    try {
      const url = `http://builder:wr0ng-pw@127.0.0.1:${guarded.port}`
      const { run, stored } = await post(plain, 'refused by the proxy', { proxy: url })
      expect(run.code).toBe(1)
      expect(stored).toHaveLength(0)
      expect(run.annotations).toEqual([
        {
          level: 'error',
          message: `The proxy http://builder:***@127.0.0.1:${guarded.port} (from the proxy input) refused to connect to ${hostOf(plain)} (HTTP 407): it requires credentials it did not get or did not accept; put them in the proxy URL, http://user:password@host:port. Check the proxy input, or HTTPS_PROXY / HTTP_PROXY / NO_PROXY.`
        }
      ])
      expect(guarded.seen).toHaveLength(1)
      expectClean(run, ['wr0ng-pw'])
    } finally {
      await guarded.close()
    }
  })

  it('names a proxy that is not there', async () => {
    const { run, stored } = await post(
      plain,
      'no proxy there',
      { retries: '1' },
      { http_proxy: 'http://127.0.0.1:9' }
    )
    expect(run.code).toBe(1)
    expect(stored).toHaveLength(0)
    expect(run.annotations[0].message).toBe(
      'Connection refused by the proxy http://127.0.0.1:9 (from http_proxy): nothing listens there. Check the proxy setting. Gave up after 2 attempts.'
    )
  })
})

describe('TLS (dist/index.js against the fake over https)', () => {
  it('refuses a self-signed certificate without ca-cert, naming the problem', async () => {
    const from = selfSigned.requests.length
    const { run, stored } = await post(selfSigned, 'self-signed, no ca-cert')
    expect(run.code).toBe(1)
    expect(stored).toHaveLength(0)
    expect(selfSigned.requests.length).toBe(from)
    expect(run.annotations).toEqual([
      {
        level: 'error',
        message: `TLS check of ${hostOf(selfSigned)} failed: the certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate). If the server uses a private or self-signed CA, pass its certificate in the ca-cert input.`
      }
    ])
    // A certificate does not fix itself in seconds: no retries.
    expect(run.stdout).not.toContain('Retrying')
  })

  it('refuses a certificate from an unknown CA, naming the problem', async () => {
    const { run } = await post(secure, 'unknown CA')
    expect(run.code).toBe(1)
    expect(run.annotations[0].message).toMatch(
      /^TLS check of 127\.0\.0\.1:\d+ failed: the certificate is signed by a CA that is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: /
    )
  })

  it('accepts the self-signed certificate given as PEM text in ca-cert', async () => {
    const { run, stored } = await post(selfSigned, 'self-signed, PEM text', {
      'ca-cert': pem('self-signed.pem')
    })
    expect(run.code).toBe(0)
    expect(stored).toHaveLength(1)
  })

  it('accepts a private CA given as a file path in ca-cert', async () => {
    const { run, stored } = await post(secure, 'private CA, path', { 'ca-cert': pemPath('ca.pem') })
    expect(run.code).toBe(0)
    expect(stored).toHaveLength(1)
    expect(run.outputs['message-url']).toMatch(
      /^https:\/\/127\.0\.0\.1:\d+\/channel\/general\?msg=/
    )
  })

  it('cannot be switched off, not even with NODE_TLS_REJECT_UNAUTHORIZED=0', async () => {
    const { run, stored } = await post(
      selfSigned,
      'no switch',
      {},
      { NODE_TLS_REJECT_UNAUTHORIZED: '0' }
    )
    expect(run.code).toBe(1)
    expect(stored).toHaveLength(0)
    expect(run.annotations.at(-1)?.message).toMatch(/DEPTH_ZERO_SELF_SIGNED_CERT/)
  })
})

describe('proxy selection (curl rules, in-process)', () => {
  const https = new URL('https://chat.example.com')
  const loopback = new URL('https://127.0.0.1:8443')
  const v6 = new URL('https://[::1]:8443')

  it.each([
    [loopback, '127.0.0.0/8', ''],
    [loopback, '10.0.0.0/8', 'http://p:3128'],
    [loopback, '127.0.0.1:8443', ''],
    [loopback, '127.0.0.1:443', 'http://p:3128'],
    [v6, '::1', ''],
    [v6, '[::1]:8443', ''],
    [v6, '::/0', ''],
    [https, '.example.com', ''],
    [https, 'example.com', ''],
    [https, 'Chat.Example.COM', ''],
    [https, 'xample.com', 'http://p:3128'],
    [https, '192.168.0.0/16', 'http://p:3128']
  ])('%s with NO_PROXY=%s', (target, noProxy, expected) => {
    expect(proxyFor(target, { HTTPS_PROXY: 'http://p:3128', NO_PROXY: noProxy })).toBe(expected)
  })

  it('prefers the lower-case variables, as curl does', () => {
    expect(proxyFor(https, { https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2' })).toBe(
      'http://a:1'
    )
    expect(
      proxyFor(https, { HTTPS_PROXY: 'http://p:3128', no_proxy: 'other.org', NO_PROXY: '*' })
    ).toBe('http://p:3128')
  })

  it('takes a proxy without a scheme as http://, and names where a bad one came from', async () => {
    const dispatcher = createDispatcher(https, {
      env: { HTTPS_PROXY: 'u:p4ss@proxy.internal:3128' }
    })
    expect(proxyOf(dispatcher)).toEqual({
      shown: 'http://u:***@proxy.internal:3128',
      host: 'proxy.internal:3128',
      source: 'HTTPS_PROXY'
    })
    await dispatcher.destroy()
    expect(() =>
      createDispatcher(https, { env: { https_proxy: 'socks5://u:p4ss@proxy:1080' } })
    ).toThrow(
      'The proxy from https_proxy uses socks5 (socks5://u:***@proxy:1080); only http:// and https:// proxies are supported.'
    )
  })

  it('finds the proxy passwords to mask, as written, decoded and encoded', () => {
    expect(
      proxyPasswords([
        'http://u:p%40ss@proxy:3128',
        'u2:plain@proxy:3128',
        'http://u3:un@encoded@proxy:3128',
        'http://no-password@proxy:3128',
        'http://proxy:3128',
        undefined
      ])
    ).toEqual(['p%40ss', 'p@ss', 'plain', 'un@encoded', 'un%40encoded'])
    // A / that no URL parser would take as part of a password is still one.
    expect(proxyPasswords(['http://u:Pa/ss@host:3128'])).toEqual(['Pa/ss', 'Pa%2Fss'])
  })
})
