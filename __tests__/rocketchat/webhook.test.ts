/**
 * Incoming webhooks, in process, against the fake server over real HTTP: parsing and masking
 * the URL, the body, and what each answer of the server means.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { createServer, type AddressInfo } from 'node:net'
import type { Dispatcher } from 'undici'
import { Deadline } from '../../src/rocketchat/deadline.js'
import { DeadlineError, NetworkError } from '../../src/rocketchat/errors.js'
import { createDispatcher } from '../../src/rocketchat/transport.js'
import {
  parseWebhookUrl,
  postToWebhook,
  webhookBody,
  webhookSecrets,
  WebhookError,
  WebhookUrlError,
  type WebhookMessage
} from '../../src/rocketchat/webhook.js'
import { startFakeRocketChat, SEED } from '../../test/fake-rocketchat/server.mjs'
import { failureOf } from '../helpers/failure.js'
import { fakeRocketChat } from '../helpers/fake.js'

type Stored = Record<string, unknown> & { _id: string; rid: string; msg: string }

const HOOKS = SEED.integrations
const fake = fakeRocketChat()
const dispatchers: Dispatcher[] = []
const info: string[] = []

afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.destroy()))
  info.length = 0
  fake.clearFaults()
})

function post(
  url: string,
  message: WebhookMessage,
  options: { retries?: number; budgetMs?: number } = {}
): Promise<void> {
  const hook = parseWebhookUrl(url)
  const dispatcher = createDispatcher(hook.url, { env: {} })
  dispatchers.push(dispatcher)
  return postToWebhook(hook, message, {
    dispatcher,
    deadline: new Deadline(options.budgetMs ?? 10_000),
    retries: options.retries ?? 2,
    backoffMs: 10,
    log: {
      info: (m) => info.push(m),
      warning: (m) => info.push(m),
      debug: () => undefined,
      block: (m) => info.push(m)
    }
  })
}

function hookRequests(from = 0) {
  return fake.requests.slice(from).filter((r: { path: string }) => r.path.startsWith('/hooks/'))
}

function lastIn(roomName: keyof typeof SEED.rooms): Stored {
  return fake.messagesIn(SEED.rooms[roomName].id).at(-1) as Stored
}

describe('webhook.ts parseWebhookUrl', () => {
  it('takes /hooks/<id>/<token>, the legacy 3-segment form, and a sub-path', () => {
    const hook = parseWebhookUrl(
      `https://chat.example.com/hooks/${HOOKS.default.id}/${HOOKS.default.token}`
    )
    expect(hook.server.href).toBe('https://chat.example.com/')
    expect(parseWebhookUrl('https://chat.example.com/hooks/a/b/c').url.pathname).toBe(
      '/hooks/a/b/c'
    )
    expect(parseWebhookUrl('https://example.com/rc/hooks/a/b/').server.href).toBe(
      'https://example.com/rc'
    )
  })

  it.each([
    ['chat.example.com/hooks/id/s3cr3t-token', /is not a URL/],
    ['ftp://chat.example.com/hooks/id/s3cr3t-token', /uses ftp; only http and https/],
    ['https://u:s3cr3t-token@chat.example.com/hooks/id/t', /must not contain user credentials/],
    ['https://chat.example.com/api/v1/s3cr3t-token', /is not an incoming webhook URL/],
    ['https://chat.example.com/hooks/s3cr3t-token', /is not an incoming webhook URL/]
  ])('refuses %s without showing it', (raw, expected) => {
    let error: unknown
    try {
      parseWebhookUrl(raw)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(WebhookUrlError)
    expect((error as Error).message).toMatch(expected)
    expect((error as Error).message).toMatch(/The value is not shown: it is a secret/)
    expect((error as Error).message).not.toContain('s3cr3t-token')
  })

  it('lists every form of the secret for masking', () => {
    const raw = 'https://chat.example.com/hooks/cXySNoFWsngLCCmhX/a%2Fb+c%3Dtoken'
    expect(webhookSecrets(raw)).toEqual([
      raw,
      '/hooks/cXySNoFWsngLCCmhX/a%2Fb+c%3Dtoken',
      'a%2Fb+c%3Dtoken',
      'a/b+c=token',
      // As encodeURIComponent writes it (the URL parser writes it as given).
      'a%2Fb%2Bc%3Dtoken'
    ])
    expect(webhookSecrets('not a url at all')).toEqual(['not a url at all'])
  })

  it('leaves empty fields out of the body', () => {
    expect(webhookBody({ text: 'hi', alias: '', emoji: ':robot:', attachments: [] })).toEqual({
      text: 'hi',
      emoji: ':robot:'
    })
  })
})

describe('webhook.ts postToWebhook', () => {
  it('posts {text, alias, emoji, avatar, attachments} as JSON to the integration’s channel', async () => {
    const from = fake.requests.length
    const message = {
      text: 'Deploy *done*',
      alias: 'Deployer',
      emoji: ':rocket:',
      attachments: [{ title: 'Run', title_link: 'https://github.com/o/r/actions/runs/1' }]
    }
    await post(fake.url + HOOKS.default.path, message)
    const [request] = hookRequests(from)
    expect(request.method).toBe('POST')
    expect(request.headers['content-type']).toBe('application/json')
    expect(request.body).toEqual(message)
    expect(lastIn('ci-builds')).toMatchObject({
      msg: 'Deploy *done*',
      alias: 'Deployer',
      emoji: ':rocket:',
      bot: { i: HOOKS.default.id },
      attachments: message.attachments
    })
  })

  it('explains a disabled integration', async () => {
    const error = await failureOf(post(fake.url + HOOKS.disabled.path, { text: 'x' }))
    expect(error).toBeInstanceOf(WebhookError)
    expect(error.message).toBe(
      "The webhook's integration is disabled (HTTP 503). Enable it in Administration > Integrations."
    )
  })

  it('explains a disabled integration on a 6.x server, which answers a JSON string', async () => {
    const server = await startFakeRocketChat({ version: '6', rateLimit: false })
    try {
      const error = await failureOf(post(server.url + HOOKS.disabled.path, { text: 'x' }))
      expect(error.message).toBe(
        "The webhook's integration is disabled (HTTP 503). Enable it in Administration > Integrations."
      )
    } finally {
      await server.close()
    }
  })

  it.each([
    [
      'a 404 without JSON',
      { status: 404, body: '404 Not Found', contentType: 'text/plain' },
      /^Nothing at 127\.0\.0\.1:\d+ answers as a Rocket\.Chat incoming webhook \(HTTP 404 without Rocket\.Chat's JSON\): check the webhook URL, including any sub-path/
    ],
    [
      'a 503 that is not a disabled integration',
      { status: 503, body: 'upstream down', contentType: 'text/plain' },
      /^The server at 127\.0\.0\.1:\d+ is unavailable \(HTTP 503\)\. It is not sent again: the server may have posted it\.$/
    ],
    [
      'a 500 with Rocket.Chat JSON',
      { status: 500, body: '{"success":false,"error":"boom"}', contentType: 'application/json' },
      /^The incoming webhook refused the message \(HTTP 500: "boom"\)\.$/
    ]
  ])('explains %s', async (_what, answer, expected) => {
    fake.inject({ route: 'hooks', kind: 'status', ...answer })
    const error = await failureOf(
      post(fake.url + HOOKS.default.path, { text: 'x' }, { retries: 0 })
    )
    expect(error).toBeInstanceOf(WebhookError)
    expect(error.message).toMatch(expected)
  })

  it.each([
    ['8', /does not accept this webhook \(HTTP 500\): its id or token is wrong/],
    ['6', /does not accept this webhook \(HTTP 404: "Invalid integration id or token provided."\)/]
  ])('explains a wrong token on a %s.x server, without showing it', async (version, expected) => {
    const server = await startFakeRocketChat({ version: version as '8' | '6', rateLimit: false })
    try {
      const url = `${server.url}/hooks/${HOOKS.default.id}/wrong-s3cr3t`
      const error = await failureOf(post(url, { text: 'x' }))
      expect(error.message).toMatch(expected)
      expect(error.message).not.toContain('wrong-s3cr3t')
      expect(server.requests).toHaveLength(1)
    } finally {
      await server.close()
    }
  })

  it("explains that the integration's user is not in its private channel", async () => {
    const hook = fake.addIntegration({ userId: SEED.users.bot.id, channel: '#secret-ops' })
    const error = await failureOf(post(fake.url + hook.path, { text: 'x' }))
    expect(error.message).toMatch(
      /refused the message \(HTTP 400: "error-not-allowed"\): the integration's user \(Post as\) may not post in its channel/
    )
  })

  it('waits out a 429 and posts', async () => {
    fake.inject({
      route: 'hooks',
      kind: 'status',
      status: 429,
      headers: { 'X-RateLimit-Reset': String(Date.now() + 200) }
    })
    const from = fake.requests.length
    await post(fake.url + HOOKS.default.path, { text: 'after the limit' })
    expect(hookRequests(from).map((r: { status: number }) => r.status)).toEqual([429, 200])
    expect(lastIn('ci-builds').msg).toBe('after the limit')
    expect(info[0]).toMatch(/Rate limited by the server on the incoming webhook \(HTTP 429\)/)
  })

  it('does not post again what may have arrived', async () => {
    fake.inject({ route: 'hooks', kind: 'reset-after' })
    const before = fake.messagesIn(SEED.rooms['ci-builds'].id).length
    const error = await failureOf(post(fake.url + HOOKS.default.path, { text: 'maybe' }))
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toMatch(
      /closed before the incoming webhook answered\. It is not sent again: the server may have posted it/
    )
    expect(fake.messagesIn(SEED.rooms['ci-builds'].id).length).toBe(before + 1)
  })

  it('does not post again after a proxy error page', async () => {
    fake.inject({ route: 'hooks', kind: 'status', status: 502 })
    const from = fake.requests.length
    const error = await failureOf(post(fake.url + HOOKS.default.path, { text: 'x' }))
    expect(error.message).toMatch(/HTTP 502 with an HTML page \("502 Bad Gateway"\)/)
    expect(hookRequests(from)).toHaveLength(1)
  })

  it('tries again when the server certainly did not get the post', async () => {
    const closed = createServer()
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done))
    const { port } = closed.address() as AddressInfo
    await new Promise((done) => closed.close(done))
    const error = await failureOf(post(`http://127.0.0.1:${port}/hooks/a/b`, { text: 'x' }))
    expect(error.message).toMatch(/Connection refused/)
    expect(info.filter((m) => /Retrying/.test(m))).toHaveLength(2)
  })

  it('refuses a page that is not the webhook', async () => {
    fake.inject({
      route: 'hooks',
      kind: 'status',
      status: 200,
      body: '<html><head><title>Sign in</title></head></html>',
      contentType: 'text/html'
    })
    const error = await failureOf(post(fake.url + HOOKS.default.path, { text: 'x' }))
    expect(error.message).toMatch(
      /answered HTTP 200 without Rocket.Chat's \{"success":true\} \(an HTML page, "Sign in"\): is the webhook URL the incoming webhook URL of the server at 127.0.0.1:\d+\?/
    )
  })

  it('gives up at the deadline', async () => {
    fake.inject({ route: 'hooks', kind: 'hang' })
    const error = await failureOf(
      post(fake.url + HOOKS.default.path, { text: 'x' }, { budgetMs: 300 })
    )
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toMatch(/No answer from the incoming webhook .*It is not sent again/)
    const late = await failureOf(
      post(fake.url + HOOKS.default.path, { text: 'x' }, { budgetMs: 0 })
    )
    expect(late).toBeInstanceOf(DeadlineError)
  })
})
