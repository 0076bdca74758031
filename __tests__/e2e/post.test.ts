import { describe, expect, it } from '@jest/globals'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startFakeRocketChat } from '../../test/fake-rocketchat/server.mjs'
import { ROOMS, USERS } from '../../test/fake-rocketchat/seed.mjs'
import { runAction, withoutMaskCommands, type ActionRun } from '../helpers/action.js'
import { fakeRocketChat } from '../helpers/fake.js'

type Stored = Record<string, unknown> & { _id: string; rid: string; msg: string }

const fake = fakeRocketChat()

function post(
  inputs: Record<string, string>,
  user: keyof typeof USERS = 'bot',
  extra: Partial<Parameters<typeof runAction>[0]> = {}
) {
  const who = USERS[user] as { id: string; token: string }
  return runAction({
    inputs: {
      'server-url': fake.url,
      'auth-token': who.token,
      'user-id': who.id,
      ...inputs
    },
    ...extra
  })
}

function stored(id: string): Stored {
  const message = fake.messages.get(id) as Stored | undefined
  if (!message) throw new Error(`message ${id} was not stored`)
  return message
}

function storedCount(): number {
  return fake.messages.size
}

/** The properties every run must have, whatever happened. */
function expectClean(run: ActionRun, secrets: string[] = [USERS.bot.token, USERS.ci.token]) {
  const visible = withoutMaskCommands(run.all)
  for (const secret of secrets) expect(visible).not.toContain(secret)
  // Never a stack trace.
  expect(run.all).not.toMatch(/\n\s+at .+:\d+:\d+/)
}

describe('posting (dist/index.js against the fake server)', () => {
  it('posts to #name and returns every output', async () => {
    const run = await post({ room: '#general', message: 'Build *passed* :white_check_mark:' })
    expect(run.code).toBe(0)
    expectClean(run)
    expect(run.stdout).toContain(`::add-mask::${USERS.bot.token}`)
    const { outputs } = run
    const message = stored(outputs['message-id'])
    expect(message.msg).toBe('Build *passed* :white_check_mark:')
    expect(message.rid).toBe('GENERAL')
    expect(outputs['message-id']).toMatch(/^[23456789A-Za-z]{17}$/)
    expect(outputs['room-id']).toBe('GENERAL')
    expect(outputs['room-name']).toBe('general')
    expect(outputs['room-type']).toBe('c')
    expect(outputs['thread-id']).toBe('')
    expect(new Date(outputs.ts).toISOString()).toBe(outputs.ts)
    expect(outputs['message-url']).toBe(`${fake.url}/channel/general?msg=${outputs['message-id']}`)
    expect(run.summary).toContain(outputs['message-url'])
    expect(run.summary).toContain('GENERAL')

    const send = fake.requests
      .filter((r: { path: string }) => r.path === '/api/v1/chat.sendMessage')
      .at(-1)
    expect(send.headers['content-type']).toBe('application/json')
    expect(send.headers['x-auth-token']).toBe(USERS.bot.token)
    expect(send.headers['x-user-id']).toBe(USERS.bot.id)
  })

  it('keeps a sub-path of server-url, as behind a reverse proxy at /chat', async () => {
    const target = new URL(fake.url)
    const seen: string[] = []
    const prefixProxy = createServer((req, res) => {
      seen.push(req.url ?? '')
      if (!req.url?.startsWith('/chat/')) return void res.writeHead(404).end()
      const upstream = request(
        {
          host: target.hostname,
          port: target.port,
          path: req.url.slice('/chat'.length),
          method: req.method,
          headers: req.headers
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        }
      )
      req.pipe(upstream)
    })
    await new Promise<void>((done) => prefixProxy.listen(0, '127.0.0.1', done))
    try {
      const { port } = prefixProxy.address() as AddressInfo
      const run = await post({
        'server-url': `http://127.0.0.1:${port}/chat/`,
        room: '#general',
        message: 'behind /chat'
      })
      expect(run.annotations).toEqual([])
      expect(run.code).toBe(0)
      expect(seen).toEqual([
        '/chat/api/v1/rooms.info?roomName=general',
        '/chat/api/v1/chat.sendMessage'
      ])
      expect(run.outputs['message-url']).toBe(
        `http://127.0.0.1:${port}/chat/channel/general?msg=${run.outputs['message-id']}`
      )
    } finally {
      prefixProxy.close()
    }
  })

  it('resolves a name with one request, however many rooms the user is in', async () => {
    const from = fake.requests.length
    const run = await post({ room: 'releases', message: 'v1.2.3 is out' })
    expect(run.code).toBe(0)
    const paths = fake.requests.slice(from).map((r: { path: string }) => r.path)
    expect(paths).toEqual(['/api/v1/rooms.info', '/api/v1/chat.sendMessage'])
    expect(run.outputs['room-id']).toBe(ROOMS.releases.id)
  })

  it('posts to a room given by id', async () => {
    const run = await post({ room: ROOMS['ci-builds'].id, message: 'by id' })
    expect(run.code).toBe(0)
    expect(run.outputs['room-name']).toBe('ci-builds')
    expect(stored(run.outputs['message-id']).rid).toBe(ROOMS['ci-builds'].id)
  })

  it('posts to a private group and links to /group/', async () => {
    const run = await post({ room: '#deploys', message: 'deploying' })
    expect(run.code).toBe(0)
    expect(run.outputs['room-type']).toBe('p')
    expect(run.outputs['message-url']).toBe(
      `${fake.url}/group/deploys?msg=${run.outputs['message-id']}`
    )
  })

  it('opens a direct message for @username and links to /direct/', async () => {
    const run = await post({ room: '@alice', message: 'psst' })
    expect(run.code).toBe(0)
    const rid = [USERS.bot.id, USERS.alice.id].sort().join('')
    expect(run.outputs['room-id']).toBe(rid)
    expect(run.outputs['room-type']).toBe('d')
    expect(run.outputs['room-name']).toBe('alice')
    expect(run.outputs['message-url']).toBe(
      `${fake.url}/direct/${rid}?msg=${run.outputs['message-id']}`
    )
    expect(stored(run.outputs['message-id']).rid).toBe(rid)
  })

  it("finds a room by its display name among the user's rooms", async () => {
    const run = await post({ room: 'Team QA', message: 'by display name' })
    expect(run.code).toBe(0)
    expect(run.outputs['room-id']).toBe(ROOMS['team-qa'].id)
  })

  it('suggests close names when no room matches', async () => {
    const count = storedCount()
    const run = await post({ room: '#generl', message: 'typo' })
    expect(run.code).toBe(1)
    expect(run.annotations).toEqual([
      expect.objectContaining({
        level: 'error',
        message: expect.stringMatching(/No room #generl .*Did you mean #general\?/)
      })
    ])
    expect(storedCount()).toBe(count)
  })

  it('posts attachments given as an array or as one object', async () => {
    const array = await post({
      room: '#general',
      message: '',
      attachments: JSON.stringify([
        {
          title: 'Build',
          title_link: 'https://github.com/o/r/actions/runs/1',
          color: '#2eb886',
          fields: [{ short: true, title: 'Branch', value: 'main' }]
        }
      ])
    })
    expect(array.code).toBe(0)
    expect(stored(array.outputs['message-id']).attachments).toEqual([
      {
        title: 'Build',
        title_link: 'https://github.com/o/r/actions/runs/1',
        color: '#2eb886',
        fields: [{ short: true, title: 'Branch', value: 'main' }]
      }
    ])
    const single = await post({
      room: '#general',
      message: 'with one',
      attachments: '{"text":"one"}'
    })
    expect(single.code).toBe(0)
    expect(stored(single.outputs['message-id']).attachments).toEqual([{ text: 'one' }])
  })

  it('sets alias, emoji and avatar for a user with message-impersonate', async () => {
    const run = await post({
      room: '#general',
      message: 'as someone',
      alias: 'Release Bot',
      emoji: 'rocket',
      avatar: 'https://example.com/a.png'
    })
    expect(run.code).toBe(0)
    const message = stored(run.outputs['message-id'])
    expect(message).toMatchObject({
      alias: 'Release Bot',
      emoji: ':rocket:',
      avatar: 'https://example.com/a.png'
    })
  })

  it('replies in a thread and broadcasts when asked', async () => {
    const parent = await post({ room: '#general', message: 'parent' })
    const reply = await post({
      room: '#general',
      message: 'reply',
      'thread-id': parent.outputs['message-id'],
      'thread-broadcast': 'true'
    })
    expect(reply.code).toBe(0)
    expect(reply.outputs['thread-id']).toBe(parent.outputs['message-id'])
    expect(stored(reply.outputs['message-id'])).toMatchObject({
      tmid: parent.outputs['message-id'],
      tshow: true
    })
  })

  it('turns a failure into a warning with fail-on-error: false', async () => {
    const run = await runAction({
      inputs: {
        'server-url': fake.url,
        'auth-token': 'wrong-token',
        'user-id': USERS.bot.id,
        room: '#general',
        message: 'x',
        'fail-on-error': 'false'
      }
    })
    expect(run.code).toBe(0)
    expect(run.annotations).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(/HTTP 401.*fail-on-error is false/)
      })
    ])
    expect(run.outputs['message-id']).toBeUndefined()
    expectClean(run, ['wrong-token'])
  })

  it('dry-run prints the exact body, sends nothing and needs no server', async () => {
    const from = fake.requests.length
    const count = storedCount()
    const run = await post({
      room: '#general',
      message: 'hello {{ github.repository }}',
      'dry-run': 'true',
      emoji: ':tada:'
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`POST ${fake.url}/api/v1/chat.sendMessage`)
    expect(run.stdout).toContain('"msg": "hello octo-org/octo-repo"')
    expect(run.stdout).toContain('"emoji": ":tada:"')
    expect(fake.requests.length).toBe(from)
    expect(storedCount()).toBe(count)
    expectClean(run)

    const offline = await runAction({
      inputs: {
        'server-url': 'https://chat.invalid',
        room: '#general',
        message: 'offline',
        'dry-run': 'true'
      }
    })
    expect(offline.code).toBe(0)
    expect(offline.stdout).toContain('"msg": "offline"')
  })

  it('refuses plain http to a remote host, even in a dry run, unless allow-insecure-http', async () => {
    // Credentials that would go to `serverUrl`; nothing listens on these hosts.
    const over = (serverUrl: string, extra: Record<string, string>) =>
      runAction({
        inputs: {
          'server-url': serverUrl,
          'auth-token': 't0ken-value',
          'user-id': 'u',
          room: '#general',
          message: 'x',
          ...extra
        }
      })
    const run = await over('http://chat.example.com', { 'dry-run': 'true' })
    // A dry run says what a real run would do: refuse.
    expect(run.code).toBe(1)
    expect(run.annotations[0].message).toMatch(/allow-insecure-http: true/)
    const real = await over('http://127.0.0.2:9', { retries: '0' })
    expect(real.annotations.filter((a) => a.level === 'warning')).toEqual([])
    const remote = await over('http://chat.invalid', { retries: '0' })
    expect(remote.annotations[0]).toEqual({
      level: 'error',
      message: expect.stringMatching(
        /plain http to chat.invalid: auth-token and user-id would travel in clear text.*allow-insecure-http: true/
      )
    })
    const allowed = await over('http://chat.invalid', {
      retries: '0',
      'allow-insecure-http': 'true'
    })
    expect(allowed.annotations[0]).toEqual({
      level: 'warning',
      message: expect.stringMatching(/plain http to chat.invalid \(allow-insecure-http is true\)/)
    })
    expectClean(remote, ['t0ken-value'])
  })
})

describe('errors a person can act on', () => {
  it.each<['8' | '6', RegExp]>([
    [
      '8',
      /refused the credentials \(HTTP 401: "You must be logged in to do this."\)\. Check that auth-token .* user-id/
    ],
    [
      '6',
      /refused the credentials \(HTTP 401: "You must be logged in to do this."\)\. Check that auth-token .* user-id/
    ]
  ])('explains a 401 from a %s.x server', async (version, expected) => {
    const server = await startFakeRocketChat({ version, rateLimit: false })
    try {
      const run = await runAction({
        inputs: {
          'server-url': server.url,
          'auth-token': 'not-the-token',
          'user-id': USERS.bot.id,
          room: '#general',
          message: 'x'
        }
      })
      expect(run.code).toBe(1)
      expect(run.annotations).toEqual([
        { level: 'error', message: expect.stringMatching(expected) }
      ])
      expect(server.messages.size).toBe(0)
      expectClean(run, ['not-the-token'])
    } finally {
      await server.close()
    }
  })

  it('explains that alias and avatar need message-impersonate', async () => {
    const count = storedCount()
    const run = await post({ room: '#general', message: 'x', alias: 'Someone' }, 'ci')
    expect(run.code).toBe(1)
    expect(run.annotations[0].message).toMatch(
      /alias or avatar \("Not enough permission"\): that needs the message-impersonate permission, which the bot role has/
    )
    expect(storedCount()).toBe(count)
    expectClean(run)
  })

  it('explains error-not-allowed as a membership problem', async () => {
    fake.inject({
      route: 'chat.sendMessage',
      kind: 'status',
      status: 400,
      body: '{"success":false,"error":"error-not-allowed"}',
      contentType: 'application/json'
    })
    const run = await post({ room: '#deploys', message: 'x' })
    expect(run.code).toBe(1)
    expect(run.annotations[0].message).toMatch(
      /not allowed to post in #deploys \("error-not-allowed"\).*Invite the user/
    )
  })

  it('refuses a private room the user is not in, before sending', async () => {
    const count = storedCount()
    const run = await post({ room: '#secret-ops', message: 'x' })
    expect(run.code).toBe(1)
    expect(run.annotations[0].message).toMatch(/#secret-ops exists but .* not a member/)
    expect(storedCount()).toBe(count)
  })

  it('explains an archived room, before sending', async () => {
    const count = storedCount()
    const run = await post({ room: '#old-builds', message: 'x' })
    expect(run.code).toBe(1)
    expect(run.annotations[0].message).toMatch(/^#old-builds is archived .*Unarchive it/)
    expect(storedCount()).toBe(count)
  })

  it('explains the server size limit', async () => {
    const count = storedCount()
    const run = await post({
      room: '#general',
      message: 'x'.repeat(5500),
      'max-message-length': '6000'
    })
    expect(run.code).toBe(1)
    expect(run.annotations[0].message).toMatch(
      /longer than the server allows .*Message_MaxAllowedSize.*5000 characters by default/
    )
    expect(storedCount()).toBe(count)
  })

  it('passes on any other server error with its status and text', async () => {
    const run = await post({ room: '#announcements', message: 'x' }, 'ci')
    expect(run.code).toBe(1)
    expect(run.annotations[0].message).toMatch(
      /#announcements is read-only \("You can't send messages because the room is readonly."\)/
    )
    fake.inject({
      route: 'chat.sendMessage',
      kind: 'status',
      status: 400,
      body: '{"success":false,"error":"Something odd [error-odd]","errorType":"error-odd"}',
      contentType: 'application/json'
    })
    const odd = await post({ room: '#general', message: 'x' })
    expect(odd.annotations[0].message).toBe(
      'Rocket.Chat answered HTTP 400 to chat.sendMessage: Something odd [error-odd]'
    )
  })

  it.each([
    [
      { attachments: '[{"title": "a",}]' },
      /^Input "attachments": is not valid JSON: .* at line 1, column 16\.$/
    ],
    [
      { attachments: '[{"title":"ok"},{"fields":[{"title":"t"}]}]' },
      /^Input "attachments": attachments\[1\]\.fields\[0\] needs a non-empty "title" and "value"/
    ],
    [
      { attachments: '[{"image_url":"/relative.png"}]' },
      /attachments\[0\]\.image_url is "\/relative.png"/
    ],
    [{ room: '' }, /^Input "room": is required/],
    [{ retries: 'many' }, /^Input "retries": "many" is not a whole number/],
    [{ 'server-url': 'chat.example.com' }, /^Input "server-url": "chat.example.com" is not a URL/]
  ])('refuses bad input %j before sending anything', async (inputs, expected) => {
    const from = fake.requests.length
    const run = await post({ room: '#general', message: 'x', ...inputs })
    expect(run.code).toBe(1)
    expect(run.annotations).toEqual([{ level: 'error', message: expect.stringMatching(expected) }])
    expect(fake.requests.length).toBe(from)
    expectClean(run)
  })
})
