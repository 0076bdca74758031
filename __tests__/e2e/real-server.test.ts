/**
 * Where the real Rocket.Chat server differs from what a naive client expects, through the
 * bundle (dist/index.js) against fakes that play each server behaviour: a file confirmation
 * that is not idempotent, a message an app blocks, an unknown user on a server that answers
 * with the caller's own DM, a disabled webhook on 6.x, and the editing time limit bots bypass.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeRocketChat } from '../../test/fake-rocketchat/server.mjs'
import { INTEGRATIONS } from '../../test/fake-rocketchat/seed.mjs'
import { asBot, runAction, type ActionRun } from '../helpers/action.js'
import { fakeRocketChat, type Fake } from '../helpers/fake.js'

type Stored = { _id: string; rid: string; msg: string; ts: string; file?: { _id: string } }

const fake = fakeRocketChat()
let workspace: string

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'rc-e2e-real-'))
  mkdirSync(join(workspace, 'logs'))
  writeFileSync(join(workspace, 'logs', 'build.log'), 'step 2 FAILED\n')
})
afterAll(() => {
  rmSync(workspace, { recursive: true, force: true })
})

function post(inputs: Record<string, string>, server: Fake = fake): Promise<ActionRun> {
  return runAction({ inputs: { ...asBot(server.url), ...inputs }, cwd: workspace })
}

function messages(server: Fake = fake): Stored[] {
  return [...server.messages.values()] as Stored[]
}

describe('behaving like the real server', () => {
  it('posts a file once when the answer to its confirmation is lost (a second confirm would post it again)', async () => {
    const before = messages().length
    const from = fake.requests.length
    fake.inject({ route: 'rooms.mediaConfirm', kind: 'reset-after' })
    const run = await post({ room: '#general', message: 'Build failed', files: 'logs/build.log' })
    expect(run.code).toBe(0)
    const added = messages().slice(before)
    expect(added.map((m) => (m.file ? 'file' : m.msg))).toEqual(['Build failed', 'file'])
    const confirms = fake.requests
      .slice(from)
      .filter((r: { path: string }) => r.path.startsWith('/api/v1/rooms.mediaConfirm/'))
    expect(confirms).toHaveLength(1)
    expect(run.stdout).toContain('Checking whether it arrived before sending again.')
  })

  it('fails when an app on the server blocks the message, and sets no message outputs', async () => {
    const before = messages().length
    fake.preventMessages((m: { msg?: string }) => /forbidden word/.test(m.msg ?? ''))
    try {
      const run = await post({ room: '#general', message: 'a forbidden word' })
      expect(run.code).toBe(1)
      expect(run.annotations[0].message).toMatch(
        /^The server accepted the message but stored nothing: chat\.sendMessage answered "Cannot read properties of undefined \(reading 'starred'\)".* An app on the server may have blocked it\.$/
      )
      expect(run.outputs['message-id']).toBeUndefined()
      expect(run.outputs['message-url']).toBeUndefined()
      expect(run.outputs['room-id']).toBeUndefined()
      expect(messages().length).toBe(before)
    } finally {
      fake.preventMessages(false)
    }
  })

  it('posts nothing to an unknown @user on a server that answers with the caller’s own DM', async () => {
    const server = await startFakeRocketChat({ rateLimit: false, unknownDmUsers: 'drop' })
    try {
      const run = await post({ room: '@nosuchuser', message: 'deploy done' }, server)
      expect(run.code).toBe(1)
      expect(run.annotations[0].message).toBe(
        'No user @nosuchuser on the server: cannot open a direct message. Check the username.'
      )
      expect(server.messages.size).toBe(0)
      expect(run.outputs['message-id']).toBeUndefined()
    } finally {
      await server.close()
    }
  })

  it('explains a disabled integration on a 6.x server', async () => {
    const server = await startFakeRocketChat({ version: '6', rateLimit: false })
    try {
      const run = await runAction({
        inputs: { 'webhook-url': server.url + INTEGRATIONS.disabled.path, message: 'x' }
      })
      expect(run.code).toBe(1)
      expect(run.annotations[0].message).toBe(
        "The webhook's integration is disabled (HTTP 503). Enable it in Administration > Integrations."
      )
    } finally {
      await server.close()
    }
  })

  it('updates a keyed message past the editing time limit, which bots bypass', async () => {
    fake.setSetting('Message_AllowEditing_BlockEditInMinutes', 5)
    try {
      const first = await post({
        room: '#general',
        message: 'Deploy started',
        'message-key': 'deploy-42'
      })
      expect(first.code).toBe(0)
      const id = first.outputs['message-id']
      const stored = fake.messages.get(id) as Stored
      stored.ts = new Date(Date.now() - 60 * 60_000).toISOString()
      const done = await post({
        room: '#general',
        message: 'Deploy done',
        'message-key': 'deploy-42'
      })
      expect(done.code).toBe(0)
      expect(done.outputs['message-id']).toBe(id)
      expect((fake.messages.get(id) as Stored).msg).toBe('Deploy done')
    } finally {
      fake.setSetting('Message_AllowEditing_BlockEditInMinutes', 0)
    }
  })
})
