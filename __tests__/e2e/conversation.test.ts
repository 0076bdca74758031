/**
 * Conversations through the bundle (dist/index.js) against the fake server: message keys in
 * update and thread mode, update-message-id, reactions, files on 8.x and 6.x servers, and
 * incoming webhooks, with the secrets kept out of every output.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeRocketChat } from '../../test/fake-rocketchat/server.mjs'
import { INTEGRATIONS, ROOMS, USERS } from '../../test/fake-rocketchat/seed.mjs'
import { runAction, withoutMaskCommands, type ActionRun, asBot } from '../helpers/action.js'
import { fakeRocketChat, type Fake } from '../helpers/fake.js'

type Stored = Record<string, unknown> & {
  _id: string
  rid: string
  msg: string
  tmid?: string
  tshow?: boolean
  file?: { name: string }
}
type Request = { method: string; path: string; headers: Record<string, string>; body: unknown }

const fake = fakeRocketChat()
let workspace: string
const HOOK = INTEGRATIONS.default

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'rc-e2e-ws-'))
  mkdirSync(join(workspace, 'test-results'))
  writeFileSync(
    join(workspace, 'test-results', 'unit.log'),
    'FAIL src/a.test.ts\n  expected 1, got 2\n'
  )
  writeFileSync(join(workspace, 'test-results', 'e2e.log'), 'ok\n')
  writeFileSync(join(workspace, 'big.bin'), Buffer.alloc(1536 * 1024))
})
afterAll(() => {
  rmSync(workspace, { recursive: true, force: true })
})

function post(
  inputs: Record<string, string>,
  server: { url: string } = fake,
  extra: Partial<Parameters<typeof runAction>[0]> = {}
): Promise<ActionRun> {
  return runAction({
    inputs: {
      ...asBot(server.url),
      ...inputs
    },
    cwd: workspace,
    ...extra
  })
}

function viaWebhook(inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({ inputs: { 'webhook-url': fake.url + HOOK.path, ...inputs }, cwd: workspace })
}

function stored(id: string, server: Fake = fake): Stored {
  const message = server.messages.get(id) as Stored | undefined
  if (!message) throw new Error(`message ${id} was not stored`)
  return message
}

function repliesTo(id: string): Stored[] {
  return ([...fake.messages.values()] as Stored[]).filter((m) => m.tmid === id)
}

function requestsSince(from: number, server: Fake = fake): Request[] {
  return server.requests.slice(from) as Request[]
}

let keys = 0
function freshKey(prefix: string): string {
  keys += 1
  return `${prefix}-${Date.now()}-${keys}`
}

/** Neither the token nor the webhook URL, nor its token alone, anywhere; never a stack trace. */
function expectClean(run: ActionRun) {
  const visible = withoutMaskCommands(run.all)
  for (const secret of [USERS.bot.token, HOOK.token, HOOK.path, fake.url + HOOK.path]) {
    expect(visible).not.toContain(secret)
  }
  expect(run.all).not.toMatch(/\n\s+at .+:\d+:\d+/)
}

describe('message-key (dist/index.js against the fake server)', () => {
  it('leaves one message with the last text after create, update, update', async () => {
    const key = freshKey('deploy')
    const texts = ['Deploy started :hourglass:', 'Deploy 2/3 regions', 'Deploy finished']
    const runs: ActionRun[] = []
    for (const message of texts) {
      runs.push(await post({ room: '#deploys', message, 'message-key': key }))
    }
    for (const run of runs) {
      expect(run.code).toBe(0)
      expectClean(run)
    }
    expect(runs.map((r) => r.outputs.action)).toEqual(['posted', 'updated', 'updated'])
    const ids = new Set(runs.map((r) => r.outputs['message-id']))
    expect(ids.size).toBe(1)
    const [id] = ids
    const inRoom = (fake.messagesIn(ROOMS.deploys.id) as Stored[]).filter((m) => m._id === id)
    expect(inRoom).toHaveLength(1)
    expect(stored(id).msg).toBe('Deploy finished')
    expect(runs[2].outputs).toMatchObject({
      'room-id': ROOMS.deploys.id,
      'room-name': 'deploys',
      'room-type': 'p',
      'thread-id': '',
      'message-url': `${fake.url}/group/deploys?msg=${id}`
    })
    expect(runs[2].stdout).toContain(`Updated in #deploys: ${fake.url}/group/deploys?msg=${id}`)
    expect(runs[2].summary).toContain('Rocket.Chat message updated')
  })

  // The later step brings a reaction, with new text or none: the text it brings (or the first
  // step's) stays, on the same message.
  it.each([
    [
      'ends a deploy with a reaction on the keyed message',
      'Deploying',
      { message: 'Deployed' },
      ':white_check_mark:',
      'Deployed'
    ],
    [
      'keeps the text of a keyed message when a later step brings only a reaction',
      'Deploy started',
      {},
      ':tada:',
      'Deploy started'
    ]
  ])('%s', async (_title, first, later: Record<string, string>, reaction, text) => {
    const key = freshKey('deploy')
    const start = await post({ room: '#general', message: first, 'message-key': key })
    const react = await post({ room: '#general', ...later, 'message-key': key, reaction })
    expect(react.code).toBe(0)
    expect(react.annotations).toEqual([])
    expect(react.outputs['message-id']).toBe(start.outputs['message-id'])
    expect(stored(react.outputs['message-id'])).toMatchObject({
      msg: text,
      reactions: { [reaction]: { usernames: ['ci-bot'] } }
    })
  })

  it('leaves one parent and N replies in thread mode', async () => {
    const key = freshKey('pr-42')
    const texts = ['PR #42 opened', 'Build passed', 'Review approved', 'Merged']
    const runs: ActionRun[] = []
    for (const [i, message] of texts.entries()) {
      runs.push(
        await post({
          room: '#general',
          message,
          'message-key': key,
          'key-mode': 'thread',
          'thread-broadcast': i === 3 ? 'true' : 'false'
        })
      )
    }
    expect(runs.map((r) => [r.code, r.outputs.action])).toEqual([
      [0, 'posted'],
      [0, 'replied'],
      [0, 'replied'],
      [0, 'replied']
    ])
    const parent = runs[0].outputs['message-id']
    expect(runs.every((r) => r.outputs['thread-id'] === parent)).toBe(true)
    expect(stored(parent).msg).toBe('PR #42 opened')
    const replies = repliesTo(parent)
    expect(replies.map((r) => r.msg)).toEqual(['Build passed', 'Review approved', 'Merged'])
    expect(replies.map((r) => r._id)).toEqual(runs.slice(1).map((r) => r.outputs['message-id']))
    expect(replies.map((r) => r.tshow ?? false)).toEqual([false, false, true])
    expect(runs[1].stdout).toContain('Replied in #general')
  })

  it('warns that attachments of a keyed message are not updated', async () => {
    const key = freshKey('card')
    const attachments = JSON.stringify([{ title: 'Status', color: '#ccc' }])
    await post({ room: '#general', message: 'v1', 'message-key': key, attachments })
    const run = await post({ room: '#general', message: 'v2', 'message-key': key, attachments })
    expect(run.code).toBe(0)
    expect(run.annotations).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(
          /attachments given are not posted: chat.update can only change the text/
        )
      })
    ])
    expect(stored(run.outputs['message-id'])).toMatchObject({
      msg: 'v2',
      attachments: [{ title: 'Status' }]
    })
  })

  it('explains a server that does not allow editing', async () => {
    const key = freshKey('deploy')
    await post({ room: '#general', message: 'v1', 'message-key': key })
    fake.setSetting('Message_AllowEditing', false)
    try {
      const run = await post({ room: '#general', message: 'v2', 'message-key': key })
      expect(run.code).toBe(1)
      expect(run.annotations[0].message).toMatch(
        /does not let this user edit the message .*Message_AllowEditing is off/
      )
    } finally {
      fake.setSetting('Message_AllowEditing', true)
    }
  })
})

describe('dry run', () => {
  it('says what a key, a reaction and files would do, and sends nothing', async () => {
    const from = fake.requests.length
    const run = await post({
      room: '#deploys',
      message: 'Deploying',
      'message-key': 'deploy-1',
      reaction: ':rocket:',
      files: 'test-results/*.log',
      'dry-run': 'true'
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('"_id": "(derived from message-key \\"deploy-1\\" and the room)"')
    expect(run.stdout).toContain(
      'message-key, update mode: the first step posts this message; later steps update its text with chat.update.'
    )
    expect(run.stdout).toContain('Then the reaction :rocket: is added.')
    expect(run.stdout).toContain(
      'Then 2 files are uploaded: "test-results/e2e.log" (3 bytes), "test-results/unit.log" (39 bytes).'
    )
    expect(fake.requests.length).toBe(from)
  })
})

describe('update-message-id and reaction', () => {
  it('updates a message by id, finding its room, and reacts to it', async () => {
    const first = await post({ room: '#ci-builds', message: 'Build running' })
    const from = fake.requests.length
    const run = await post({
      room: '',
      'update-message-id': first.outputs['message-id'],
      message: 'Build passed',
      reaction: 'tada'
    })
    expect(run.code).toBe(0)
    expectClean(run)
    expect(run.outputs).toMatchObject({
      action: 'updated',
      'message-id': first.outputs['message-id'],
      'room-id': ROOMS['ci-builds'].id,
      'room-name': 'ci-builds',
      'room-type': 'c',
      ts: first.outputs.ts
    })
    expect(stored(first.outputs['message-id'])).toMatchObject({
      msg: 'Build passed',
      reactions: { ':tada:': { usernames: ['ci-bot'] } }
    })
    expect(requestsSince(from).map((r) => r.path)).toEqual([
      '/api/v1/chat.getMessage',
      '/api/v1/rooms.info',
      '/api/v1/chat.update',
      '/api/v1/chat.react'
    ])
  })

  it('adds a reaction to a new message', async () => {
    const run = await post({ room: '#general', message: 'shipped', reaction: ':rocket:' })
    expect(run.code).toBe(0)
    expect(run.outputs.action).toBe('posted')
    expect(stored(run.outputs['message-id']).reactions).toEqual({
      ':rocket:': { usernames: ['ci-bot'] }
    })
  })

  it('fails clearly for a message id that does not exist, posting nothing', async () => {
    const count = fake.messages.size
    const run = await post({ 'update-message-id': 'NoSuchMessage1234', message: 'x' })
    expect(run.code).toBe(1)
    expect(run.annotations[0].message).toMatch(/^No message "NoSuchMessage1234" on the server/)
    expect(fake.messages.size).toBe(count)
  })
})

describe('files', () => {
  it('uploads the files after the message on an 8.x server, with rooms.media + rooms.mediaConfirm', async () => {
    const from = fake.requests.length
    const run = await post({
      room: '#general',
      message: 'Tests failed, logs attached',
      files: 'test-results/*.log'
    })
    expect(run.code).toBe(0)
    expectClean(run)
    const paths = requestsSince(from).map((r) => r.path.replace(/[0-9a-f]{24}$/, ':file'))
    // The version, the server's size limit and the room are asked for together.
    expect(paths.slice(0, 3).sort()).toEqual([
      '/api/info',
      '/api/v1/rooms.info',
      '/api/v1/settings.public'
    ])
    expect(paths.slice(3)).toEqual([
      '/api/v1/chat.sendMessage',
      '/api/v1/rooms.media/GENERAL',
      '/api/v1/rooms.mediaConfirm/GENERAL/:file',
      '/api/v1/rooms.media/GENERAL',
      '/api/v1/rooms.mediaConfirm/GENERAL/:file'
    ])
    const after = (fake.messagesIn('GENERAL') as Stored[]).slice(-3)
    expect(after.map((m) => m.file?.name ?? m.msg)).toEqual([
      'Tests failed, logs attached',
      'e2e.log',
      'unit.log'
    ])
    expect(run.outputs['message-id']).toBe(after[0]._id)
    const upload = [...fake.uploads.values()].find(
      (u: { name: string }) => u.name === 'unit.log'
    ) as { content: Buffer }
    expect(upload.content.toString()).toBe('FAIL src/a.test.ts\n  expected 1, got 2\n')
    expect(run.stdout).toContain('Uploading "test-results/unit.log" (39 bytes) into the room.')
  })

  it('uploads into the keyed thread, and into the updated message’s thread', async () => {
    const key = freshKey('pr')
    const parent = await post({
      room: '#general',
      message: 'PR opened',
      'message-key': key,
      'key-mode': 'thread',
      files: 'test-results/e2e.log'
    })
    const id = parent.outputs['message-id']
    expect(repliesTo(id).map((m) => m.file?.name)).toEqual(['e2e.log'])
    // The same key in update mode is the same message: files follow it into its thread.
    const again = await post({
      room: '#general',
      message: 'PR merged, logs attached',
      'message-key': key,
      files: 'test-results/unit.log'
    })
    expect(again.outputs.action).toBe('updated')
    expect(repliesTo(id).map((m) => m.file?.name)).toEqual(['e2e.log', 'unit.log'])
  })

  it.each([
    [
      '6.13',
      undefined,
      ['/api/v1/rooms.media/GENERAL', '/api/v1/rooms.mediaConfirm/GENERAL/:file']
    ],
    ['6.2', '{"version":"6.2","success":true}', ['/api/v1/rooms.upload/GENERAL']]
  ])('uploads on a %s server', async (_version, info, uploadPaths) => {
    const old = await startFakeRocketChat({ version: '6', rateLimit: false })
    try {
      if (info) {
        old.inject({
          route: 'info',
          kind: 'status',
          status: 200,
          body: info,
          contentType: 'application/json'
        })
      }
      const run = await post(
        { room: '#general', message: 'logs', files: 'test-results/unit.log' },
        old
      )
      expect(run.code).toBe(0)
      const paths = requestsSince(0, old)
        .map((r) => r.path.replace(/[0-9a-f]{24}$/, ':file'))
        .filter((p) => p.startsWith('/api/v1/rooms.') && p !== '/api/v1/rooms.info')
      expect(paths).toEqual(uploadPaths)
      const [, file] = old.messagesIn('GENERAL') as Stored[]
      expect(file.file?.name).toBe('unit.log')
    } finally {
      await old.close()
    }
  })

  it.each([
    [
      { files: 'test-results/missing.log' },
      /^Input "files": "test-results\/missing.log": no such file in the workspace/
    ],
    [
      { files: 'big.bin', 'files-max-mb': '1' },
      /^Input "files": "big.bin" is 1.5 MB, over files-max-mb \(1.0 MB\)\.$/
    ],
    [{ files: '../etc/passwd' }, /is outside the workspace/]
  ])('fails before anything is posted for %j', async (inputs, expected) => {
    const from = fake.requests.length
    const count = fake.messages.size
    const run = await post({ room: '#general', message: 'never posted', ...inputs })
    expect(run.code).toBe(1)
    expect(run.annotations).toEqual([{ level: 'error', message: expect.stringMatching(expected) }])
    expect(fake.requests.length).toBe(from)
    expect(fake.messages.size).toBe(count)
  })

  it("fails before posting when a file is over the server's own limit", async () => {
    fake.setSetting('FileUpload_MaxFileSize', 20)
    const count = fake.messages.size
    try {
      const run = await post({ room: '#general', message: 'x', files: 'test-results/unit.log' })
      expect(run.code).toBe(1)
      expect(run.annotations[0].message).toMatch(
        /"test-results\/unit.log" is 39 bytes, over the server's limit for uploads \(FileUpload_MaxFileSize, 20 bytes\)/
      )
      expect(fake.messages.size).toBe(count)
    } finally {
      fake.setSetting('FileUpload_MaxFileSize', 104857600)
    }
  })

  it('says the message is there when an upload fails after it', async () => {
    fake.inject({
      route: 'rooms.media',
      kind: 'status',
      status: 400,
      body: '{"success":false,"error":"Type not allowed [error-invalid-file-type]","errorType":"error-invalid-file-type"}',
      contentType: 'application/json'
    })
    const run = await post({
      room: '#general',
      message: 'with log',
      files: 'test-results/unit.log'
    })
    expect(run.code).toBe(1)
    expect(run.annotations[0].message).toMatch(
      /^The message was posted \(id \w{17}\), but: Could not upload "test-results\/unit.log": .*Type not allowed/
    )
    // The message exists, so later steps still get its outputs.
    expect(stored(run.outputs['message-id']).msg).toBe('with log')
    expect(run.outputs.action).toBe('posted')
  })
})

describe('webhook-url', () => {
  it('posts {text, alias, emoji, avatar, attachments} as JSON, and sets only action', async () => {
    const from = fake.requests.length
    const attachments = [{ title: 'Run 42', title_link: 'https://github.com/o/r/actions/runs/42' }]
    const run = await viaWebhook({
      message: 'Deploy of {{ github.repository }} done',
      alias: 'Deployer',
      emoji: ':rocket:',
      avatar: 'https://example.com/a.png',
      attachments: JSON.stringify(attachments)
    })
    expect(run.code).toBe(0)
    expectClean(run)
    const requests = requestsSince(from)
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${HOOK.path}`])
    expect(requests[0].headers['content-type']).toBe('application/json')
    expect(requests[0].body).toEqual({
      text: 'Deploy of octo-org/octo-repo done',
      alias: 'Deployer',
      emoji: ':rocket:',
      avatar: 'https://example.com/a.png',
      attachments
    })
    const message = (fake.messagesIn(ROOMS['ci-builds'].id) as Stored[]).at(-1)
    expect(message).toMatchObject({
      msg: 'Deploy of octo-org/octo-repo done',
      alias: 'Deployer',
      avatar: 'https://example.com/a.png',
      bot: { i: HOOK.id }
    })
    expect(run.outputs).toEqual({ action: 'posted' })
    expect(run.stdout).toContain('Posted through the incoming webhook.')
    // The runner masks every form of the secret: the URL, its path and its token.
    for (const secret of [fake.url + HOOK.path, HOOK.path, HOOK.token]) {
      expect(run.stdout).toContain(`::add-mask::${secret}`)
    }
  })

  it('replies in a thread given by thread-id', async () => {
    const parent = await post({ room: '#ci-builds', message: 'parent' })
    const run = await viaWebhook({ message: 'reply', 'thread-id': parent.outputs['message-id'] })
    expect(run.code).toBe(0)
    const reply = (fake.messagesIn(ROOMS['ci-builds'].id) as Stored[]).at(-1)
    expect(reply).toMatchObject({ msg: 'reply', tmid: parent.outputs['message-id'] })
  })

  it('posts the status preset through the webhook too', async () => {
    const from = fake.requests.length
    const run = await viaWebhook({ status: 'failure' })
    expect(run.code).toBe(0)
    const body = requestsSince(from)[0].body as {
      text: string
      attachments: unknown[]
    }
    expect(body.text).toMatch(/fail/i)
    expect(body.attachments.length).toBeGreaterThan(0)
  })

  it.each([
    ['room', '#general'],
    ['message-key', 'deploy-1'],
    ['update-message-id', 'Nk3xqAGBSBrGqJFkP'],
    ['reaction', ':tada:'],
    ['files', 'test-results/unit.log'],
    ['auth-token', USERS.bot.token]
  ])('refuses %s, naming it, before any request', async (input, value) => {
    const from = fake.requests.length
    const run = await viaWebhook({ message: 'x', [input]: value })
    expect(run.code).toBe(1)
    expect(run.annotations).toEqual([
      {
        level: 'error',
        message: expect.stringMatching(
          new RegExp(`^Input "${input}": cannot be used with webhook-url`)
        )
      }
    ])
    expect(fake.requests.length).toBe(from)
    expectClean(run)
  })

  it('refuses thread-broadcast, which a webhook cannot do', async () => {
    const run = await viaWebhook({ message: 'x', 'thread-id': 'T', 'thread-broadcast': 'true' })
    expect(run.code).toBe(1)
    expect(run.annotations[0].message).toMatch(
      /^Input "thread-broadcast": cannot be used with webhook-url/
    )
  })

  it('explains a disabled integration without showing its URL', async () => {
    const run = await runAction({
      inputs: { 'webhook-url': fake.url + INTEGRATIONS.disabled.path, message: 'x' }
    })
    expect(run.code).toBe(1)
    expect(run.annotations[0].message).toBe(
      "The webhook's integration is disabled (HTTP 503). Enable it in Administration > Integrations."
    )
    expect(withoutMaskCommands(run.all)).not.toContain(INTEGRATIONS.disabled.token)
  })

  it('prints a dry run without the webhook URL', async () => {
    const from = fake.requests.length
    const run = await viaWebhook({ message: 'dry', 'dry-run': 'true' })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`POST ${fake.url}/hooks/***`)
    expect(run.stdout).toContain('"text": "dry"')
    expect(fake.requests.length).toBe(from)
    expectClean(run)
  })
})
