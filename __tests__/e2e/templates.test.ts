import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { USERS } from '../../test/fake-rocketchat/seed.mjs'
import { ROOT, runAction, withoutMaskCommands, asBot } from '../helpers/action.js'
import { FIXTURE_RUNS } from '../fixtures/events/runs.js'
import { fakeRocketChat } from '../helpers/fake.js'

type Field = { title: string; value: string; short?: boolean }
type Stored = {
  msg: string
  alias?: string
  attachments?: {
    color?: string
    title?: string
    title_link?: string
    fields?: Field[]
    text?: string
  }[]
}

const fake = fakeRocketChat()

const event = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(ROOT, '__tests__', 'fixtures', 'events', `${name}.json`), 'utf8'))

const SECRET_ENV = {
  GITHUB_TOKEN: 'ghs_runnerTokenValue1234567890',
  ACTIONS_RUNTIME_TOKEN: 'runtime-token-value-abc',
  MY_API_KEY: 'my-api-key-value-xyz'
}

async function post(
  inputs: Record<string, string>,
  options: Parameters<typeof runAction>[0] extends infer O ? Partial<O> : never = {}
) {
  const run = await runAction({
    ...options,
    inputs: {
      ...asBot(fake.url),
      room: '#ci-builds',
      ...inputs
    },
    env: { ...SECRET_ENV, ...options.env }
  })
  const visible = withoutMaskCommands(run.all)
  for (const secret of [USERS.bot.token, ...Object.values(SECRET_ENV)])
    expect(visible).not.toContain(secret)
  expect(run.code).toBe(0)
  const stored = fake.messages.get(run.outputs['message-id']) as Stored | undefined
  if (!stored) throw new Error(`nothing stored: ${run.stdout}`)
  for (const secret of Object.values(SECRET_ENV))
    expect(JSON.stringify(stored)).not.toContain(secret)
  return { run, stored }
}

function links(stored: Stored): string[] {
  const text = JSON.stringify(stored)
  return [...text.matchAll(/https?:\/\/[^\s)"\]|>\\]+/g)].map((m) => m[0])
}

const SERVERS = [
  ['github.com', 'https://github.com'],
  ['GHES', 'https://ghe.example.com']
] as const

describe('presets through the fake server', () => {
  describe.each(SERVERS)('on %s', (_, serverUrl) => {
    const env = { GITHUB_SERVER_URL: serverUrl }

    it.each([
      ['push', 'push', 'success', '#2eb886'],
      ['pull_request', 'pull_request', 'failure', '#d40e0d'],
      ['workflow_dispatch', 'workflow_dispatch', 'cancelled', '#9e9e9e'],
      ['schedule', 'schedule', 'success', '#2eb886'],
      ['push-no-author-account', 'push', 'failure', '#d40e0d']
    ])('posts the status of a %s event', async (fixture, eventName, status, color) => {
      const { stored } = await post(
        {},
        {
          event: event(fixture),
          eventName,
          jobStatus: status,
          env: { ...FIXTURE_RUNS[fixture], ...env }
        }
      )
      const word = { success: 'Succeeded', failure: 'Failed', cancelled: 'Cancelled' }[status]
      expect(stored.msg).toContain(word)
      const [card] = stored.attachments ?? []
      expect(card.color).toBe(color)
      expect(card.title_link).toBe(`${serverUrl}/octo-org/octo-repo/actions/runs/1658821493`)
      for (const field of card.fields ?? []) {
        expect(field.title).toBeTruthy()
        expect(String(field.value)).toBeTruthy()
      }
      // Every GitHub link follows GITHUB_SERVER_URL, so GitHub Enterprise Server works.
      for (const link of links(stored).filter((l) => /github|ghe\./.test(l))) {
        expect(link.startsWith(serverUrl)).toBe(true)
      }
    })

    it('posts the release on a release event', async () => {
      const release = event('release') as {
        release: { name: string; tag_name: string; body: string }
      }
      const { stored } = await post(
        {},
        { event: release, eventName: 'release', env: { ...FIXTURE_RUNS.release, ...env } }
      )
      const text = JSON.stringify(stored)
      expect(text).toContain(release.release.tag_name)
      expect(text).toContain(`${serverUrl}/`)
      // Links the release notes themselves contain are the author's text, not ours to rewrite.
      const inNotes = (link: string) => release.release.body.includes(link)
      for (const link of links(stored).filter((l) => /github|ghe\./.test(l) && !inNotes(l))) {
        expect(link.startsWith(serverUrl)).toBe(true)
      }
    })
  })

  it('shows the pull request with its title and link', async () => {
    const pr = event('pull_request') as { pull_request: { title: string; number: number } }
    const { stored } = await post(
      {},
      { event: pr, eventName: 'pull_request', jobStatus: 'failure' }
    )
    const text = JSON.stringify(stored)
    expect(text).toContain(pr.pull_request.title)
    expect(text).toContain(`https://github.com/octo-org/octo-repo/pull/${pr.pull_request.number}`)
  })

  it('pings the mention only when the status matches mention-if', async () => {
    const failed = await post({ mention: '@ops' }, { event: event('push'), jobStatus: 'failure' })
    expect(failed.stored.msg.startsWith('@ops ')).toBe(true)
    const passed = await post({ mention: '@ops' }, { event: event('push'), jobStatus: 'success' })
    expect(passed.stored.msg).not.toContain('@ops')
    const always = await post(
      { mention: '@ops', 'mention-if': 'always' },
      { event: event('push'), jobStatus: 'success' }
    )
    expect(always.stored.msg.startsWith('@ops ')).toBe(true)
  })
})

describe('templates are safe against what the event carries', () => {
  const hostile = [
    '@all free pizza in the kitchen',
    'Fix {{ env.GITHUB_TOKEN }} and {{ github.event }}',
    'Quote " and \\ backslash and\nnew line',
    '```\nswallow the rest',
    '[innocent](https://evil.example.com)',
    'x'.repeat(10_000)
  ]

  it.each(hostile.map((title) => [title.slice(0, 40), title]))(
    'posts a PR title %j literally',
    async (_, title) => {
      const pr = event('pull_request') as { pull_request: Record<string, unknown> }
      const payload = { ...pr, pull_request: { ...pr.pull_request, title } }
      const { stored } = await post(
        {
          message: 'PR: {{ github.event.pull_request.title }}',
          attachments: JSON.stringify([
            { title: '{{ github.event.pull_request.title }}', text: 'by {{ github.actor }}' }
          ]),
          'long-message': 'split'
        },
        { event: payload, eventName: 'pull_request' }
      )
      const attachment = stored.attachments?.[0] ?? {}
      // Nothing expanded twice: placeholders inside the value stay literal text.
      if (title.includes('{{')) {
        expect(stored.msg).toContain('{{ env.GITHUB_TOKEN }}')
        expect(attachment.title).toContain('{{ github.event }}')
      }
      // No room-wide mention survives; no code fence or link opens.
      expect(stored.msg).not.toMatch(/(^|\s)@all\b/)
      expect(attachment.title).not.toMatch(/(^|\s)@all\b/)
      expect(stored.msg).not.toContain('```')
      expect(stored.msg).not.toContain('](https://evil')
      // The JSON structure is the template's: no key was added.
      expect(Object.keys(attachment).sort()).toEqual(['text', 'title'])
      expect(attachment.text).toBe('by octocat')
      // What is left is the title itself, give or take zero-width spaces and look-alikes.
      const plain = (s: string) => s.replace(/\u200b/g, '')
      if (title.startsWith('Quote')) expect(plain(stored.msg)).toBe(`PR: ${title}`)
      if (title.startsWith('x')) expect(plain(attachment.title ?? '')).toBe(title)
    }
  )

  it('renders a commit message containing a mention and a template without expanding either', async () => {
    const push = event('push') as { head_commit: Record<string, unknown> }
    const payload = {
      ...push,
      head_commit: { ...push.head_commit, message: '@here {{ env.MY_API_KEY }} done' }
    }
    const { stored } = await post({ message: 'Commit: {{ commit_message }}' }, { event: payload })
    expect(stored.msg.replace(/\u200b/g, '')).toBe('Commit: @here {{ env.MY_API_KEY }} done')
    expect(stored.msg).not.toMatch(/(^|\s)@here\b/)
  })

  it('keeps mentions written in the template itself', async () => {
    const { stored } = await post({ message: '@all build {{ github.run_number }} is green' })
    expect(stored.msg).toBe('@all build 42 is green')
  })

  it('never exposes secret environment variables', async () => {
    const { stored, run } = await post(
      {
        message:
          'token={{ env.GITHUB_TOKEN }} runtime={{ env.ACTIONS_RUNTIME_TOKEN }} key={{ env.MY_API_KEY }} ok={{ env.DEPLOY_ENV }}',
        // Even listed, by name or by glob, secret-looking names stay out.
        'template-env': 'GITHUB_TOKEN, ACTIONS_*, MY_*, DEPLOY_ENV'
      },
      { env: { DEPLOY_ENV: 'staging' } }
    )
    expect(stored.msg).toBe('token= runtime= key= ok=staging')
    expect(
      run.annotations
        .filter((a) => a.level === 'warning')
        .map((a) => a.message)
        .join('\n')
    ).toMatch(/env\.GITHUB_TOKEN/)
  })

  it.each([
    ['users', '@\u200ball and @alice', true],
    ['none', '@\u200ball and @\u200balice', false],
    ['all', '@all and @alice', true]
  ])('applies allowed-mentions: %s to values', async (mode, expected) => {
    const pr = event('pull_request') as { pull_request: Record<string, unknown> }
    const payload = { ...pr, pull_request: { ...pr.pull_request, title: '@all and @alice' } }
    const { stored } = await post(
      { message: '{{ pr_title }}', 'allowed-mentions': mode },
      { event: payload, eventName: 'pull_request' }
    )
    expect(stored.msg).toBe(expected)
  })

  it('reads message and attachments from a YAML template-file in the workspace', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'rc-tpl-'))
    try {
      mkdirSync(join(workspace, '.github'))
      writeFileSync(
        join(workspace, '.github', 'notify.yml'),
        [
          'message: "Build {{ github.run_number }} on {{ branch }}"',
          'attachments:',
          '  - title: "{{ github.repository }}"',
          '    title_link: "{{ run_url }}"',
          '    fields:',
          '      - { short: true, title: Actor, value: "{{ github.actor }}" }',
          ''
        ].join('\n')
      )
      const { stored } = await post({ 'template-file': '.github/notify.yml' }, { cwd: workspace })
      expect(stored.msg).toBe('Build 42 on main')
      expect(stored.attachments).toEqual([
        {
          title: 'octo-org/octo-repo',
          title_link: 'https://github.com/octo-org/octo-repo/actions/runs/1658821493',
          fields: [{ short: true, title: 'Actor', value: 'octocat' }]
        }
      ])
    } finally {
      rmSync(workspace, { recursive: true, force: true })
    }
  })

  it('posts text literally with template: false', async () => {
    const { stored } = await post({ message: 'Literal {{ github.sha }} @all', template: 'false' })
    expect(stored.msg).toBe('Literal {{ github.sha }} @all')
  })

  it('fails on a template syntax error, naming the input and position, before sending', async () => {
    const from = fake.requests.length
    const run = await runAction({
      inputs: {
        ...asBot(fake.url),
        room: '#general',
        message: 'Hi {{#github.event}} unclosed'
      }
    })
    expect(run.code).toBe(1)
    expect(run.annotations[0]).toEqual({
      level: 'error',
      message: expect.stringMatching(/^Input "message": .*line 1, column \d+/)
    })
    expect(fake.requests.length).toBe(from)
  })
})
