import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readWorkflowContext } from '../../src/action/context.js'
import type { WorkflowContext } from '../../src/message/context.js'
import { ZWSP } from '../../src/message/neutralise.js'
import {
  releasePreset,
  statusPreset,
  trimNotes,
  type PresetContent
} from '../../src/message/presets.js'
import { fixtureEnv } from '../fixtures/events/runs.js'

const EVENTS = fileURLToPath(new URL('../fixtures/events/', import.meta.url))
const SERVERS = ['https://github.com', 'https://ghe.example.com']

// Tests edit recorded payloads deep inside; a typed model of every webhook is not worth it here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Payload = Record<string, any>

function context(
  event: string,
  server = SERVERS[0],
  status = 'failure',
  path?: string
): WorkflowContext {
  return readWorkflowContext(
    fixtureEnv(event, { GITHUB_SERVER_URL: server, ...(path && { GITHUB_EVENT_PATH: path }) }),
    status
  )
}

function withEvent(
  event: string,
  edit: (payload: Payload) => void,
  status = 'failure'
): WorkflowContext {
  const payload = JSON.parse(readFileSync(join(EVENTS, `${event}.json`), 'utf8')) as Payload
  edit(payload)
  const path = join(mkdtempSync(join(tmpdir(), 'preset-')), 'event.json')
  writeFileSync(path, JSON.stringify(payload))
  return context(event, SERVERS[0], status, path)
}

type Field = { short: boolean; title: string; value: string }
const fieldsOf = (content: PresetContent): Field[] =>
  (content.attachments[0].fields ?? []) as Field[]
const field = (content: PresetContent, title: string): string | undefined =>
  fieldsOf(content).find((f) => f.title === title)?.value

function links(content: PresetContent): string[] {
  const texts = [
    content.text,
    ...content.attachments.flatMap((a) =>
      fieldsOf({ text: '', attachments: [a] }).map((f) => f.value)
    )
  ]
  const found = texts.flatMap((text) => [...text.matchAll(/\]\((\S+?)\)/g)].map((m) => m[1]))
  for (const a of content.attachments)
    if (typeof a.title_link === 'string') found.push(a.title_link)
  return found
}

function expectWellFormed(content: PresetContent): void {
  expect(content.text.trim()).not.toBe('')
  expect(content.attachments).toHaveLength(1)
  for (const f of fieldsOf(content)) {
    // Rocket.Chat rejects the whole message for a field with an empty title or value.
    expect(typeof f.title).toBe('string')
    expect(typeof f.value).toBe('string')
    expect(f.title.trim()).not.toBe('')
    expect(f.value.trim()).not.toBe('')
    expect(typeof f.short).toBe('boolean')
  }
}

const STATUS_EVENTS = [
  'push',
  'push-no-author-account',
  'push-tag-deleted',
  'pull_request',
  'workflow_dispatch',
  'schedule'
]

describe('statusPreset', () => {
  describe.each(SERVERS)('on %s', (server) => {
    it.each(STATUS_EVENTS)('%s reads well and links only to the server', (event) => {
      const ctx = context(event, server)
      const content = statusPreset(ctx, { allowedMentions: 'users' })
      const runUrl = `${server}/${ctx.github.repository}/actions/runs/1658821493`
      expectWellFormed(content)
      const urls = links(content)
      expect(urls.length).toBeGreaterThanOrEqual(4)
      for (const url of urls) expect(url.startsWith(`${server}/`)).toBe(true)
      expect(content.attachments[0].title_link).toBe(runUrl)
      expect(content.text).toContain(`[Run #42](${runUrl})`)
      expect(field(content, 'Triggered by')).toBe(`[Codertocat](${server}/Codertocat)`)
    })
  })

  it.each([
    ['success', '✅ *Succeeded*', '#2eb886'],
    ['failure', '❌ *Failed*', '#d40e0d'],
    ['cancelled', '⚪ *Cancelled*', '#9e9e9e'],
    ['skipped', '❔ *skipped*', '#9e9e9e'],
    ['', '❔ *Status unknown*', '#9e9e9e']
  ])('shows status %j as %s in %s', (status, word, color) => {
    const content = statusPreset(context('push', SERVERS[0], status), { allowedMentions: 'users' })
    expect(content.text.startsWith(`${word}: CI / build on master in `)).toBe(true)
    expect(content.attachments[0].color).toBe(color)
  })

  it('push: branch, commit with its message and author', () => {
    const content = statusPreset(context('push'), { allowedMentions: 'users' })
    expect(field(content, 'Branch')).toBe(
      '[master](https://github.com/Codertocat/Hello-World/tree/master)'
    )
    expect(field(content, 'Commit')).toBe(
      '[6113728](https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246) Initial commit — Codertocat'
    )
    expect(field(content, 'Event')).toBe('push')
    expect(field(content, 'Repository')).toBe(
      '[Codertocat/Hello-World](https://github.com/Codertocat/Hello-World)'
    )
  })

  it('push by an author without a GitHub account: the name, first line only', () => {
    const content = statusPreset(context('push-no-author-account'), { allowedMentions: 'users' })
    expect(field(content, 'Commit')).toMatch(/\) Fix typo in README — Jane Doe$/)
  })

  it('deleted tag (head_commit null): no commit message, the tag instead of a branch', () => {
    const content = statusPreset(context('push-tag-deleted'), { allowedMentions: 'users' })
    expect(content.text).toContain('on tag simple-tag')
    expect(field(content, 'Tag')).toBe(
      '[simple-tag](https://github.com/Codertocat/Hello-World/tree/simple-tag)'
    )
    expect(field(content, 'Branch')).toBeUndefined()
  })

  it('pull request: number, title and link, branches, author, head commit', () => {
    const content = statusPreset(context('pull_request'), { allowedMentions: 'users' })
    expect(content.text).toContain('for PR #2')
    expect(field(content, 'Pull request')).toBe(
      '[#2](https://github.com/Codertocat/Hello-World/pull/2) Update the README with new information.'
    )
    expect(field(content, 'Branch')).toBe('Codertocat:changes → master')
    expect(field(content, 'Author')).toBe('[Codertocat](https://github.com/Codertocat)')
    expect(field(content, 'Commit')).toBe(
      '[ec26c3e](https://github.com/Codertocat/Hello-World/commit/ec26c3e57ca3a959ca5aad62de7213c562f8c821)'
    )
  })

  it('workflow_dispatch and schedule say how the run started', () => {
    const dispatch = statusPreset(context('workflow_dispatch'), { allowedMentions: 'users' })
    expect(field(dispatch, 'Event')).toBe('workflow_dispatch (run by hand)')
    expect(field(dispatch, 'Commit')).toMatch(/^\[3484a2e\]\(/)
    const schedule = statusPreset(context('schedule'), { allowedMentions: 'users' })
    expect(field(schedule, 'Event')).toBe('schedule `*/15 * * * *`')
  })

  it('a re-run by someone else names both', () => {
    const ctx = context('push')
    ctx.github.triggering_actor = 'hubot'
    expect(field(statusPreset(ctx, { allowedMentions: 'users' }), 'Triggered by')).toBe(
      '[Codertocat](https://github.com/Codertocat) (re-run by [hubot](https://github.com/hubot))'
    )
  })

  it('neutralises PR titles, branch names and commit messages', () => {
    const ctx = withEvent('pull_request', (p) => {
      p.pull_request.title = '@all urgent [click](https://evil.example) ```'
      p.pull_request.head.label = 'mallory:@here'
    })
    const content = statusPreset(ctx, { allowedMentions: 'users' })
    const pr = field(content, 'Pull request') ?? ''
    expect(pr).toContain(
      `@${ZWSP}all urgent [click]${ZWSP}(https://evil.example) \u02CB\u02CB\u02CB`
    )
    expect(field(content, 'Branch')).toBe(`mallory:@${ZWSP}here → master`)
    const push = withEvent('push', (p) => {
      p.head_commit.message = '@here *bold\n\nbody'
      p.head_commit.author = { name: '@channel' }
    })
    const commit = field(statusPreset(push, { allowedMentions: 'users' }), 'Commit') ?? ''
    expect(commit).toMatch(new RegExp(`@${ZWSP}here \u2217bold — @${ZWSP}channel$`))
  })

  it('never crashes on a sparse or empty event', () => {
    for (const edit of [
      (p: Payload) => delete p.head_commit,
      (p: Payload) => (p.head_commit = { id: 'x' }),
      (p: Payload) => (p.head_commit.author = null)
    ]) {
      expectWellFormed(statusPreset(withEvent('push', edit), { allowedMentions: 'users' }))
    }
    expectWellFormed(statusPreset(readWorkflowContext({}, 'success'), { allowedMentions: 'users' }))
  })
})

describe('releasePreset', () => {
  describe.each(SERVERS)('on %s', (server) => {
    it('shows name, tag, link, author and notes, linking only to the server', () => {
      const content = releasePreset(context('release', server), { allowedMentions: 'users' })
      expectWellFormed(content)
      for (const url of links(content)) expect(url.startsWith(`${server}/`)).toBe(true)
      const url = `${server}/Codertocat/Hello-World/releases/tag/0.0.1`
      expect(content.text.split('\n')[0]).toBe(
        `🚀 New release: [*First release* (0.0.1)](${url}) of [Codertocat/Hello-World](${server}/Codertocat/Hello-World)`
      )
      expect(content.attachments[0].title).toBe('First release')
      expect(content.attachments[0].title_link).toBe(url)
      expect(field(content, 'Tag')).toBe(`[\`0.0.1\`](${server}/Codertocat/Hello-World/tree/0.0.1)`)
      expect(field(content, 'Author')).toBe(`[Codertocat](${server}/Codertocat)`)
    })
  })

  it('keeps the notes as markdown, with line ends normalised', () => {
    const content = releasePreset(context('release'), { allowedMentions: 'users' })
    expect(content.text).toContain(
      "\n\n## What's Changed\n* Update the README with new information. by @Codertocat in "
    )
    expect(content.text).not.toContain('\r')
  })

  it('neutralises room-wide mentions in the notes, and personal ones with none', () => {
    const ctx = withEvent('release', (p) => (p.release.body = '@all please upgrade, thanks @alice'))
    expect(releasePreset(ctx, { allowedMentions: 'users' }).text).toContain(
      `@${ZWSP}all please upgrade, thanks @alice`
    )
    expect(releasePreset(ctx, { allowedMentions: 'none' }).text).toContain(
      `@${ZWSP}all please upgrade, thanks @${ZWSP}alice`
    )
  })

  it('trims long notes to the limit with a link to the rest', () => {
    const body = Array.from({ length: 400 }, (_, i) => `* change ${i} 🎉 by @dev${i}`).join('\n')
    const ctx = withEvent('release', (p) => (p.release.body = body))
    for (const maxLength of [5000, 1000, 300]) {
      const { text } = releasePreset(ctx, { allowedMentions: 'users', maxLength })
      expect(text.length).toBeLessThanOrEqual(maxLength)
      expect(text).toMatch(
        /\n\n… \[Read the full release notes\]\(https:\/\/github\.com\/Codertocat\/Hello-World\/releases\/tag\/0\.0\.1\)$/
      )
      expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
    }
    const short = releasePreset(context('release'), { allowedMentions: 'users', maxLength: 5000 })
    expect(short.text).not.toContain('Read the full release notes')
  })

  it('never cuts inside a surrogate pair and closes a code block it cut into', () => {
    const emoji = '😀'.repeat(3000)
    for (let room = 1; room < 40; room++) {
      const kept = trimNotes(emoji, room)
      expect(kept.length).toBeLessThanOrEqual(room)
      expect(kept.length % 2).toBe(0)
    }
    const fenced = trimNotes(`Intro\n\n\`\`\`sh\n${'echo hi\n'.repeat(500)}\`\`\``, 200)
    expect(fenced.length).toBeLessThanOrEqual(200)
    expect(fenced.endsWith('\n```')).toBe(true)
    expect(fenced.match(/^```/gm)).toHaveLength(2)
  })

  it('handles a release without name, body or author, and other actions', () => {
    const ctx = withEvent('release', (p) => {
      p.action = 'prereleased'
      p.release.name = null
      p.release.body = null
      p.release.author = null
      p.release.prerelease = true
    })
    const content = releasePreset(ctx, { allowedMentions: 'users' })
    expectWellFormed(content)
    expect(content.text).toBe(
      '🧪 New pre-release: [*0.0.1*](https://github.com/Codertocat/Hello-World/releases/tag/0.0.1) of [Codertocat/Hello-World](https://github.com/Codertocat/Hello-World)'
    )
    expect(field(content, 'Pre-release')).toBe('yes')
    const edited = withEvent('release', (p) => (p.action = 'edited'))
    expect(releasePreset(edited, { allowedMentions: 'users' }).text).toMatch(/^📦 Release edited: /)
  })
})
