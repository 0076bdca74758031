/**
 * Uploads: version detection, the server's size limit, rooms.media + rooms.mediaConfirm and
 * rooms.upload, against the fake server over real HTTP.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { resolveFiles, type LocalFile } from '../../src/action/files.js'
import { sendMessageOnce } from '../../src/rocketchat/api.js'
import { RocketChatError } from '../../src/rocketchat/errors.js'
import { newMessageId } from '../../src/rocketchat/ids.js'
import {
  planUploads,
  serverVersion,
  uploadFiles,
  uploadRouteFor,
  UploadError
} from '../../src/rocketchat/uploads.js'
import { startFakeRocketChat, SEED } from '../../test/fake-rocketchat/server.mjs'
import { fakeClient, type FakeClient } from '../helpers/fake-client.js'
import { fakeRocketChat, type Fake } from '../helpers/fake.js'

type Stored = Record<string, unknown> & { _id: string; rid: string; tmid?: string }

const GENERAL = SEED.rooms.general.id
let workspace: string
let files: LocalFile[]
const fake = fakeRocketChat()
let made: FakeClient[] = []

beforeAll(async () => {
  workspace = realpathSync(mkdtempSync(join(tmpdir(), 'rc-uploads-')))
  writeFileSync(join(workspace, 'build.log'), 'step 1 ok\nstep 2 FAILED\n')
  writeFileSync(join(workspace, 'shot.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]))
  files = await resolveFiles(['build.log', 'shot.png'], workspace, { maxBytes: 1024 })
})
afterAll(() => {
  rmSync(workspace, { recursive: true, force: true })
})
afterEach(async () => {
  await Promise.all(made.map((m) => m.dispatcher.destroy()))
  made = []
  fake.clearFaults()
})

/** Uploads the first file into #general with rooms.media, as `m`. */
function uploadFirst(m: FakeClient) {
  return uploadFiles(
    m.client,
    { route: 'rooms.media', files: files.slice(0, 1) },
    { roomId: GENERAL },
    m.log
  )
}

function connect(server: { url: string } = fake): FakeClient {
  const m = fakeClient(server)
  made.push(m)
  return m
}

function paths(server: Fake, from: number): string[] {
  return server.requests.slice(from).map((r: { path: string }) => r.path)
}

describe('uploads.ts: which upload API', () => {
  it.each([
    ['8.8', 'rooms.media'],
    ['10.0', 'rooms.media'],
    ['7.0', 'rooms.media'],
    ['6.13', 'rooms.media'],
    ['6.10', 'rooms.media'],
    ['6.9', 'rooms.upload'],
    ['5.4', 'rooms.upload'],
    [undefined, 'rooms.media'],
    ['unknown', 'rooms.media']
  ])('%s uses %s', (version, route) => {
    expect(uploadRouteFor(version)).toBe(route)
  })

  it('reads the version anyone may see from /api/info, without credentials', async () => {
    const from = fake.requests.length
    expect(await serverVersion(connect().client)).toBe('8.8')
    const info = fake.requests.slice(from)[0]
    expect(info.path).toBe('/api/info')
    expect(info.headers['x-auth-token']).toBeUndefined()
  })

  it('does without a version when /api/info does not answer', async () => {
    fake.inject({
      route: 'info',
      kind: 'status',
      status: 404,
      body: 'Not Found',
      contentType: 'text/plain'
    })
    expect(await serverVersion(connect().client)).toBeUndefined()
  })

  it('plans rooms.upload for a server older than 6.10', async () => {
    const old = await startFakeRocketChat({ version: '6', rateLimit: false })
    try {
      expect((await planUploads(connect(old).client, files)).route).toBe('rooms.media')
      old.inject({
        route: 'info',
        kind: 'status',
        status: 200,
        body: '{"version":"6.2","success":true}',
        contentType: 'application/json'
      })
      expect(await planUploads(connect(old).client, files)).toEqual({
        route: 'rooms.upload',
        files
      })
    } finally {
      await old.close()
    }
  })

  it("refuses a file over the server's FileUpload_MaxFileSize before uploading anything", async () => {
    fake.setSetting('FileUpload_MaxFileSize', 10)
    const from = fake.requests.length
    try {
      await expect(planUploads(connect().client, files)).rejects.toThrow(
        '"build.log" is 24 bytes, over the server\'s limit for uploads (FileUpload_MaxFileSize, 10 bytes).'
      )
      expect(paths(fake, from).filter((p) => p.includes('rooms.'))).toEqual([])
    } finally {
      fake.setSetting('FileUpload_MaxFileSize', SEED.settings.FileUpload_MaxFileSize)
    }
  })
})

describe('uploads.ts: posting files', () => {
  it('uploads with rooms.media then rooms.mediaConfirm on 8.x, one message per file', async () => {
    const m = connect()
    const plan = await planUploads(m.client, files)
    const from = fake.requests.length
    const messages = await uploadFiles(
      m.client,
      plan,
      { roomId: GENERAL, alias: 'CI', emoji: ':robot:' },
      m.log
    )
    expect(paths(fake, from)).toEqual([
      `/api/v1/rooms.media/${GENERAL}`,
      expect.stringMatching(new RegExp(`^/api/v1/rooms.mediaConfirm/${GENERAL}/[0-9a-f]{24}$`)),
      `/api/v1/rooms.media/${GENERAL}`,
      expect.stringMatching(/rooms.mediaConfirm/)
    ])
    expect(fake.requests[from].headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    expect(fake.requests[from + 1].body).toEqual({ alias: 'CI', emoji: ':robot:' })
    expect(messages).toHaveLength(2)
    const [log, png] = messages.map((msg) => fake.messages.get(msg._id) as Stored)
    expect(log).toMatchObject({
      rid: GENERAL,
      alias: 'CI',
      emoji: ':robot:',
      file: { name: 'build.log', type: 'text/plain', size: 24 },
      attachments: [{ title: 'build.log', type: 'file' }]
    })
    expect(png).toMatchObject({ file: { name: 'shot.png', type: 'image/png' } })
    const uploads = [...fake.uploads.values()].slice(-2)
    expect(uploads.map((u: { content: Buffer }) => u.content.toString())[0]).toBe(
      'step 1 ok\nstep 2 FAILED\n'
    )
    expect(uploads.every((u: { confirmed: boolean }) => u.confirmed)).toBe(true)
    expect(m.logs.info).toEqual([
      'Uploading "build.log" (24 bytes) into the room.',
      'Uploading "shot.png" (8 bytes) into the room.'
    ])
  })

  it('posts the files into a thread', async () => {
    const m = connect()
    const parent = await sendMessageOnce(m.client, {
      _id: newMessageId(),
      rid: GENERAL,
      msg: 'logs'
    })
    const [message] = await uploadFiles(
      m.client,
      { route: 'rooms.media', files: files.slice(0, 1) },
      { roomId: GENERAL, tmid: parent._id },
      m.log
    )
    expect(fake.messages.get(message._id)).toMatchObject({ tmid: parent._id })
  })

  it('uploads with rooms.upload on a server older than 6.10', async () => {
    const old = await startFakeRocketChat({ version: '6', rateLimit: false })
    try {
      const m = connect(old)
      const [message] = await uploadFiles(
        m.client,
        { route: 'rooms.upload', files: files.slice(0, 1) },
        { roomId: GENERAL, emoji: ':robot:' },
        m.log
      )
      expect(paths(old, 0)).toEqual([`/api/v1/rooms.upload/${GENERAL}`])
      expect(old.messages.get(message._id)).toMatchObject({
        emoji: ':robot:',
        file: { name: 'build.log' }
      })
    } finally {
      await old.close()
    }
  })

  it('falls back to rooms.upload when the server has no rooms.media', async () => {
    const old = await startFakeRocketChat({ version: '6', rateLimit: false })
    try {
      old.inject({
        route: 'rooms.media',
        kind: 'status',
        status: 404,
        body: '404 Not Found',
        contentType: 'text/plain'
      })
      const m = connect(old)
      const messages = await uploadFiles(
        m.client,
        { route: 'rooms.media', files },
        { roomId: GENERAL },
        m.log
      )
      expect(messages).toHaveLength(2)
      expect(paths(old, 0)).toEqual([
        `/api/v1/rooms.media/${GENERAL}`,
        `/api/v1/rooms.upload/${GENERAL}`,
        `/api/v1/rooms.upload/${GENERAL}`
      ])
      expect(m.logs.info).toContain(
        'The server has no rooms.media: uploading with rooms.upload, as before 6.10.'
      )
    } finally {
      await old.close()
    }
  })

  it('posts a file once when the answer to its confirmation is lost', async () => {
    const m = connect()
    const before = fake.messages.size
    const from = fake.requests.length
    // The fake, like the real server, posts the file again for a second confirmation.
    fake.inject({ route: 'rooms.mediaConfirm', kind: 'reset-after' })
    const messages = await uploadFirst(m)
    expect(fake.messages.size).toBe(before + 1)
    const stored = [...fake.messages.values()].at(-1) as Stored & { file: { _id: string } }
    expect(messages).toEqual([expect.objectContaining({ _id: stored._id })])
    expect(paths(fake, from).map((p) => p.replace(/[0-9a-f]{24}$/, ':file'))).toEqual([
      `/api/v1/rooms.media/${GENERAL}`,
      `/api/v1/rooms.mediaConfirm/${GENERAL}/:file`,
      '/api/v1/chat.syncMessages'
    ])
  })

  it('finds the file message of a lost confirmation on a 6.x server too', async () => {
    const old = await startFakeRocketChat({ version: '6', rateLimit: false })
    try {
      old.inject({ route: 'rooms.mediaConfirm', kind: 'reset-after' })
      const m = connect(old)
      const [message] = await uploadFirst(m)
      expect(old.messages.size).toBe(1)
      expect(old.messages.get(message._id)).toBeDefined()
    } finally {
      await old.close()
    }
  })

  it('confirms again when the lost confirmation did not post the file', async () => {
    const m = connect()
    const before = fake.messages.size
    fake.inject({ route: 'rooms.mediaConfirm', kind: 'reset-before' })
    const [message] = await uploadFirst(m)
    expect(fake.messages.size).toBe(before + 1)
    expect(fake.messages.get(message._id)).toBeDefined()
  })

  it('does not confirm again when whether the file was posted cannot be checked', async () => {
    const m = connect()
    const before = fake.messages.size
    fake.inject({ route: 'rooms.mediaConfirm', kind: 'reset-after' })
    fake.inject({ route: 'chat.syncMessages', kind: 'status', status: 500, times: 5 })
    const error = await uploadFirst(m).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UploadError)
    expect((error as Error).message).toMatch(
      /^Could not upload "build.log": the answer to its confirmation was lost, and whether the server posted it could not be checked \(.*HTTP 500.*\)\. It is not confirmed again/
    )
    expect(fake.messages.size).toBe(before + 1)
  })

  it('fails when the server confirms the upload but stores no message (an app blocked it)', async () => {
    const m = connect()
    fake.preventMessages(true)
    try {
      const error = await uploadFirst(m).catch((e: unknown) => e)
      expect((error as Error).message).toBe(
        'Could not upload "build.log": the server confirmed the upload but stored no message for it: an app installed on the server (Administration > Apps) may have blocked it.'
      )
    } finally {
      fake.preventMessages(false)
    }
  })

  it('retries an upload that failed on the way, sending the same bytes', async () => {
    const m = connect()
    fake.inject({ route: 'rooms.media', kind: 'reset-before' })
    const [message] = await uploadFirst(m)
    const upload = [...fake.uploads.values()].at(-1) as { content: Buffer }
    expect(upload.content.toString()).toBe('step 1 ok\nstep 2 FAILED\n')
    expect(fake.messages.get(message._id)).toBeDefined()
  })

  it('names the file the server refused', async () => {
    const m = connect()
    const error = await uploadFiles(
      m.client,
      { route: 'rooms.media', files: files.slice(1) },
      { roomId: SEED.rooms['secret-ops'].id },
      m.log
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UploadError)
    expect((error as Error).message).toMatch(
      /^Could not upload "shot.png": Rocket.Chat answered HTTP 403 to rooms.media\/\w+: unauthorized/
    )
    // The action words the cause for people: explain.test.ts checks that wording.
    expect((error as UploadError).cause).toBeInstanceOf(RocketChatError)
  })
})
