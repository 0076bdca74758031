/**
 * Hostile text through the bundle and the fake server: env that templates may not read,
 * mentions built across values, and previews of links an attacker wrote.
 */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { USERS } from '../../test/fake-rocketchat/seed.mjs'
import { asBot, runAction, withoutMaskCommands } from '../helpers/action.js'
import { mentionsIn } from '../helpers/oracle.js'
import { prEvent } from '../helpers/context.js'
import { fakeRocketChat } from '../helpers/fake.js'

type Stored = {
  _id: string
  msg: string
  md?: unknown
  urls?: { url: string; ignoreParse?: boolean }[]
  tmid?: string
}

const fake = fakeRocketChat()
beforeEach(() => fake.setVersion('8'))

async function post(
  inputs: Record<string, string>,
  options: { env?: Record<string, string>; event?: unknown } = {}
) {
  const run = await runAction({
    inputs: { ...asBot(fake.url), room: '#ci-builds', ...inputs },
    eventName: options.event ? 'pull_request' : 'push',
    ...(options.event ? { event: options.event } : {}),
    env: options.env ?? {}
  })
  expect(withoutMaskCommands(run.all)).not.toContain(USERS.bot.token)
  const warnings = run.annotations.filter((a) => a.level === 'warning').map((a) => a.message)
  return { run, warnings, stored: fake.messages.get(run.outputs['message-id']) as Stored }
}

function sends(since: number) {
  return fake.requests.slice(since).filter((r) => r.path === '/api/v1/chat.sendMessage')
}

describe('template-env', () => {
  it('renders only listed variables and warns once, naming the others and how to allow them', async () => {
    const { run, stored, warnings } = await post(
      {
        message:
          '{{ env.DEPLOY_ENV }} {{ env.DEPLOY_REGION }} {{ env.DB_PASS }} {{ env.SENTRY_DSN }} {{ env.SSHPASS }}',
        'template-env': 'DEPLOY_*'
      },
      {
        env: {
          DEPLOY_ENV: 'prod',
          DEPLOY_REGION: 'eu',
          DB_PASS: 'hunter2-db-pass',
          SENTRY_DSN: 'https://key123@sentry.example/1',
          SSHPASS: 'ssh-pass-value'
        }
      }
    )
    expect(run.code).toBe(0)
    expect(stored.msg.trim()).toBe('prod eu')
    const about = warnings.filter((w) => w.includes('template-env'))
    expect(about).toHaveLength(1)
    expect(about[0]).toContain('{{ env.DB_PASS }}, {{ env.SENTRY_DSN }}, {{ env.SSHPASS }}')
    expect(about[0]).toContain('template-env: DB_PASS, SENTRY_DSN, SSHPASS')
    for (const value of ['hunter2-db-pass', 'key123', 'ssh-pass-value'])
      expect(run.all + JSON.stringify(stored)).not.toContain(value)
  })

  it('refuses, even when listed, a value that holds a masked secret', async () => {
    const { run, stored, warnings } = await post(
      { message: 'copy={{ env.COPY }} ok={{ env.PLAIN }}', 'template-env': 'COPY, PLAIN' },
      { env: { COPY: `Bearer ${USERS.bot.token}`, PLAIN: 'fine' } }
    )
    expect(run.code).toBe(0)
    expect(stored.msg).toBe('copy= ok=fine')
    expect(warnings.join('\n')).toMatch(
      /\{\{ env\.COPY \}\} rendered empty although template-env lists them: the value holds a secret/
    )
    expect(JSON.stringify(stored)).not.toContain(USERS.bot.token)
  })

  it('refuses a malformed entry before sending anything', async () => {
    const before = fake.messages.size
    const { run } = await post({ message: 'x', 'template-env': 'GOOD, BAD NAME' })
    expect(run.code).not.toBe(0)
    expect(run.annotations.map((a) => a.message).join('\n')).toMatch(
      /template-env.*"BAD NAME" is not a variable name or glob/
    )
    expect(fake.messages.size).toBe(before)
  })
})

describe('mentions built across values', () => {
  it.each([
    ['{{ github.event.pull_request.head.ref }}{{ github.event.pull_request.body }}', 'x @', 'all'],
    ['@{{ github.event.pull_request.title }}', 'feature', 'here']
  ])('%s: the stored message has no working room mention', async (message, ref, value) => {
    const event = prEvent({ head: { ref, sha: 'a' }, body: value, title: value })
    const { stored, run } = await post({ message }, { event })
    expect(run.code).toBe(0)
    // The server's parser, on the fake's side (stored md) and on ours, finds no @all / @here.
    const md = JSON.stringify(stored.md)
    expect(md).not.toMatch(/MENTION_USER","value":\{"type":"PLAIN_TEXT","value":"(all|here)"/)
    expect(mentionsIn(stored.msg)).toEqual([])
    expect(stored.msg.replaceAll('\u200b', '')).toContain(`@${value}`)
  })

  it('keeps the template own @all', async () => {
    const { stored } = await post(
      { message: '@all {{ github.event.pull_request.title }}' },
      { event: prEvent({ title: 'release' }) }
    )
    expect(mentionsIn(stored.msg)).toEqual(['@all'])
  })
})

describe('link previews', () => {
  const message = 'Docs: https://docs.example/guide | title: {{ github.event.pull_request.title }}'
  const event = prEvent({ title: 'see https://attacker.example/card' })

  it('only the template own links get a preview (previewUrls)', async () => {
    const since = fake.requests.length
    const { stored } = await post({ message }, { event })
    expect(stored.urls).toEqual([
      { url: 'https://docs.example/guide' },
      { url: 'https://attacker.example/card', ignoreParse: true }
    ])
    expect(sends(since).map((r) => (r.body as { previewUrls?: string[] }).previewUrls)).toEqual([
      ['https://docs.example/guide']
    ])
  })

  it.each([
    ['none', [true, true]],
    ['all', [false, false]]
  ])('link-previews: %s', async (mode, ignored) => {
    const { stored } = await post({ message, 'link-previews': mode }, { event })
    expect(stored.urls?.map((u) => Boolean(u.ignoreParse))).toEqual(ignored)
  })

  it('on a server that refuses previewUrls, sends again without it once and remembers for the step', async () => {
    fake.setVersion('6.3')
    const before = fake.messages.size
    const since = fake.requests.length
    const long = `${message} ${'word '.repeat(40)}`
    const { run, stored } = await post(
      { message: long, 'long-message': 'split', 'max-message-length': '120' },
      { event }
    )
    expect(run.code).toBe(0)
    const parts = Number(run.outputs.parts ?? '0') || fake.messages.size - before
    expect(parts).toBeGreaterThan(1)
    // Every part stored exactly once; only the very first request carried previewUrls.
    expect(fake.messages.size - before).toBe(parts)
    const bodies = sends(since).map(
      (r) => r.body as { previewUrls?: unknown; message: { _id: string } }
    )
    expect(bodies.filter((b) => b.previewUrls !== undefined)).toHaveLength(1)
    expect(bodies).toHaveLength(parts + 1)
    expect(bodies[0].message._id).toBe(bodies[1].message._id)
    expect(stored.msg).toContain('https://docs.example/guide')
  })

  it('chat.update falls back too (message-key, update mode)', async () => {
    fake.setVersion('6.3')
    const key = `deploy-${Date.now()}`
    const first = await post({ message: 'v1 https://docs.example/a', 'message-key': key })
    expect(first.run.code).toBe(0)
    const since = fake.requests.length
    const second = await post({ message: 'v2 https://docs.example/b', 'message-key': key })
    expect(second.run.code).toBe(0)
    const updates = fake.requests.slice(since).filter((r) => r.path === '/api/v1/chat.update')
    expect(updates.map((r) => r.status)).toEqual([400, 200])
    expect(fake.messages.get(first.stored._id)?.msg).toBe('v2 https://docs.example/b')
  })
})
