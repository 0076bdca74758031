/**
 * What a step costs on a network, through the bundle (dist/index.js): the fake server over TLS
 * behind a loopback proxy that delays each way and counts connections and TLS handshakes.
 * Requests one after the other share one kept-alive connection; a room given by id is posted
 * to while its lookup runs, and the outputs still name the room. Counts only, no timings.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDelayProxy } from '../../test/delay-proxy.mjs'
import { INTEGRATIONS, ROOMS, USERS } from '../../test/fake-rocketchat/seed.mjs'
import { ROOT, runAction, type ActionRun } from '../helpers/action.js'
import { fakeRocketChat } from '../helpers/fake.js'

type Proxy = Awaited<ReturnType<typeof startDelayProxy>>
type Stored = { _id: string; rid: string; msg: string; tmid?: string }

const TLS_DIR = join(ROOT, '__tests__', 'fixtures', 'tls')
const pem = (name: string) => readFileSync(join(TLS_DIR, name), 'utf8')

const fake = fakeRocketChat({
  rateLimit: false,
  tls: { cert: pem('server.pem'), key: pem('server.key') }
})
let proxy: Proxy
let workspace: string

beforeAll(async () => {
  proxy = await startDelayProxy({
    target: { host: '127.0.0.1', port: Number(new URL(fake.url).port) },
    delayMs: 5
  })
  workspace = mkdtempSync(join(tmpdir(), 'rc-e2e-rt-'))
  writeFileSync(join(workspace, 'report.txt'), 'all green\n')
})
afterAll(async () => {
  rmSync(workspace, { recursive: true, force: true })
  await proxy.close()
})

const server = () => `https://127.0.0.1:${proxy.port}`

/** One step through the proxy: what it did, and what the network saw. */
async function step(inputs: Record<string, string>, user: 'bot' | 'ci' = 'bot') {
  const from = fake.requests.length
  proxy.reset()
  const who = USERS[user]
  const credentials: Record<string, string> = inputs['webhook-url']
    ? {}
    : { 'server-url': server(), 'auth-token': who.token, 'user-id': who.id }
  const run: ActionRun = await runAction({
    inputs: { ...credentials, 'ca-cert': pem('ca.pem'), ...inputs },
    cwd: workspace
  })
  const paths = (fake.requests.slice(from) as { path: string }[]).map((r) =>
    r.path.replace(/^\/api\/(v1\/)?/, '').replace(/\/.*$/, '')
  )
  return { run, paths, traffic: proxy.traffic }
}

describe('one kept-alive connection for requests one after the other', () => {
  it('posts to #name over one connection and one TLS handshake', async () => {
    const { run, paths, traffic } = await step({ room: '#general', message: 'one connection' })
    expect(run.code).toBe(0)
    expect(paths).toEqual(['rooms.info', 'chat.sendMessage'])
    expect(traffic.connections).toBe(1)
    expect(traffic.handshakes).toBe(1)
  })

  it('opens a direct message and posts in it over one connection', async () => {
    const { run, paths, traffic } = await step({ room: '@alice', message: 'psst' })
    expect(run.code).toBe(0)
    expect(paths).toEqual(['im.create', 'chat.sendMessage'])
    expect(traffic.handshakes).toBe(1)
  })

  it('updates a keyed message over one connection', async () => {
    const key = `rt-${Date.now()}`
    const created = await step({ room: '#general', message: 'v1', 'message-key': key })
    expect(created.run.outputs.action).toBe('posted')
    const { run, paths, traffic } = await step({
      room: '#general',
      message: 'v2',
      'message-key': key
    })
    expect(run.code).toBe(0)
    expect(run.outputs.action).toBe('updated')
    expect(paths).toEqual(['rooms.info', 'chat.getMessage', 'chat.update'])
    expect(traffic.handshakes).toBe(1)
    expect((fake.messages.get(run.outputs['message-id']) as Stored).msg).toBe('v2')
  })

  it('posts through a webhook with one request on one connection', async () => {
    const { run, paths, traffic } = await step({
      'webhook-url': server() + INTEGRATIONS.default.path,
      message: 'by hook'
    })
    expect(run.code).toBe(0)
    expect(paths).toHaveLength(1)
    expect(traffic.handshakes).toBe(1)
  })

  it('reads what an upload needs at once, then posts and uploads on one connection', async () => {
    const { run, paths, traffic } = await step({
      room: '#general',
      message: 'report attached',
      'thread-id': (fake.messagesIn('GENERAL') as Stored[])[0]._id,
      files: 'report.txt'
    })
    expect(run.code).toBe(0)
    expect(paths.slice(0, 3).sort()).toEqual(['info', 'rooms.info', 'settings.public'])
    expect(paths.slice(3)).toEqual(['chat.sendMessage', 'rooms.media', 'rooms.mediaConfirm'])
    // At most one connection per request in flight at the same time.
    expect(traffic.handshakes).toBeLessThanOrEqual(3)
    expect(traffic.handshakes).toBe(traffic.connections)
  })
})

describe('a room given by id', () => {
  it('is posted to while its lookup runs, and the outputs name it', async () => {
    const room = ROOMS['ci-builds']
    const { run, paths, traffic } = await step({ room: room.id, message: 'by id' })
    expect(run.code).toBe(0)
    expect(paths.sort()).toEqual(['chat.sendMessage', 'rooms.info'])
    expect(run.outputs['room-id']).toBe(room.id)
    expect(run.outputs['room-name']).toBe('ci-builds')
    expect(run.outputs['room-type']).toBe('c')
    expect((fake.messages.get(run.outputs['message-id']) as Stored).rid).toBe(room.id)
    // The two requests run at the same time: one connection each.
    expect(traffic.handshakes).toBeLessThanOrEqual(2)
    // TCP, TLS, then both requests together.
    expect(traffic.roundTrips).toBe(3)
  })

  it('still finds a room whose name only looks like an id, and posts once', async () => {
    const named = fake.addRoom({ t: 'c', name: 'ReportsForQAteams', members: [USERS.bot.id] })
    const before = fake.messages.size
    const { run } = await step({ room: 'ReportsForQAteams', message: 'id-shaped name' })
    expect(run.code).toBe(0)
    expect(run.outputs['room-id']).toBe(named._id)
    expect(run.outputs['room-name']).toBe('ReportsForQAteams')
    expect(fake.messages.size).toBe(before + 1)
    expect((fake.messages.get(run.outputs['message-id']) as Stored).rid).toBe(named._id)
  })

  it('keeps a posted message when only the lookup fails, and says what is missing', async () => {
    fake.inject({ route: 'rooms.info', kind: 'status', status: 500, times: 5 })
    const room = ROOMS['ci-builds']
    const { run } = await step({ room: room.id, message: 'lookup down', retries: '0' })
    fake.clearFaults()
    expect(run.code).toBe(0)
    expect((fake.messages.get(run.outputs['message-id']) as Stored).rid).toBe(room.id)
    expect(run.outputs['room-id']).toBe(room.id)
    expect(run.outputs['room-name']).toBe('')
    expect(run.annotations).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(
          /^The message was posted, but the room .* could not be looked up/
        )
      })
    ])
  })

  it('refuses a private room the user is not in with the lookup’s explanation', async () => {
    const before = fake.messages.size
    const { run } = await step({ room: ROOMS['secret-ops'].id, message: 'x' })
    expect(run.code).toBe(1)
    expect(run.annotations[0].message).toMatch(/exists but .* not a member/)
    expect(fake.messages.size).toBe(before)
  })
})
