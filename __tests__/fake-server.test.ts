/**
 * Proves that the fake Rocket.Chat server answers exactly as rocketchat-api.md says the real one
 * does, over real HTTP on loopback. Other suites trust the fake; this suite is why they may.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import https from 'node:https'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { startFakeRocketChat, SEED } from '../test/fake-rocketchat/server.mjs'

// Response bodies are free-form JSON; tests read them by path.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any
type Fake = Awaited<ReturnType<typeof startFakeRocketChat>>
type SeedUser = (typeof SEED.users)[keyof typeof SEED.users]

const { bot, ci, admin, alice, bob } = SEED.users
const ROOM = {
  general: SEED.rooms.general.id,
  ciBuilds: SEED.rooms['ci-builds'].id,
  releases: SEED.rooms.releases.id,
  deploys: SEED.rooms.deploys.id,
  secret: SEED.rooms['secret-ops'].id,
  announcements: SEED.rooms.announcements.id,
  teamQa: SEED.rooms['team-qa'].id,
  archived: SEED.rooms['old-builds'].id
}
const LOGGED_OUT = 'You must be logged in to do this.'
const METEOR_ID = /^[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}$/
const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
const TOO_MANY = (s: number) =>
  `Error, too many requests. Please slow down. You must wait ${s} seconds before trying this endpoint again. [error-too-many-requests]`

interface Res {
  status: number
  headers: Headers
  text: string
  body: Json
}

interface CallOptions {
  as?: SeedUser | null
  json?: unknown
  body?: string | FormData
  headers?: Record<string, string>
}

let fake: Fake

function authHeaders(user: SeedUser | null | undefined): Record<string, string> {
  return user?.token ? { 'X-User-Id': user.id, 'X-Auth-Token': user.token } : {}
}

/** One HTTP exchange with the fake; `as` defaults to the bot, `json` sets Content-Type. */
async function call(method: string, path: string, opts: CallOptions = {}): Promise<Res> {
  const headers: Record<string, string> = { ...authHeaders(opts.as === undefined ? bot : opts.as) }
  let body = opts.body
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.json)
  }
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: { ...headers, ...opts.headers },
    body
  })
  const text = await res.text()
  let parsed: Json
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  return { status: res.status, headers: res.headers, text, body: parsed }
}

const post = (path: string, json: unknown, as?: SeedUser | null) =>
  call('POST', `/api/v1/${path}`, { json, as })
const get = (path: string, as?: SeedUser | null) => call('GET', `/api/v1/${path}`, { as })
const send = (message: Record<string, unknown>, as?: SeedUser | null) =>
  post('chat.sendMessage', { message }, as)

async function start(options: Parameters<typeof startFakeRocketChat>[0] = {}) {
  fake = await startFakeRocketChat(options)
  return fake
}

afterEach(async () => {
  await fake?.close()
})

// ------------------------------------------------------------------------------------------------

describe('seed', () => {
  it('exports Rocket.Chat-like ids, tokens and the documented roles', () => {
    for (const user of Object.values(SEED.users)) expect(user.id).toMatch(METEOR_ID)
    for (const key of ['bot', 'ci', 'admin'] as const) {
      expect(SEED.users[key].token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    }
    expect(bot.roles).toEqual(['bot'])
    expect(ci.roles).toEqual(['user'])
    expect(admin.roles).toEqual(['admin'])
    expect(SEED.rooms.general.id).toBe('GENERAL')
    expect(SEED.rooms['team-qa'].fname).not.toBe(SEED.rooms['team-qa'].name)
    expect(SEED.permissions['message-impersonate']).not.toContain('admin')
    expect(SEED.permissions['api-bypass-rate-limit']).toEqual(
      expect.arrayContaining(['bot', 'admin'])
    )
  })
})

describe('envelope and routing (section 1)', () => {
  beforeEach(() => start())

  it('sends JSON with the exact headers and appends success:true', async () => {
    const res = await get(`rooms.info?roomId=${ROOM.general}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('pragma')).toBe('no-cache')
    expect(Object.keys(res.body).at(-1)).toBe('success')
    expect(res.body.success).toBe(true)
  })

  it('answers unknown routes and wrong methods with a plain-text 404', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/chat.nope'],
      ['GET', '/api/v1/chat.sendMessage'],
      ['POST', '/api/v1/rooms.info'],
      ['GET', '/somewhere']
    ]) {
      const res = await call(method, path)
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
      expect(res.text).toBe('404 Not Found')
    }
  })

  it('answers OPTIONS with OK', async () => {
    const res = await call('OPTIONS', '/api/v1/chat.sendMessage')
    expect(res.status).toBe(200)
    expect(res.text).toBe('OK')
  })

  it('has rooms.upload only on 6.x', async () => {
    expect((await call('POST', `/api/v1/rooms.upload/${ROOM.general}`)).status).toBe(404)
    fake.setVersion('6')
    const form = new FormData()
    form.append('file', new Blob(['log'], { type: 'text/plain' }), 'build.log')
    form.append('msg', 'the log')
    const res = await call('POST', `/api/v1/rooms.upload/${ROOM.general}`, { body: form })
    expect(res.status).toBe(200)
    expect(res.body.message).toMatchObject({
      rid: ROOM.general,
      msg: 'the log',
      file: { name: 'build.log' }
    })
  })
})

describe('authentication (section 2)', () => {
  beforeEach(() => start())

  const bodies = {
    '8': { success: false, error: LOGGED_OUT, status: 'error', message: LOGGED_OUT },
    '6': { status: 'error', message: LOGGED_OUT },
    develop: { success: false, error: LOGGED_OUT }
  } as const

  it.each(Object.entries(bodies))('answers 401 with the %s body', async (version, expected) => {
    fake.setVersion(version as '8' | '6' | 'develop')
    const res = await get('rooms.get', null)
    expect(res.status).toBe(401)
    expect(res.body).toEqual(expected)
    expect(res.headers.get('content-type')).toBe('application/json')
  })

  it('rejects a wrong token, a token of another user and a missing header alike', async () => {
    const cases: Record<string, string>[] = [
      { 'X-User-Id': bot.id, 'X-Auth-Token': 'nope' },
      { 'X-User-Id': ci.id, 'X-Auth-Token': bot.token! },
      { 'X-Auth-Token': bot.token! },
      { 'X-User-Id': bot.id }
    ]
    for (const headers of cases) {
      const res = await call('GET', '/api/v1/rooms.get', { as: null, headers })
      expect(res.status).toBe(401)
      expect(res.body).toEqual(bodies['8'])
    }
  })

  it('rejects a deactivated user and accepts a token added at runtime', async () => {
    fake.addUser({
      username: 'gone',
      roles: ['user'],
      active: false,
      token: 'tok-gone',
      _id: 'GoneUser000000000'
    })
    fake.addUser({ username: 'new', roles: ['user'], token: 'tok-new', _id: 'NewUser0000000000' })
    const off = await call('GET', '/api/v1/rooms.get', {
      as: null,
      headers: { 'X-User-Id': 'GoneUser000000000', 'X-Auth-Token': 'tok-gone' }
    })
    expect(off.status).toBe(401)
    const on = await call('GET', '/api/v1/rooms.get', {
      as: null,
      headers: { 'X-User-Id': 'NewUser0000000000', 'X-Auth-Token': 'tok-new' }
    })
    expect(on.status).toBe(200)
  })

  it('checks auth before validation and does not count 401s against the limiter', async () => {
    const res = await post('chat.sendMessage', {}, null)
    expect(res.status).toBe(401)
    expect(res.headers.get('x-ratelimit-limit')).toBeNull()
    const counted = await post('chat.sendMessage', {}, ci)
    expect(counted.headers.get('x-ratelimit-remaining')).toBe('9')
  })
})

describe('body parsing by Content-Type (section 1.1)', () => {
  beforeEach(() => start())

  it('treats invalid JSON as {} and so reports a validation error', async () => {
    const res = await call('POST', '/api/v1/chat.sendMessage', {
      body: '{"message":',
      headers: { 'Content-Type': 'application/json' }
    })
    expect(res.body).toEqual({
      success: false,
      error: "must have required property 'message' [invalid-params]",
      errorType: 'invalid-params'
    })
  })

  it('spreads a JSON body sent without Content-Type into characters, which fails validation', async () => {
    const res = await call('POST', '/api/v1/chat.sendMessage', {
      body: JSON.stringify({ message: { rid: ROOM.general, msg: 'hi' } })
    })
    expect(res.status).toBe(400)
    expect(res.body.errorType).toBe('invalid-params')
    expect(fake.messages.size).toBe(0)
  })

  it('parses url-encoded forms into strings (coerced by the schema)', async () => {
    const res = await call('POST', '/api/v1/im.create', {
      body: 'username=bob',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }
    })
    expect(res.status).toBe(200)
    expect(res.body.room.usernames).toEqual(['bob', 'ci-bot'])
  })

  it('records each request with its parsed body', async () => {
    await send({ rid: ROOM.general, msg: 'logged' })
    await call('POST', '/api/v1/im.create', {
      body: 'username=bob',
      headers: { 'Content-Type': 'text/plain' }
    })
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/v1/chat.sendMessage',
      body: { message: { rid: ROOM.general, msg: 'logged' } },
      status: 200
    })
    expect(fake.requests[0].headers['x-user-id']).toBe(bot.id)
    expect(fake.requests[1].body).toBe('username=bob')
  })
})

describe('validation messages of the 8.8.1 schemas (sections 1.3 and 11)', () => {
  beforeEach(() => start())

  const invalid: Array<[string, unknown, string]> = [
    ['chat.sendMessage', {}, "must have required property 'message'"],
    [
      'chat.sendMessage',
      { message: { rid: 'GENERAL', msg: 'hi' }, unexpected: true },
      'must NOT have additional properties'
    ],
    [
      'chat.sendMessage',
      { message: { rid: 'GENERAL', msg: 'x', attachments: 'no' } },
      'must be array'
    ],
    ['chat.sendMessage', { message: 'str' }, 'must be object'],
    ['chat.sendMessage', { message: null }, 'must be object'],
    ['chat.sendMessage', { message: [] }, 'must be object'],
    [
      'chat.sendMessage',
      { message: { rid: 'GENERAL', msg: 'x' }, previewUrls: 'a' },
      'must be array'
    ],
    ['chat.sendMessage', { message: { rid: 'r', tshow: 'yes' } }, 'must be boolean'],
    [
      'chat.postMessage',
      {},
      "must have required property 'roomId'\n must have required property 'channel'\n must match exactly one schema in oneOf"
    ],
    [
      'chat.postMessage',
      { text: 'x' },
      "must have required property 'roomId'\n must have required property 'channel'\n must match exactly one schema in oneOf"
    ],
    [
      'chat.postMessage',
      { roomId: 'GENERAL', channel: '#general', text: 'x' },
      'must NOT have additional properties\n must NOT have additional properties\n must match exactly one schema in oneOf'
    ],
    [
      'chat.postMessage',
      { roomId: 'GENERAL', text: 'x', msg: 'y' },
      "must NOT have additional properties\n must have required property 'channel'\n must match exactly one schema in oneOf"
    ],
    [
      'chat.postMessage',
      { roomId: 'GENERAL', text: 'x', groupable: false },
      "must NOT have additional properties\n must have required property 'channel'\n must match exactly one schema in oneOf"
    ],
    [
      'chat.postMessage',
      { channel: '#a', text: 'x', tmid: 'abc' },
      "must have required property 'roomId'\n must NOT have additional properties\n must match exactly one schema in oneOf"
    ],
    [
      'chat.update',
      { roomId: 'r', msgId: 'm' },
      "must have required property 'text'\n must have required property 'content'\n must match exactly one schema in oneOf"
    ],
    [
      'chat.update',
      { roomId: 'r', msgId: 'm', text: 't', attachments: [] },
      "must NOT have additional properties\n must have required property 'content'\n must match exactly one schema in oneOf"
    ],
    [
      'chat.react',
      { messageId: 'm' },
      "must have required property 'emoji'\n must have required property 'reaction'\n must match exactly one schema in oneOf"
    ],
    [
      'im.create',
      {},
      "must have required property 'usernames'\n must have required property 'username'\n must match exactly one schema in oneOf"
    ],
    [
      'im.create',
      { username: 'bob', usernames: 'x' },
      'must NOT have additional properties\n must NOT have additional properties\n must match exactly one schema in oneOf'
    ]
  ]

  it.each(invalid)('%s %j → %j [invalid-params]', async (route, body, messages) => {
    const res = await post(route, body)
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      success: false,
      error: `${messages} [invalid-params]`,
      errorType: 'invalid-params'
    })
  })

  it.each([
    ['chat.getMessage', "must have required property 'msgId'"],
    ['chat.getMessage?msgId=', 'must NOT have fewer than 1 characters']
  ])('GET %s → %s', async (path, messages) => {
    const res = await get(path)
    expect(res.body).toEqual({
      success: false,
      error: `${messages} [invalid-params]`,
      errorType: 'invalid-params'
    })
  })

  it('accepts the valid rows and lets the server logic decide', async () => {
    expect((await send({ msg: 'hi' })).body.error).toBe(
      "The 'rid' property on the message object is missing."
    )
    const coerced = await send({ rid: ROOM.general, msg: 123 })
    expect(coerced.body.message.msg).toBe('123')
    const extra = await send({ rid: ROOM.general, msg: 'x', parseUrls: false, foo: 1 })
    expect(extra.status).toBe(200)
    expect(fake.messages.get(extra.body.message._id)).toMatchObject({ parseUrls: false, foo: 1 })
    expect((await post('chat.postMessage', { channel: '#general', text: 'x' })).status).toBe(200)
    expect(
      (await post('chat.postMessage', { channel: ['#general', '@bob'], text: 'x' })).status
    ).toBe(200)
  })

  it('uses the 6.13.1 schemas on version 6 (no tmid on postMessage)', async () => {
    const roomTmid = { roomId: ROOM.general, text: 'x', tmid: 'abc' }
    expect((await post('chat.postMessage', roomTmid)).status).toBe(200)
    fake.setVersion('6')
    const res = await post('chat.postMessage', roomTmid)
    expect(res.body.error).toBe(
      "must NOT have additional properties\n must have required property 'channel'\n must match exactly one schema in oneOf [invalid-params]"
    )
  })

  it('uses the typed-route shapes on develop (no suffix; query errors are error-invalid-params)', async () => {
    fake.setVersion('develop')
    expect((await post('chat.sendMessage', {})).body).toEqual({
      success: false,
      errorType: 'invalid-params',
      error: "must have required property 'message'"
    })
    expect((await get('chat.getMessage')).body).toEqual({
      success: false,
      errorType: 'error-invalid-params',
      error: "must have required property 'msgId'"
    })
    // im.create stays a legacy route in develop.
    expect((await post('im.create', {})).body.error).toMatch(/ \[invalid-params\]$/)
  })
})

describe('chat.sendMessage (section 3)', () => {
  beforeEach(() => start({ rateLimit: false }))

  it('stores and returns the message with the server-added fields', async () => {
    const before = Date.now()
    const res = await send({
      _id: 'gh-123456-1',
      rid: ROOM.general,
      msg: 'Build *passed*',
      emoji: ':robot:'
    })
    expect(res.status).toBe(200)
    const m = res.body.message
    expect(m).toMatchObject({
      _id: 'gh-123456-1',
      rid: ROOM.general,
      msg: 'Build *passed*',
      emoji: ':robot:',
      u: { _id: bot.id, username: bot.username, name: bot.name },
      urls: [],
      mentions: [],
      channels: [],
      md: [{ type: 'PARAGRAPH', value: [{ type: 'PLAIN_TEXT', value: 'Build *passed*' }] }]
    })
    expect(m.ts).toMatch(ISO_DATE)
    expect(m._updatedAt).toMatch(ISO_DATE)
    expect(Date.parse(m.ts)).toBeGreaterThanOrEqual(before - 5)
    expect(m).not.toHaveProperty('tshow')
    expect(fake.messages.get('gh-123456-1')).toEqual(m)
    expect(fake.messagesIn(ROOM.general)).toEqual([m])
  })

  it('generates a 17-char Meteor id when none is given', async () => {
    const res = await send({ rid: ROOM.general, msg: 'x' })
    expect(res.body.message._id).toMatch(METEOR_ID)
  })

  it('refuses a duplicate _id with the starred TypeError and changes nothing', async () => {
    await send({ _id: 'dup-1', rid: ROOM.general, msg: 'first' })
    const again = await send({ _id: 'dup-1', rid: ROOM.releases, msg: 'second' })
    expect(again.status).toBe(400)
    expect(again.body).toEqual({
      success: false,
      error: "Cannot read properties of undefined (reading 'starred')"
    })
    expect(fake.messages.size).toBe(1)
    expect(fake.messages.get('dup-1')?.msg).toBe('first')
    expect(fake.messagesIn(ROOM.releases)).toEqual([])
    fake.setVersion('6')
    expect((await send({ _id: 'dup-1', rid: ROOM.general, msg: 'x' })).body.error).toBe(
      "Cannot read property 'starred' of undefined"
    )
  })

  it('finds, mentions, channels and URLs', async () => {
    const res = await send({
      rid: ROOM.general,
      msg: 'hey @alice see #releases at https://ci.example/run/1 @nobody'
    })
    const m = res.body.message
    expect(m.mentions).toEqual([
      { _id: alice.id, username: 'alice', name: alice.name, type: 'user' }
    ])
    expect(m.channels).toEqual([{ _id: ROOM.releases, name: 'releases' }])
    expect(m.urls).toEqual([{ url: 'https://ci.example/run/1' }])
    const noPreview = await post('chat.sendMessage', {
      message: { rid: ROOM.general, msg: 'https://a.example' },
      previewUrls: []
    })
    expect(noPreview.body.message.urls).toEqual([{ url: 'https://a.example', ignoreParse: true }])
  })

  it('refuses system message types with a plain Error', async () => {
    const res = await send({ rid: ROOM.general, msg: 'x', t: 'uj' })
    expect(res.body).toEqual({
      success: false,
      error: "Cannot send system messages using 'chat.sendMessage'"
    })
  })

  it('refuses tshow without tmid, with errorType and details', async () => {
    const res = await send({ rid: ROOM.general, msg: 'x', tshow: true })
    expect(res.body).toEqual({
      success: false,
      error: 'tshow provided but missing tmid [invalid-params]',
      errorType: 'invalid-params',
      details: { method: 'sendMessage' }
    })
  })

  it('refuses tmid when threads are disabled', async () => {
    fake.setSetting('Threads_enabled', false)
    const res = await send({ rid: ROOM.general, msg: 'x', tmid: 'abc' })
    expect(res.body).toMatchObject({
      error: 'not-allowed [error-not-allowed]',
      errorType: 'error-not-allowed'
    })
  })

  it('checks a client ts: >60 s is an error, >10 s is replaced, else kept', async () => {
    const far = await send({
      rid: ROOM.general,
      msg: 'x',
      ts: new Date(Date.now() - 120_000).toISOString()
    })
    expect(far.body).toMatchObject({
      error: 'Message timestamp is out of sync [error-message-ts-out-of-sync]',
      errorType: 'error-message-ts-out-of-sync',
      details: { method: 'sendMessage' }
    })
    const late = new Date(Date.now() - 30_000).toISOString()
    const replaced = await send({ rid: ROOM.general, msg: 'x', ts: late })
    expect(replaced.body.message.ts).not.toBe(late)
    expect(Math.abs(Date.parse(replaced.body.message.ts) - Date.now())).toBeLessThan(5_000)
    const close = new Date(Date.now() - 5_000).toISOString()
    expect((await send({ rid: ROOM.general, msg: 'x', ts: close })).body.message.ts).toBe(close)
  })

  it('counts the size limit in UTF-16 code units', async () => {
    const emoji = '😀'.repeat(2500) // 5000 code units
    expect((await send({ rid: ROOM.general, msg: emoji })).status).toBe(200)
    const res = await send({ rid: ROOM.general, msg: `${emoji}a` })
    expect(res.body).toEqual({
      success: false,
      error: 'Message size exceeds Message_MaxAllowedSize [error-message-size-exceeded]',
      errorType: 'error-message-size-exceeded',
      details: { method: 'sendMessage' }
    })
    fake.setSetting('Message_MaxAllowedSize', 10)
    expect((await send({ rid: ROOM.general, msg: '12345678901' })).status).toBe(400)
    expect((await send({ rid: ROOM.general, msg: '1234567890' })).status).toBe(200)
  })

  it('accepts an empty message on 8.x and refuses it on develop', async () => {
    expect((await send({ rid: ROOM.general, msg: '' })).status).toBe(200)
    fake.setVersion('develop')
    expect((await send({ rid: ROOM.general, msg: '  ' })).body).toMatchObject({
      error: 'Message cannot be empty [error-invalid-message]',
      errorType: 'error-invalid-message'
    })
  })

  it.each([
    ['an unknown room', { rid: 'NoSuchRoom0000000' }, 'error-invalid-room'],
    ['a private room the bot is not in', { rid: ROOM.secret }, 'error-not-allowed'],
    [
      'a read-only room without post-readonly',
      { rid: ROOM.announcements },
      "You can't send messages because the room is readonly."
    ]
  ])('refuses %s with a plain Error', async (_case, message, error) => {
    const res = await send({ msg: 'x', ...message })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ success: false, error })
  })

  it('lets admin post in a read-only room, and posts to a public room without joining it', async () => {
    expect((await send({ rid: ROOM.announcements, msg: 'x' }, admin)).status).toBe(200)
    expect(fake.isSubscribed(ROOM.releases, ci.id)).toBe(false)
    expect((await send({ rid: ROOM.releases, msg: 'x' }, ci)).status).toBe(200)
    expect(fake.isSubscribed(ROOM.releases, ci.id)).toBe(false)
  })

  it('refuses muted users, blocked DMs and unencrypted messages in E2E rooms', async () => {
    const muted = fake.addRoom({ t: 'c', name: 'muted', muted: ['ci-bot'], members: [bot.id] })
    expect((await send({ rid: muted._id, msg: 'x' })).body).toEqual({
      success: false,
      error: 'You_have_been_muted'
    })
    const blocked = fake.addRoom({
      t: 'd',
      usernames: ['bob', 'ci-bot'],
      uids: [bot.id, bob.id],
      blocked: true,
      members: [bot.id, bob.id]
    })
    expect((await send({ rid: blocked._id, msg: 'x' })).body).toEqual({
      success: false,
      error: 'room_is_blocked'
    })
    const e2e = fake.addRoom({ t: 'p', name: 'e2e', encrypted: true, members: [bot.id] })
    expect((await send({ rid: e2e._id, msg: 'x' })).body).toMatchObject({
      error: 'Not allowed to send un-encrypted messages in an encrypted room [error-not-allowed]',
      errorType: 'error-not-allowed'
    })
  })

  it('requires message-impersonate for alias and avatar, not for emoji', async () => {
    for (const user of [ci, admin]) {
      expect((await send({ rid: ROOM.general, msg: 'x', alias: 'Deployer' }, user)).body).toEqual({
        success: false,
        error: 'Not enough permission'
      })
      expect(
        (await send({ rid: ROOM.general, msg: 'x', avatar: 'https://a/x.png' }, user)).body.error
      ).toBe('Not enough permission')
      expect((await send({ rid: ROOM.general, msg: 'x', emoji: ':ghost:' }, user)).status).toBe(200)
    }
    const res = await send({ rid: ROOM.general, msg: 'x', alias: 'Deployer', avatar: '/avatar/x' })
    expect(res.body.message).toMatchObject({ alias: 'Deployer', avatar: '/avatar/x' })
    expect(
      (await send({ rid: ROOM.general, msg: 'x', avatar: 'javascript:alert(1)' })).body.error
    ).toBe('Invalid href value provided')
  })

  it.each([
    [{ image_url: '/images/x.png' }, 'Invalid href value provided'],
    [{ title_link: 'javascript:alert(1)' }, 'Invalid href value provided'],
    [{ author_icon: 'ftp://x/y.png' }, 'Invalid href value provided'],
    [{ actions: [{ type: 'button', url: 'relative/path' }] }, 'Invalid href value provided'],
    [
      { fields: [{ title: 'Branch', value: '' }] },
      'Invalid attachment field, title and value is required'
    ],
    [{ fields: [{ value: 'main' }] }, 'Invalid attachment field, title and value is required'],
    [
      { message_link: 42 },
      'Match error: Match error: Expected string, got number in field message_link'
    ],
    [
      { collapsed: 'yes' },
      'Match error: Match error: Expected boolean, got string in field collapsed'
    ]
  ])('refuses attachment %j', async (attachment, error) => {
    const res = await send({ rid: ROOM.general, msg: 'x', attachments: [attachment] })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ success: false, error })
  })

  it('accepts absolute, data: and /file-upload/ URLs and truthy fields', async () => {
    const attachments = [
      {
        title: 'Build',
        title_link: 'https://ci.example/1',
        image_url: '/file-upload/abc/x.png',
        thumb_url: 'data:image/png;base64,AAAA',
        color: '#00ff00',
        fields: [
          { short: true, title: 'Branch', value: 'main' },
          { title: 'Run', value: 7 }
        ],
        custom_key: 'passes through'
      }
    ]
    const res = await send({ rid: ROOM.general, msg: 'x', attachments })
    expect(res.status).toBe(200)
    expect(res.body.message.attachments).toEqual(attachments)
  })

  it('refuses customFields unless enabled', async () => {
    expect((await send({ rid: ROOM.general, msg: 'x', customFields: { a: 1 } })).body).toEqual({
      success: false,
      error: 'Custom fields not enabled'
    })
    fake.setSetting('Message_CustomFields_Enabled', true)
    expect(
      (await send({ rid: ROOM.general, msg: 'x', customFields: { a: 1 } })).body.message
        .customFields
    ).toEqual({ a: 1 })
  })

  it('normalises thread replies to the root and takes the room from the parent', async () => {
    const root = (await send({ rid: ROOM.general, msg: 'root' })).body.message
    const reply = (await send({ rid: ROOM.releases, msg: 'r1', tmid: root._id })).body.message
    expect(reply).toMatchObject({ rid: ROOM.general, tmid: root._id })
    const nested = (await send({ rid: ROOM.general, msg: 'r2', tmid: reply._id, tshow: true })).body
      .message
    expect(nested).toMatchObject({ tmid: root._id, tshow: true })
    expect(fake.messages.get(root._id)).toMatchObject({ tcount: 2, replies: [bot.id] })
    const orphan = (await send({ rid: ROOM.general, msg: 'o', tmid: 'UnknownParent0000' })).body
      .message
    expect(orphan).toMatchObject({ rid: ROOM.general, tmid: 'UnknownParent0000' })
  })
})

describe('chat.postMessage (section 4)', () => {
  beforeEach(() => start({ rateLimit: false }))

  it('builds the documented message and echoes the channel verbatim', async () => {
    const before = Date.now()
    const res = await post('chat.postMessage', { channel: '#general', text: '  Deploy finished  ' })
    expect(res.status).toBe(200)
    expect(res.body.channel).toBe('#general')
    expect(typeof res.body.ts).toBe('number')
    expect(res.body.ts).toBeGreaterThanOrEqual(before)
    expect(res.body.message).toMatchObject({
      alias: '',
      msg: 'Deploy finished',
      attachments: [],
      parseUrls: true,
      groupable: false,
      rid: ROOM.general,
      u: { _id: bot.id, username: bot.username }
    })
    expect(res.body.message._id).toMatch(METEOR_ID)
    expect(Object.keys(res.body)).toEqual(['ts', 'channel', 'message', 'success'])
  })

  it('sets parseUrls false with attachments and moves attachment msg to text', async () => {
    const res = await post('chat.postMessage', {
      roomId: ROOM.general,
      attachments: [{ msg: ' body ' }]
    })
    expect(res.body.message).toMatchObject({ parseUrls: false, attachments: [{ text: 'body' }] })
    expect(res.body.channel).toBe(ROOM.general)
  })

  it('checks size on text and attachment text with a bare error string', async () => {
    const long = 'x'.repeat(5001)
    for (const body of [
      { channel: '#general', text: long },
      { channel: '#general', attachments: [{ text: long }] }
    ]) {
      const res = await post('chat.postMessage', body)
      expect(res.body).toEqual({ success: false, error: 'error-message-size-exceeded' })
    }
  })

  it('resolves names, ids, #name and @user; unknown targets are invalid-channel', async () => {
    expect(
      (await post('chat.postMessage', { roomId: 'releases', text: 'x' })).body.message.rid
    ).toBe(ROOM.releases)
    expect(
      (await post('chat.postMessage', { channel: ROOM.releases, text: 'x' })).body.message.rid
    ).toBe(ROOM.releases)
    const dm = await post('chat.postMessage', { channel: '@bob', text: 'hi' })
    expect(dm.body.message.rid).toBe([bot.id, bob.id].sort().join(''))
    expect(fake.rooms.get(dm.body.message.rid)).toMatchObject({
      t: 'd',
      usernames: ['bob', 'ci-bot']
    })
    const byUserId = await post('chat.postMessage', { roomId: alice.id, text: 'hi' })
    expect(byUserId.body.message.rid).toBe([bot.id, alice.id].sort().join(''))
    for (const target of ['#nope', '@nobody', 'nope']) {
      expect((await post('chat.postMessage', { channel: target, text: 'x' })).body).toEqual({
        success: false,
        error: '[invalid-channel]',
        errorType: 'invalid-channel'
      })
    }
  })

  it('joins public channels, but not private ones', async () => {
    expect((await post('chat.postMessage', { channel: '#releases', text: 'x' }, ci)).status).toBe(
      200
    )
    expect(fake.isSubscribed(ROOM.releases, ci.id)).toBe(true)
    const res = await post('chat.postMessage', { channel: '#secret-ops', text: 'x' })
    expect(res.body).toEqual({ success: false, error: 'error-not-allowed' })
    expect(fake.isSubscribed(ROOM.secret, bot.id)).toBe(false)
  })

  it('delivers arrays target by target on 8.x and all-or-nothing on develop', async () => {
    const body = { channel: ['#general', '#secret-ops'], text: 'x' }
    expect((await post('chat.postMessage', body)).body.error).toBe('error-not-allowed')
    expect(fake.messagesIn(ROOM.general)).toHaveLength(1)
    fake.setVersion('develop')
    expect((await post('chat.postMessage', body)).body.error).toBe('error-not-allowed')
    expect(fake.messagesIn(ROOM.general)).toHaveLength(1)
  })

  it('requires impersonation for alias', async () => {
    expect(
      (await post('chat.postMessage', { channel: '#general', text: 'x', alias: 'A' }, ci)).body
    ).toEqual({
      success: false,
      error: 'Not enough permission'
    })
  })
})

describe('chat.update, chat.getMessage, chat.react (section 6)', () => {
  let mine: Json
  beforeEach(async () => {
    await start({ rateLimit: false })
    mine = (await send({ rid: ROOM.general, msg: 'v1 https://a.example' })).body.message
  })

  it('edits text and records who edited', async () => {
    const res = await post('chat.update', { roomId: ROOM.general, msgId: mine._id, text: 'v2' })
    expect(res.status).toBe(200)
    expect(res.body.message).toMatchObject({
      _id: mine._id,
      msg: 'v2',
      editedBy: { _id: bot.id, username: bot.username }
    })
    expect(res.body.message.editedAt).toMatch(ISO_DATE)
    expect(res.body.message.urls).toEqual([])
    expect(fake.messages.get(mine._id)?.msg).toBe('v2')
  })

  it('returns the documented update errors', async () => {
    expect(
      (await post('chat.update', { roomId: ROOM.general, msgId: 'nope', text: 'x' })).body
    ).toEqual({
      success: false,
      error: 'No message found with the id of "nope".'
    })
    expect(
      (await post('chat.update', { roomId: ROOM.releases, msgId: mine._id, text: 'x' })).body
    ).toEqual({
      success: false,
      error: 'The room id provided does not match where the message is from.'
    })
    expect(
      (await post('chat.update', { roomId: ROOM.general, msgId: mine._id, text: 'x' }, ci)).body
    ).toEqual({
      success: false,
      error: 'Message editing not allowed [error-action-not-allowed]',
      errorType: 'error-action-not-allowed',
      details: { method: 'updateMessage', action: 'Message_editing' }
    })
    expect(
      (await post('chat.update', { roomId: ROOM.general, msgId: mine._id, text: 'x' }, admin))
        .status
    ).toBe(200)
    expect(
      (await post('chat.update', { roomId: ROOM.general, msgId: mine._id, text: '' })).status
    ).toBe(400)
  })

  it('fetches a message, {success:false} when missing, not-allowed without access', async () => {
    expect((await get(`chat.getMessage?msgId=${mine._id}`)).body).toEqual({
      message: mine,
      success: true
    })
    const missing = await get('chat.getMessage?msgId=nope')
    expect(missing.status).toBe(400)
    expect(missing.body).toEqual({ success: false })
    const hidden = (await send({ rid: ROOM.secret, msg: 'psst' }, admin)).body.message
    expect((await get(`chat.getMessage?msgId=${hidden._id}`)).body).toEqual({
      success: false,
      error: 'Not allowed [error-not-allowed]',
      errorType: 'error-not-allowed',
      details: { method: 'getSingleMessage' }
    })
  })

  it('stores reactions as {":emoji:": {usernames}} and toggles them', async () => {
    expect((await post('chat.react', { messageId: mine._id, emoji: 'smile' })).body).toEqual({
      success: true
    })
    await post('chat.react', { messageId: mine._id, reaction: ':smile:' }, ci)
    expect(fake.messages.get(mine._id)?.reactions).toEqual({
      ':smile:': { usernames: ['ci-bot', 'ci'] }
    })
    await post('chat.react', { messageId: mine._id, emoji: ':smile:' }) // toggle off
    await post('chat.react', { messageId: mine._id, emoji: 'smile', shouldReact: true }, ci) // already there
    expect(fake.messages.get(mine._id)?.reactions).toEqual({ ':smile:': { usernames: ['ci'] } })
    await post('chat.react', { messageId: mine._id, emoji: 'smile', shouldReact: false }, ci)
    expect(fake.messages.get(mine._id)).not.toHaveProperty('reactions')
  })

  it('returns the documented react errors', async () => {
    expect((await post('chat.react', { messageId: 'nope', emoji: 'smile' })).body).toMatchObject({
      error:
        'The provided "messageId" does not match any existing message. [error-message-not-found]',
      errorType: 'error-message-not-found'
    })
    expect((await post('chat.react', { messageId: mine._id, emoji: 'not_an_emoji' })).body).toEqual(
      {
        success: false,
        error: 'Invalid emoji provided. [error-not-allowed]',
        errorType: 'error-not-allowed',
        details: { method: 'setReaction' }
      }
    )
    const hidden = (await send({ rid: ROOM.secret, msg: 'psst' }, admin)).body.message
    expect(
      (await post('chat.react', { messageId: hidden._id, emoji: 'smile' })).body
    ).toMatchObject({
      error: 'Not Authorized [not-authorized]'
    })
  })
})

describe('rooms and DMs (section 5)', () => {
  beforeEach(() => start({ rateLimit: false }))

  it('rooms.info finds by id or exact name, never by fname', async () => {
    expect((await get(`rooms.info?roomId=${ROOM.teamQa}`)).body.room).toMatchObject({
      name: 'team-qa',
      fname: 'Team QA',
      t: 'c'
    })
    expect((await get('rooms.info?roomName=team-qa')).body.room._id).toBe(ROOM.teamQa)
    const byFname = await get('rooms.info?roomName=Team%20QA')
    expect(byFname.body).toEqual({
      success: false,
      error:
        'The required "roomId" or "roomName" param provided does not match any channel [error-room-not-found]',
      errorType: 'error-room-not-found'
    })
  })

  it('rooms.info error shapes', async () => {
    expect((await get('rooms.info')).body).toEqual({
      success: false,
      error: 'The parameter "roomId" or "roomName" is required [error-roomid-param-not-provided]',
      errorType: 'error-roomid-param-not-provided'
    })
    expect((await get('rooms.info?roomName=secret-ops')).body).toEqual({
      success: false,
      error: 'not-allowed',
      errorType: 'Not Allowed'
    })
    expect((await get('rooms.info?roomName=old-builds')).body).toMatchObject({
      error: 'The channel, old-builds, is archived [error-room-archived]',
      errorType: 'error-room-archived'
    })
    fake.setVersion('develop')
    expect((await get('rooms.info?roomName=old-builds')).body.room.archived).toBe(true)
  })

  it('rooms.get lists every subscribed room and filters by updatedSince', async () => {
    const all = await get('rooms.get')
    const ids = all.body.update.map((r: Json) => r._id)
    const expected = Object.values(SEED.rooms).filter((r) =>
      (r.members as string[]).includes('bot')
    )
    expect(ids.sort()).toEqual(expected.map((r) => r.id).sort())
    expect(ids.length).toBeGreaterThanOrEqual(35)
    expect(ids).not.toContain(ROOM.secret)
    expect(all.body.remove).toEqual([])
    const since = new Date().toISOString()
    await new Promise((r) => setTimeout(r, 5))
    await send({ rid: ROOM.releases, msg: 'bump' })
    fake.removeRoom(ROOM.teamQa)
    const changed = await get(`rooms.get?updatedSince=${since}`)
    expect(changed.body.update.map((r: Json) => r._id)).toEqual([ROOM.releases])
    expect(changed.body.update[0].lastMessage.msg).toBe('bump')
    expect(changed.body.remove).toEqual([
      { _id: ROOM.teamQa, _deletedAt: expect.stringMatching(ISO_DATE) }
    ])
    expect((await get('rooms.get?updatedSince=yesterday')).body).toEqual({
      success: false,
      error:
        'The "updatedSince" query parameter must be a valid date. [error-updatedSince-param-invalid]',
      errorType: 'error-updatedSince-param-invalid'
    })
  })

  it('im.create returns the minimal room, is idempotent and uses sorted ids', async () => {
    const rid = [bot.id, bob.id].sort().join('')
    const first = await post('im.create', { username: 'bob' })
    expect(first.body).toEqual({
      room: { t: 'd', rid, usernames: ['bob', 'ci-bot'], _id: rid },
      success: true
    })
    expect((await post('im.create', { username: 'bob' })).body).toEqual(first.body)
    expect(fake.isSubscribed(rid, bob.id)).toBe(true)
    expect((await send({ rid, msg: 'hi bob' })).status).toBe(200)
    expect(fake.messagesIn(rid).map((m: Json) => m.msg)).toEqual(['hi bob'])
  })

  it('im.create group DMs get a random id; unknown users are error-invalid-user', async () => {
    const group = await post('im.create', { usernames: 'bob,alice' })
    expect(group.body.room._id).toMatch(METEOR_ID)
    expect(group.body.room.usernames).toEqual(['alice', 'bob', 'ci-bot'])
    expect((await post('im.create', { username: 'nobody' })).body).toEqual({
      success: false,
      error: 'Invalid user [error-invalid-user]',
      errorType: 'error-invalid-user',
      details: { method: 'createDirectMessage' }
    })
  })

  it('a DM the bot is not in is not allowed', async () => {
    const rid = [alice.id, bob.id].sort().join('')
    fake.addRoom({
      _id: rid,
      t: 'd',
      usernames: ['alice', 'bob'],
      uids: [alice.id, bob.id].sort(),
      members: [alice.id, bob.id]
    })
    expect((await send({ rid, msg: 'x' })).body).toEqual({
      success: false,
      error: 'error-not-allowed'
    })
  })
})

describe('settings.public and /api/info (sections 8.1, 14)', () => {
  beforeEach(() => start())

  it('settings.public needs no auth and filters by _id', async () => {
    const res = await get('settings.public?_id=Message_MaxAllowedSize', null)
    expect(res.body).toEqual({
      settings: [{ _id: 'Message_MaxAllowedSize', value: 5000 }],
      count: 1,
      offset: 0,
      total: 1,
      success: true
    })
    fake.setSetting('Message_MaxAllowedSize', 1234)
    const two = await get('settings.public?_id=Message_MaxAllowedSize,Threads_enabled', null)
    expect(two.body.settings).toEqual([
      { _id: 'Message_MaxAllowedSize', value: 1234 },
      { _id: 'Threads_enabled', value: true }
    ])
  })

  it('settings.public uses ?query= on 6.x', async () => {
    fake.setVersion('6')
    const q = encodeURIComponent(JSON.stringify({ _id: 'Threads_enabled' }))
    expect((await get(`settings.public?query=${q}`, null)).body.settings).toEqual([
      { _id: 'Threads_enabled', value: true }
    ])
    expect((await get('settings.public?_id=Threads_enabled', null)).body.count).toBeGreaterThan(1)
  })

  it.each([
    ['8', '8.8'],
    ['6', '6.13'],
    ['develop', '8.9']
  ])('/api/info on %s says %s, the full version only for admins', async (version, short) => {
    fake.setVersion(version as '8')
    const anon = await call('GET', '/api/info', { as: null })
    expect(anon.body).toEqual({
      version: short,
      minimumClientVersions: expect.any(Object),
      success: true
    })
    expect(anon.headers.get('x-ratelimit-limit')).toBeNull()
    const full = await call('GET', '/api/info', { as: admin })
    expect(full.body.version.startsWith(`${short}.`)).toBe(true)
    expect(full.body.info.version).toBe(full.body.version)
    expect((await call('GET', '/api/info', { as: bot })).body.version).toBe(short)
  })
})

describe('rate limiting (section 7)', () => {
  it('allows 10 calls per route and IP, then 429 without errorType or Retry-After', async () => {
    await start()
    const t0 = Date.now()
    const remaining: string[] = []
    let reset = ''
    for (let i = 0; i < 10; i++) {
      const res = await get(`rooms.info?roomId=${ROOM.general}`, ci)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-ratelimit-limit')).toBe('10')
      remaining.push(res.headers.get('x-ratelimit-remaining')!)
      reset ||= res.headers.get('x-ratelimit-reset')!
      expect(res.headers.get('x-ratelimit-reset')).toBe(reset)
    }
    expect(remaining).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0'])
    expect(Number(reset)).toBeGreaterThan(t0 + 50_000) // epoch milliseconds, about a minute away
    expect(Number(reset)).toBeLessThanOrEqual(Date.now() + 60_000)
    const limited = await get(`rooms.info?roomId=${ROOM.general}`, ci)
    expect(limited.status).toBe(429)
    expect(limited.body).toEqual({
      success: false,
      error: TOO_MANY(Math.ceil((Number(reset) - Date.now()) / 1000))
    })
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(limited.headers.get('x-ratelimit-reset')).toBe(reset)
    expect(limited.headers.get('retry-after')).toBeNull()
    // Another route has its own counter.
    expect((await get('rooms.get', ci)).headers.get('x-ratelimit-remaining')).toBe('9')
  })

  it('counts calls that fail validation, and stays limited for the rest of the window', async () => {
    await start({ rateLimit: { limit: 2, intervalMs: 60_000 } })
    expect((await post('chat.sendMessage', {}, ci)).status).toBe(400)
    expect((await post('chat.sendMessage', {}, ci)).status).toBe(400)
    expect((await post('chat.sendMessage', {}, ci)).status).toBe(429)
    expect((await send({ rid: ROOM.general, msg: 'x' }, ci)).status).toBe(429)
    expect(fake.messages.size).toBe(0)
  })

  it('never limits users with api-bypass-rate-limit, and sends them no headers', async () => {
    await start({ rateLimit: { limit: 1, intervalMs: 60_000 } })
    for (const user of [bot, admin, bot, admin]) {
      const res = await get('rooms.get', user)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-ratelimit-limit')).toBeNull()
    }
  })

  it('anchors the window on the route rule, so a late first call gets a short window', async () => {
    await start({ rateLimit: { limit: 1, intervalMs: 1_000 } })
    await new Promise((r) => setTimeout(r, 600))
    const first = await get('rooms.get', ci)
    const reset = Number(first.headers.get('x-ratelimit-reset'))
    expect(reset - Date.now()).toBeLessThan(500)
    expect((await get('rooms.get', ci)).status).toBe(429)
    await new Promise((r) => setTimeout(r, Math.max(0, reset - Date.now()) + 50))
    const after = await get('rooms.get', ci)
    expect(after.status).toBe(200)
    expect(after.headers.get('x-ratelimit-remaining')).toBe('0')
  })

  it('resets all counters on resetRateLimits() and can be switched off', async () => {
    await start({ rateLimit: { limit: 1, intervalMs: 60_000 } })
    await get('rooms.get', ci)
    expect((await get('rooms.get', ci)).status).toBe(429)
    fake.resetRateLimits()
    expect((await get('rooms.get', ci)).status).toBe(200)
    fake.setSetting('API_Enable_Rate_Limiter', false)
    const res = await get('rooms.get', ci)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-ratelimit-limit')).toBeNull()
  })

  it('limits chat.sendMessage to 5 per second on develop, bypassed by send-many-messages', async () => {
    await start({ version: 'develop' })
    const statuses = []
    for (let i = 0; i < 6; i++)
      statuses.push((await send({ rid: ROOM.general, msg: `m${i}` }, ci)).status)
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429])
    // Typed route: invalid bodies are refused before the limiter and do not count.
    fake.resetRateLimits()
    for (let i = 0; i < 6; i++) expect((await post('chat.sendMessage', {}, ci)).status).toBe(400)
    expect(
      (await send({ rid: ROOM.general, msg: 'ok' }, ci)).headers.get('x-ratelimit-limit')
    ).toBe('5')
    for (let i = 0; i < 6; i++)
      expect((await send({ rid: ROOM.general, msg: 'b' })).status).toBe(200)
  })
})

describe('uploads (section 6.5)', () => {
  beforeEach(() => start({ rateLimit: false }))

  async function upload(rid: string, as: SeedUser = bot, withFile = true) {
    const form = new FormData()
    if (withFile)
      form.append(
        'file',
        new Blob([new Uint8Array([1, 2, 3, 4])], { type: 'image/png' }),
        'shot.png'
      )
    return call('POST', `/api/v1/rooms.media/${rid}`, { body: form, as })
  }

  it('rooms.media stores a temporary upload and returns its id and url', async () => {
    const res = await upload(ROOM.general)
    expect(res.status).toBe(200)
    expect(res.body.file._id).toMatch(/^[0-9a-f]{24}$/)
    expect(res.body.file.url).toBe(`/file-upload/${res.body.file._id}/shot.png`)
    const stored = fake.uploads.get(res.body.file._id)
    expect(stored).toMatchObject({ name: 'shot.png', type: 'image/png', size: 4, confirmed: false })
    expect([...stored!.content]).toEqual([1, 2, 3, 4])
    expect(fake.messages.size).toBe(0)
  })

  it('rooms.media errors: no access 403, no file', async () => {
    expect((await upload(ROOM.secret)).status).toBe(403)
    expect((await upload(ROOM.secret)).body).toEqual({ success: false, error: 'unauthorized' })
    expect((await upload(ROOM.general, bot, false)).body).toEqual({
      success: false,
      error: 'No file was uploaded [error-no-file-uploaded]',
      errorType: 'error-no-file-uploaded'
    })
  })

  it('rooms.mediaConfirm posts the file message once, for the uploader only', async () => {
    const fileId = (await upload(ROOM.general)).body.file._id
    expect(
      (await post(`rooms.mediaConfirm/${ROOM.general}/${fileId}`, { msg: 'x' }, ci)).body
    ).toEqual({
      success: false,
      error: '[invalid-file]',
      errorType: 'invalid-file'
    })
    expect(
      (
        await post(`rooms.mediaConfirm/${ROOM.general}/${fileId}`, {
          description: 'd'.repeat(5001)
        })
      ).body
    ).toMatchObject({
      error: '[error-message-size-exceeded]'
    })
    const res = await post(`rooms.mediaConfirm/${ROOM.general}/${fileId}`, {
      msg: 'screenshot',
      description: 'UI'
    })
    expect(res.status).toBe(200)
    expect(res.body.message).toMatchObject({
      rid: ROOM.general,
      msg: 'screenshot',
      file: { _id: fileId, name: 'shot.png', type: 'image/png', size: 4, format: 'png' },
      attachments: [
        {
          title: 'shot.png',
          title_link: `/file-upload/${fileId}/shot.png`,
          title_link_download: true,
          type: 'file',
          description: 'UI',
          image_url: `/file-upload/${fileId}/shot.png`,
          image_type: 'image/png',
          image_size: 4
        }
      ]
    })
    expect(fake.messagesIn(ROOM.general)).toHaveLength(1)
    expect((await post(`rooms.mediaConfirm/${ROOM.general}/${fileId}`, {})).body.error).toBe(
      '[invalid-file]'
    )
  })
})

describe('incoming webhooks (section 9)', () => {
  const hook = SEED.integrations.default
  const postHook = (body: string, contentType?: string, path: string = hook.path) =>
    call('POST', path, {
      as: null,
      body,
      headers: contentType ? { 'Content-Type': contentType } : {}
    })
  const postJson = (json: unknown, path: string = hook.path) =>
    postHook(JSON.stringify(json), 'application/json', path)

  beforeEach(() => start())

  it('posts as the integration user to its channel and answers only {success:true}', async () => {
    const res = await postJson({
      text: 'build ok',
      attachments: [{ title: 'run', title_link: 'https://ci/1' }]
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ success: true })
    const [m] = fake.messagesIn(ROOM.ciBuilds)
    expect(m).toMatchObject({
      msg: 'build ok',
      alias: '',
      groupable: false,
      parseUrls: false,
      bot: { i: hook.id },
      u: { _id: bot.id }
    })
  })

  it('posts nothing for an empty body, and an empty message for JSON without Content-Type (7.8+)', async () => {
    expect((await postHook('')).body).toEqual({ success: true })
    expect((await postJson({})).body).toEqual({ success: true })
    expect(fake.messages.size).toBe(0)
    expect((await postHook(JSON.stringify({ text: 'lost' }))).body).toEqual({ success: true })
    expect([...fake.messages.values()].map((m: Json) => m.msg)).toEqual([''])
    fake.setVersion('6')
    await postHook(JSON.stringify({ text: 'parsed on 6' }))
    expect([...fake.messages.values()].map((m: Json) => m.msg)).toEqual(['', 'parsed on 6'])
  })

  it('unwraps Slack payload= forms and reports JSON.parse errors', async () => {
    const payload = encodeURIComponent(JSON.stringify({ text: 'from slack' }))
    expect(
      (await postHook(`payload=${payload}`, 'application/x-www-form-urlencoded')).body
    ).toEqual({ success: true })
    expect(fake.messagesIn(ROOM.ciBuilds).map((m: Json) => m.msg)).toEqual(['from slack'])
    const bad = await postHook('payload=not json', 'application/x-www-form-urlencoded')
    expect(bad.status).toBe(400)
    let parseMessage = ''
    try {
      JSON.parse('not json')
    } catch (e) {
      parseMessage = (e as Error).message
    }
    expect(bad.body).toEqual({ success: false, error: parseMessage })
  })

  it('refuses a channel override unless the integration allows it', async () => {
    expect((await postJson({ text: 'x', channel: '#ci-builds' })).body).toEqual({
      success: false,
      error: 'overriding destination channel is disabled for this integration'
    })
    const override = SEED.integrations.override
    expect((await postJson({ text: 'x', channel: '#releases' }, override.path)).status).toBe(200)
    expect(fake.messagesIn(ROOM.releases)[0]).toMatchObject({
      emoji: ':robot:',
      bot: { i: override.id }
    })
  })

  it('reports failures as bare error strings, per target with separateResponse', async () => {
    const path = SEED.integrations.override.path
    expect((await postJson({ text: 'x', channel: '#secret-ops' }, path)).body).toEqual({
      success: false,
      error: 'error-not-allowed'
    })
    expect((await postJson({ text: 'x', channel: '#nope' }, path)).body).toEqual({
      success: false,
      error: 'invalid-channel'
    })
    expect(
      (await postJson({ text: 'x', attachments: [{ image_url: '/x.png' }] }, path)).body
    ).toEqual({
      success: false,
      error: 'Invalid href value provided'
    })
    const split = await postJson(
      { text: 'x', channel: ['#general', '#secret-ops'], separateResponse: true },
      path
    )
    expect(split.status).toBe(200)
    expect(split.body.responses[0]).toMatchObject({ channel: '#general', message: { msg: 'x' } })
    expect(split.body.responses[1]).toEqual({ channel: '#secret-ops', error: 'error-not-allowed' })
    const allFail = await postJson({ text: 'x', channel: ['#nope'], separateResponse: true }, path)
    expect(allFail.status).toBe(400)
    expect(allFail.body).toEqual({
      responses: [{ channel: '#nope', error: 'invalid-channel' }],
      success: false
    })
  })

  it('answers 503 for a disabled hook and 500 text (404 JSON on 6.x) for a bad token', async () => {
    const disabled = await postJson({ text: 'x' }, SEED.integrations.disabled.path)
    expect(disabled.status).toBe(503)
    expect(disabled.body).toEqual({ success: false, error: 'Service Unavailable' })
    const wrong = await postJson({ text: 'x' }, `/hooks/${hook.id}/wrong-token`)
    expect(wrong.status).toBe(500)
    expect(wrong.text).toBe('Internal Server Error')
    fake.setVersion('6')
    const wrong6 = await postJson({ text: 'x' }, `/hooks/${hook.id}/wrong-token`)
    expect(wrong6.status).toBe(404)
    expect(wrong6.body).toEqual({
      success: false,
      error: 'Invalid integration id or token provided.'
    })
    expect(fake.messages.size).toBe(0)
  })

  it('rate-limits hooks per URL even though the hook user is a bot', async () => {
    await fake.close()
    await start({ rateLimit: { limit: 2, intervalMs: 60_000 } })
    expect((await postJson({ text: '1' })).headers.get('x-ratelimit-remaining')).toBe('1')
    expect((await postJson({ text: '2' })).status).toBe(200)
    expect((await postJson({ text: '3' })).status).toBe(429)
    expect(
      (await postJson({ text: 'x', channel: '#general' }, SEED.integrations.override.path)).status
    ).toBe(200)
  })
})

describe('fault injection', () => {
  beforeEach(() => start({ rateLimit: false }))
  const msg = (text: string) => ({ rid: ROOM.general, msg: text })

  it('reset-before: the socket dies and nothing is stored', async () => {
    fake.inject({ route: 'chat.sendMessage', kind: 'reset-before' })
    await expect(send(msg('lost'))).rejects.toThrow()
    expect(fake.messages.size).toBe(0)
    expect(fake.requests[0]).toMatchObject({ status: null, fault: 'reset-before' })
    expect((await send(msg('next'))).status).toBe(200) // consumed after one use
  })

  it('reset-after: the message is stored but no answer comes', async () => {
    fake.inject({ route: 'chat.sendMessage', kind: 'reset-after' })
    await expect(send({ ...msg('stored'), _id: 'client-id-1' })).rejects.toThrow()
    expect(fake.messages.get('client-id-1')?.msg).toBe('stored')
  })

  it('status: nginx HTML for gateway errors, Rocket.Chat JSON otherwise, nothing processed', async () => {
    fake.inject({ route: 'chat.sendMessage', kind: 'status', status: 502 })
    fake.inject({ route: 'chat.sendMessage', kind: 'status', status: 500 })
    fake.inject({
      route: 'chat.sendMessage',
      kind: 'status',
      status: 429,
      body: 'slow down',
      contentType: 'text/plain'
    })
    const gateway = await send(msg('a'))
    expect(gateway.status).toBe(502)
    expect(gateway.headers.get('content-type')).toBe('text/html')
    expect(gateway.text).toContain('<center><h1>502 Bad Gateway</h1></center>')
    expect(gateway.text).toContain('<hr><center>nginx</center>')
    const internal = await send(msg('b'))
    expect(internal.status).toBe(500)
    expect(internal.body).toEqual({ success: false, error: 'Internal server error' })
    const custom = await send(msg('c'))
    expect([custom.status, custom.text, custom.headers.get('content-type')]).toEqual([
      429,
      'slow down',
      'text/plain'
    ])
    expect(fake.messages.size).toBe(0)
  })

  it('status-after: stored, then the status', async () => {
    fake.inject({ route: 'chat.sendMessage', kind: 'status-after', status: 504 })
    const res = await send(msg('kept'))
    expect(res.status).toBe(504)
    expect(res.text).toContain('<title>504 Gateway Time-out</title>')
    expect(fake.messagesIn(ROOM.general).map((m: Json) => m.msg)).toEqual(['kept'])
  })

  it('html: a reverse-proxy error page with the given status', async () => {
    fake.inject({ route: '*', kind: 'html', status: 503 })
    const res = await get('rooms.get')
    expect(res.status).toBe(503)
    expect(res.text).toMatch(/^<html>/)
    expect(res.body).toBeUndefined()
  })

  it('invalid-json: processed, 200, body does not parse', async () => {
    fake.inject({ route: 'chat.sendMessage', kind: 'invalid-json' })
    const res = await send(msg('half'))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(() => JSON.parse(res.text)).toThrow()
    expect(fake.messages.size).toBe(1)
  })

  it('delay: answered normally after the delay', async () => {
    fake.inject({ route: 'chat.sendMessage', kind: 'delay', ms: 300 })
    const t0 = Date.now()
    const res = await send(msg('slow'))
    expect(res.status).toBe(200)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290)
  })

  it('hang: never answers; close() still returns promptly and kills the exchange', async () => {
    fake.inject({ route: 'chat.sendMessage', kind: 'hang' })
    await expect(
      fetch(`${fake.url}/api/v1/chat.sendMessage`, {
        method: 'POST',
        headers: { ...authHeaders(bot), 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: msg('x') }),
        signal: AbortSignal.timeout(300)
      })
    ).rejects.toThrow()
    fake.inject({ route: '*', kind: 'hang' })
    const pending = send(msg('y')).then(
      () => 'answered',
      () => 'failed'
    )
    while (fake.requests.length < 2) await new Promise((r) => setTimeout(r, 10))
    const t0 = Date.now()
    await fake.close()
    expect(Date.now() - t0).toBeLessThan(1000)
    expect(await pending).toBe('failed')
    expect(fake.messages.size).toBe(0)
  })

  it('matches faults by route, in order, honouring times', async () => {
    fake.inject({ route: 'rooms.info', kind: 'status', status: 500, times: 2 })
    fake.inject({ route: 'chat.sendMessage', kind: 'status', status: 502 })
    fake.inject({ route: 'chat.sendMessage', kind: 'status', status: 503 })
    expect((await send(msg('a'))).status).toBe(502)
    expect((await get(`rooms.info?roomId=${ROOM.general}`)).status).toBe(500)
    expect((await send(msg('b'))).status).toBe(503)
    expect((await get(`rooms.info?roomId=${ROOM.general}`)).status).toBe(500)
    expect((await get(`rooms.info?roomId=${ROOM.general}`)).status).toBe(200)
    expect((await send(msg('c'))).status).toBe(200)
    fake.inject({ route: 'info', kind: 'status', status: 500 })
    expect((await call('GET', '/api/info', { as: null })).status).toBe(500)
    fake.inject({ route: 'hooks', kind: 'status', status: 502 })
    expect(
      (await call('POST', SEED.integrations.default.path, { as: null, json: { text: 'x' } })).status
    ).toBe(502)
    expect(() => fake.inject({ route: 'x', kind: 'explode' as 'hang' })).toThrow(TypeError)
  })
})

describe('TLS', () => {
  // Test-only self-signed certificate for 127.0.0.1 (valid until 2126). Not a secret.
  const key = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgtHiBbeZAchxNMrYz
j5QC3gOC/fa97kUP/6QLRi5pijahRANCAARTq2PGh9ZZL3XqH8uO1hrK43E2E19n
PF8FBoxs7AN4KgTv5cEklzA+LksUP98aIjohNc5Sxe0xWwaRHeX7LPUD
-----END PRIVATE KEY-----
`
  const cert = `-----BEGIN CERTIFICATE-----
MIIBkTCCATagAwIBAgIUCQbf+bDXKAXzxw4/YSuPWjRNEy4wCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyNTE4NDYxN1oYDzIxMjYxMTAx
MTg0NjE3WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARTq2PGh9ZZL3XqH8uO1hrK43E2E19nPF8FBoxs7AN4KgTv5cEklzA+
LksUP98aIjohNc5Sxe0xWwaRHeX7LPUDo2QwYjAdBgNVHQ4EFgQUvFSy7xJWMmPn
mjmk+DQtWSGePmYwHwYDVR0jBBgwFoAUvFSy7xJWMmPnmjmk+DQtWSGePmYwDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0kAMEYC
IQCaklc8fdyl3kYEKXMqPqzAoWDCqBOXB0DpwJSyF7eyYQIhAMrCMv83YcJ5xWSu
WvsV+ZhlDHRidqXPYbJCtSPDKuwb
-----END CERTIFICATE-----
`

  it('serves https when given a key pair', async () => {
    await start({ tls: { key, cert } })
    expect(fake.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(`${fake.url}/api/info`, { ca: cert }, (res) => {
          let text = ''
          res.on('data', (c) => (text += c))
          res.on('end', () => resolve(text))
        })
        .on('error', reject)
    })
    expect(JSON.parse(body)).toMatchObject({ version: '8.8', success: true })
  })
})

describe('cli.mjs', () => {
  it('prints the connection line, logs requests and prints stored messages', async () => {
    const cli = fileURLToPath(new URL('../test/fake-rocketchat/cli.mjs', import.meta.url))
    const child = spawn(process.execPath, [cli, '--port', '0', '--print-messages'], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stderr = ''
    child.stderr.on('data', (c) => (stderr += c))
    try {
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
      const hello = JSON.parse(String((await lines.next()).value))
      expect(hello).toEqual({
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        userId: bot.id,
        token: bot.token
      })
      const res = await fetch(`${hello.url}/api/v1/chat.sendMessage`, {
        method: 'POST',
        headers: {
          'X-User-Id': hello.userId,
          'X-Auth-Token': hello.token,
          'Content-Type': 'application/json'
        },
        body: JSON.stringify({ message: { rid: 'GENERAL', msg: 'from the demo' } })
      })
      expect(res.status).toBe(200)
      const printed = JSON.parse(String((await lines.next()).value))
      expect(printed).toMatchObject({
        rid: 'GENERAL',
        msg: 'from the demo',
        u: { username: bot.username }
      })
      // stderr is a separate pipe: give it a moment to catch up with stdout.
      for (let i = 0; i < 50 && !stderr.includes('chat.sendMessage'); i++) {
        await new Promise((r) => setTimeout(r, 20))
      }
      expect(stderr).toContain(
        'POST /api/v1/chat.sendMessage {"message":{"rid":"GENERAL","msg":"from the demo"}}'
      )
    } finally {
      child.kill('SIGTERM')
    }
    const [code] = await once(child, 'exit')
    expect(code).toBe(0)
  })
})
