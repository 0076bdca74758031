// Every YAML example of README.md, run as written through dist/index.js against the fake
// Rocket.Chat, then again with dry-run: true. What the runner would do is done here: secrets
// become the fake's, `${{ … }}` expressions are evaluated (the few that need a workflow are
// given below), https://chat.example.com becomes the fake's URL, and steps that are not this
// action (`run:`, other actions) are left out, or stood in for with `files`. The examples of
// preset run read their jobs from the fake GitHub API (GITHUB_API_URL), which serves jobs like
// the ones the example's workflow would have.
//
// EXAMPLES holds one entry per README block, keyed by the heading it sits under. A block
// without an entry fails the first test, so no example can be added without being run here.
// To add one: add an entry with the events it runs on, what a fragment lacks (`complete`),
// expressions the resolver below does not know, and `expect`, checking what the README
// says it posts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parse } from 'yaml'
import { job, startFakeGitHub } from '../../test/fake-github/server.mjs'
import { startFakeRocketChat } from '../../test/fake-rocketchat/server.mjs'
import { INTEGRATIONS, USERS } from '../../test/fake-rocketchat/seed.mjs'
import { RUNNER_ENV } from '../../test/runner-env.mjs'
import { fixtureEnv } from '../fixtures/events/runs.js'
import { JOB_TOKEN, ROOT, runAction, type ActionRun } from '../helpers/action.js'
import { parseHtml } from '../helpers/html.js'
import { elided, readmeBlocks, type ReadmeBlock } from '../helpers/readme.js'

type Fake = Awaited<ReturnType<typeof startFakeRocketChat>>
type GitHub = Awaited<ReturnType<typeof startFakeGitHub>>
type EventName = 'push' | 'pull_request' | 'release' | 'workflow_dispatch' | 'schedule'
type Stored = Record<string, unknown> & {
  _id: string
  rid: string
  msg: string
  tmid?: string
  alias?: string
  emoji?: string
  attachments?: Record<string, unknown>[]
  blocks?: Record<string, unknown>[]
  reactions?: Record<string, unknown>
}

const USES = 'rocketchat-notify-action/rocketchat-notify-action@v1'
const EXAMPLE_HOSTS = ['https://chat.example.com', 'https://chat.internal.example']
const RUN_URL = 'https://github.com/Codertocat/Hello-World/actions/runs/1658821493'
const COMMIT_URL =
  'https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246'
const TLS = join(ROOT, '__tests__', 'fixtures', 'tls')
const RUN_ID = '1658821493'
const PR_URL = 'https://github.com/Codertocat/Hello-World/pull/2'
const RELEASE_URL = 'https://github.com/Codertocat/Hello-World/releases/tag/0.0.1'

/** One run of an example: every step of this action in it, and what reached the server. */
interface ExampleRun {
  event: EventName
  /** The job status the steps ran with. */
  status: string
  /** `shown`: the text of the step's message right after the step. */
  steps: { id?: string; inputs: Record<string, string>; run: ActionRun; shown?: string }[]
  /** Messages stored or changed by this run, as the server holds them now. */
  messages: Stored[]
  fake: Fake
  /** The fake GitHub API, for examples with `jobs`. */
  github?: GitHub
  block: ReadmeBlock
}

interface Example {
  /** Events the example runs on (default push). */
  events?: EventName[]
  /** Job statuses to run with (default: failure under `if: failure()`, else success). */
  statuses?: string[]
  /** What a fragment of a step leaves out; never replaces what the README wrote. */
  complete?: Record<string, string>
  /** `${{ … }}` values the resolver cannot work out outside a workflow. */
  expressions?: Record<string, string>
  /** Files earlier steps (`run:`) would have made in the workspace. */
  files?: Record<string, string>
  env?: Record<string, string>
  /** The block is the content of this template file, not a step. */
  templateFile?: string
  /** Run every step this many times in a row, as later events would (default 1). */
  repeat?: number
  /** Serve https with the private CA of the fixtures. */
  tls?: boolean
  /**
   * The jobs of this run GitHub lists while step `step` (0-based) runs, for preset run: built
   * on each request, so that times relative to now read the same in the real and the dry run.
   */
  jobs?: (step: number) => unknown[]
  /** Checks what the README says the example posts. */
  expect: (run: ExampleRun) => void
}

const bot = { 'auth-token': USERS.bot.token, 'user-id': USERS.bot.id }
const creds = { 'server-url': 'https://chat.example.com', ...bot }
// The runner of the job the step runs in: preset run finds its own job by it.
const ME = RUNNER_ENV.RUNNER_NAME

/** An ISO time `seconds` before now. */
const ago = (seconds: number): string => new Date(Date.now() - seconds * 1000).toISOString()

/**
 * The run "The whole run in one message" shows: a matrix of three with windows failing at
 * its test step, lint, and the notify job the step runs in, 4m 12s after the first started.
 */
function wholeRun(): unknown[] {
  const test = (id: number, os: string, took: number, failedStep?: string) =>
    job({
      id,
      name: `test (${os})`,
      started_at: ago(252),
      completed_at: ago(252 - took),
      ...(failedStep && { conclusion: 'failure', failedStep })
    })
  return [
    test(101, 'ubuntu-latest', 118),
    test(102, 'windows-latest', 182, 'Run npm ci && npm test'),
    test(103, 'macos-latest', 150),
    job({ id: 104, name: 'lint', started_at: ago(250), completed_at: ago(209) }),
    job({ id: 105, name: 'notify', status: 'in_progress', runner: ME, started_at: ago(2) })
  ]
}

/**
 * The run of "A live board while the run goes on": the last test job's step runs first,
 * while build still runs elsewhere; then build's step, every test finished.
 */
function boardRun(step: number): unknown[] {
  const test = (id: number, node: number, took?: number) =>
    job({
      id,
      name: `test (${node})`,
      started_at: ago(90),
      ...(took === undefined
        ? { status: 'in_progress', runner: ME }
        : { completed_at: ago(90 - took) })
    })
  return [
    test(201, 20, 30),
    test(202, 22, 28),
    test(203, 24, step === 0 ? undefined : 90),
    job({
      id: 204,
      name: 'build',
      status: 'in_progress',
      runner: step === 0 ? 'GitHub Actions 3' : ME,
      started_at: ago(80)
    })
  ]
}

/** A posted message's text as the web client shows it: links as their label, no bold. */
const rendered = (text: string): string =>
  text.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\*([^*\n]+)\*/g, '$1')

/** The ```text block the README shows under an example. */
function textShown(block: ReadmeBlock): string {
  const shown = /^```text\n([\s\S]*?)\n```$/m.exec(block.after)?.[1]
  if (!shown) throw new Error(`no \`\`\`text block after ${block.key}`)
  return shown
}

const EXAMPLES: Record<string, Example> = {
  'Quick start': {
    expect: ({ messages: [m] }) => {
      expect(m.msg).toBe('Build of Codertocat/Hello-World finished :white_check_mark:')
    }
  },
  'Tell the team when CI fails': {
    events: ['push', 'pull_request'],
    expect: ({ event, messages: [m] }) => {
      // The job status as a coloured card, pinging @oncall on failure.
      expect(m.msg).toMatch(/^@oncall ❌ \*Failed\*: CI \/ build /)
      const [card] = m.attachments ?? []
      expect(card).toMatchObject({ color: '#d40e0d', title: 'CI #42', title_link: RUN_URL })
      const fields = Object.fromEntries(
        (card.fields as { title: string; value: string }[]).map((f) => [f.title, f.value])
      )
      expect(fields['Triggered by']).toBe('[Codertocat](https://github.com/Codertocat)')
      if (event === 'push') {
        expect(fields.Commit).toBe(`[6113728](${COMMIT_URL}) Initial commit — Codertocat`)
        expect(fields.Branch).toBe(
          '[master](https://github.com/Codertocat/Hello-World/tree/master)'
        )
      } else {
        expect(fields['Pull request']).toMatch(/^\[#2\]\(.*\/pull\/2\) Update the README/)
      }
    }
  },
  'The whole run in one message': {
    events: ['push', 'pull_request'],
    jobs: wholeRun,
    expect: ({ event, messages, github, block }) => {
      expect(messages).toHaveLength(1)
      const [m] = messages
      // One read of the jobs per run (the real one and the dry one), with the job's token.
      expect(github?.requests).toEqual([
        expect.objectContaining({
          path: `/repos/Codertocat/Hello-World/actions/runs/${RUN_ID}/attempts/1/jobs`,
          authorization: `token ${JOB_TOKEN}`
        }),
        expect.anything()
      ])
      // Everything is in the text; each job links to its log.
      expect(m.attachments ?? []).toEqual([])
      expect(m.msg).toContain(`[test (windows-latest)](${RUN_URL}/job/102)`)
      expect(m.msg).toContain(`[notify](${RUN_URL}/job/105)`)
      const shown = textShown(block).split('\n')
      const posted = rendered(m.msg).split('\n')
      if (event === 'push') {
        expect(posted).toEqual(shown)
      } else {
        // The same jobs; the top names the pull request.
        expect(posted[0]).toMatch(
          /^@oncall ❌ Failed: CI #42 for PR #2 Update the README with new information\. in Codertocat\/Hello-World$/
        )
        expect(m.msg).toContain(`for PR [#2](${PR_URL})`)
        expect(posted.slice(2)).toEqual(shown.slice(2))
      }
    }
  },
  'A live board while the run goes on': {
    jobs: boardRun,
    expect: ({ messages, steps }) => {
      // One message: the first job to finish posts the board, the other updates it.
      expect(messages).toHaveLength(1)
      const [m] = messages
      expect(steps.map((s) => s.run.outputs.action)).toEqual(['posted', 'updated'])
      expect(steps.map((s) => s.run.outputs['message-id'])).toEqual([m._id, m._id])
      // While build runs, the board says so; once it is done, every job shows as done.
      const [first, last] = steps.map((s) => rendered(s.shown ?? '').split('\n'))
      expect(first[0]).toBe('🔄 Running: CI #42 on master in Codertocat/Hello-World')
      expect(first[2]).toMatch(/^4 jobs: 3 succeeded, 1 in progress · 1m 30s so far$/)
      expect(first.slice(4)).toEqual([
        '🔄 build 1m 20s',
        'test (3): ✅ 20 30s · ✅ 22 28s · ✅ 24 1m 30s'
      ])
      expect(last[0]).toBe('✅ Succeeded: CI #42 on master in Codertocat/Hello-World')
      expect(last[2]).toBe('4 jobs: 4 succeeded · took 1m 30s')
      expect(last.slice(4)).toEqual([
        'test (3): ✅ 20 30s · ✅ 22 28s · ✅ 24 1m 30s',
        '✅ build 1m 20s'
      ])
      expect(m.msg).toBe(steps[1].shown)
    }
  },
  'Announce a release': {
    events: ['release'],
    expect: ({ messages: [m], block }) => {
      // The README's rendering of the release message, bold markdown for ** in a quote.
      const shown = /^> (🚀 New release: .*)$/m.exec(releaseSection(block))?.[1] ?? ''
      expect(m.msg.split('\n')[0]).toBe(shown.replace(/\*\*/g, '*'))
      expect(m.msg).toContain("## What's Changed")
      expect(m.emoji).toBe(':rocket:')
      expect(m.attachments?.[0]).toMatchObject({
        title: 'First release',
        color: expect.any(String)
      })
    }
  },
  'Announce a release (2)': {
    events: ['release'],
    complete: { ...creds, room: '#releases' },
    expect: ({ messages: [m] }) => {
      expect(m.msg).toBe(
        ':tada: *First release* (0.0.1) is out.\nhttps://github.com/Codertocat/Hello-World/releases/tag/0.0.1'
      )
    }
  },
  'Send a direct message': {
    expect: ({ messages: [m], steps: [step] }) => {
      expect(m.msg).toBe(`Your nightly export is ready: ${RUN_URL}`)
      expect(step.run.outputs['room-type']).toBe('d')
      expect(step.run.outputs['room-name']).toBe('alice')
    }
  },
  Attachments: {
    expect: ({ messages: [m] }) => {
      expect(m.msg).toBe('Deployed to production')
      expect(m.attachments).toEqual([
        {
          color: '#2eb886',
          title: 'Codertocat/Hello-World @ 6113728',
          title_link: COMMIT_URL,
          fields: [
            { short: true, title: 'Environment', value: 'production' },
            { short: true, title: 'By', value: 'Codertocat' }
          ]
        }
      ])
    }
  },
  'Buttons and sections (blocks)': {
    expect: ({ messages: [m] }) => {
      // The text is the notification; the web client shows the blocks, buttons as links.
      expect(m.msg).toBe('Deploy of Codertocat/Hello-World: success')
      expect(m.attachments).toBeUndefined()
      const button = (text: string, url: string, i: number) => ({
        type: 'button',
        text: { type: 'plain_text', text },
        url,
        actionId: `link-${i}`,
        ...(i === 0 && { style: 'primary' })
      })
      expect(m.blocks).toEqual([
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '*Deploy of Codertocat/Hello-World*: success' }
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Branch*\nmaster' },
            { type: 'mrkdwn', text: `*Commit*\n[6113728](${COMMIT_URL}) Initial commit` }
          ]
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Triggered by Codertocat' }] },
        {
          type: 'actions',
          elements: [button('Open run', RUN_URL, 0), button('View commit', COMMIT_URL, 1)]
        }
      ])
    }
  },
  'Reply in a thread, use the outputs': {
    expect: ({ messages: [start, done], steps }) => {
      expect(start.msg).toBe('Deploying 6113728…')
      expect(done.tmid).toBe(start._id)
      expect(done.msg).toBe(`Done: ${steps[0].run.outputs['message-url']}`)
      expect(steps[1].run.outputs['thread-id']).toBe(start._id)
    }
  },
  'Deploy progress: one message that changes': {
    expressions: {
      "contains(needs.*.result, 'failure') && 'failure' || 'success'": 'success',
      "contains(needs.*.result, 'failure') && ':x:' || ':white_check_mark:'": ':white_check_mark:'
    },
    expect: ({ messages, steps }) => {
      // One message: posted by the first job, updated in place by the last.
      expect(messages).toHaveLength(1)
      const [m] = messages
      expect(steps.map((s) => s.run.outputs.action)).toEqual(['posted', 'updated'])
      expect(steps[1].run.outputs['message-id']).toBe(m._id)
      expect(m.msg).toBe(`Deploy of 6113728: success (${RUN_URL})`)
      expect(Object.keys(m.reactions ?? {})).toEqual([':white_check_mark:'])
    }
  },
  'One thread per pull request': {
    events: ['pull_request'],
    repeat: 2,
    expressions: { "github.event.pull_request.merged && ':tada:' || ''": '' },
    expect: ({ messages: [first, reply], steps }) => {
      const text =
        'opened: #2 Update the README with new information. by Codertocat (https://github.com/Codertocat/Hello-World/pull/2)'
      expect(first.msg).toBe(text)
      expect(reply).toMatchObject({ msg: text, tmid: first._id })
      expect(steps.map((s) => s.run.outputs.action)).toEqual(['posted', 'replied'])
    }
  },
  'Attach the failing test log': {
    files: { 'test-results/unit.log': 'FAIL __tests__/x.test.ts\n  ✕ adds (3 ms)\n' },
    expect: ({ messages: [status, log], fake }) => {
      expect(status.msg).toMatch(/^@oncall ❌ \*Failed\*/)
      // The log follows as a file message.
      const uploads = [...fake.uploads.values()] as { name?: string; content: Buffer }[]
      expect(uploads.some((u) => u.content.toString().includes('✕ adds'))).toBe(true)
      expect(log.rid).toBe(status.rid)
      expect(JSON.stringify(log)).toContain('unit.log')
    }
  },
  'Post through an incoming webhook': {
    expect: ({ messages: [m], steps: [step], fake }) => {
      expect(m.msg).toMatch(/^✅ \*Succeeded\*: CI \/ build on master/)
      // The integration's channel.
      expect(fake.rooms.get(m.rid)?.name).toBe('ci-builds')
      expect(step.run.outputs).toEqual({ action: 'posted' })
    }
  },
  Templates: {
    expect: ({ messages: [m] }) => {
      expect(m.msg).toBe(`CI success on master: Initial commit (${RUN_URL})`)
    }
  },
  'One message for push, pull_request and release': {
    events: ['push', 'pull_request', 'release', 'schedule'],
    complete: { ...creds, room: '#ci' },
    expect: ({ event, messages: [m], block }) => {
      // The table under the example: event, then the posted lines.
      const rows = [...block.after.matchAll(/^\| ([a-z_, ]+?) +\| (.*?) +\|$/gm)]
      const row = rows.find((r) => r[1].split(', ').includes(event))
      if (!row) throw new Error(`the README table has no row for ${event}`)
      const lines = [...row[2].matchAll(/`([^`]*)`/g)].map((l) => l[1])
      const posted = m.msg.split('\n')
      expect(posted).toHaveLength(lines.length)
      lines.forEach((line, i) => expect(posted[i]).toMatch(elided(line)))
    }
  },
  'workflow_dispatch inputs and schedule': {
    events: ['workflow_dispatch', 'schedule'],
    complete: { ...creds, room: '#ci' },
    expect: ({ event, messages: [m], block }) => {
      const [byHand, nightly] = [...block.after.matchAll(/`([^`]+)`/g)].map((g) => g[1])
      expect(m.msg).toBe(event === 'schedule' ? nightly : byHand)
      expect(byHand).toBe('Run by hand (name: Mona the Octocat): success')
    }
  },
  'Attachments (2)': {
    events: ['push', 'pull_request'],
    complete: { ...creds, room: '#ci' },
    expect: ({ event, messages: [m] }) => {
      const [card] = m.attachments ?? []
      expect(card).toMatchObject({ color: '#2eb886', title: 'CI #42', title_link: RUN_URL })
      const titles = (card.fields as { title: string }[]).map((f) => f.title)
      // "On a push the PR field renders empty and is left out."
      expect(titles).toEqual(event === 'push' ? ['Branch', 'Commit'] : ['Branch', 'PR', 'Commit'])
    }
  },
  'template-file': {
    events: ['push', 'pull_request'],
    templateFile: '.github/rocketchat/deploy.yml',
    complete: {
      ...creds,
      room: '#deploys',
      'template-file': '.github/rocketchat/deploy.yml',
      'template-env': 'DEPLOY_ENV'
    },
    env: { DEPLOY_ENV: 'production' },
    expect: ({ event, messages: [m] }) => {
      expect(m.alias).toBe('Deploy bot')
      expect(m.msg.trim()).toBe(
        event === 'push'
          ? 'Codertocat/Hello-World deployed to production.'
          : 'Preview for PR #2 is ready.'
      )
      expect(m.attachments).toEqual([{ title: 'CI #42', title_link: RUN_URL, color: '#2eb886' }])
    }
  },
  Presets: {
    events: ['push', 'pull_request', 'release'],
    expect: ({ event, messages: [m] }) => {
      // layout: blocks: the text is the line without links, the blocks hold the rest.
      expect(m.attachments).toBeUndefined()
      expect(m.msg).not.toContain('](')
      const blocks = (m.blocks ?? []) as {
        type: string
        text?: { text: string }
        fields?: { text: string }[]
        elements?: { text: string | { text: string }; url?: string }[]
      }[]
      const buttonsOf = (actions: (typeof blocks)[number]) =>
        (actions.elements ?? []).map((e) => [(e.text as { text: string }).text, e.url])
      const titlesOf = (section: (typeof blocks)[number]) =>
        (section.fields ?? []).map((f) => /^\*([^*]+)\*\n/.exec(f.text)?.[1])
      const line = blocks[0]
      expect(rendered(line.text?.text ?? '')).toBe(rendered(m.msg))
      if (event === 'release') {
        // The release message: its line, the notes, the tag and author, a View release button.
        expect(m.msg).toBe('🚀 New release: *First release* (0.0.1) of Codertocat/Hello-World')
        expect(line.text?.text).toContain(`](${RELEASE_URL})`)
        expect(blocks.map((b) => b.type)).toEqual(['section', 'section', 'section', 'actions'])
        expect(blocks[1].text?.text).toContain("## What's Changed")
        expect(titlesOf(blocks[2])).toEqual(['Tag', 'Author', 'Repository'])
        expect(buttonsOf(blocks[3])).toEqual([['View release', RELEASE_URL]])
        return
      }
      expect(line.text?.text).toContain(`](${RUN_URL})`)
      expect(blocks.map((b) => b.type)).toEqual(['section', 'section', 'context', 'actions'])
      const [, fields, context, actions] = blocks
      const titles = titlesOf(fields)
      const details = (context.elements ?? []).map((e) => String(e.text).split(':')[0])
      const buttons = buttonsOf(actions)
      expect(m.msg).toMatch(/^✅ \*Succeeded\*: CI \/ build (on master|for PR #2) in Codertocat/)
      expect(details).toEqual(['Triggered by', 'Event'])
      if (event === 'push') {
        expect(titles).toEqual(['Repository', 'Branch', 'Commit'])
        expect(buttons).toEqual([['Open run', RUN_URL]])
      } else {
        expect(titles).toEqual(['Repository', 'Pull request', 'Branch', 'Author', 'Commit'])
        expect(buttons).toEqual([
          ['Open run', RUN_URL],
          ['View pull request', PR_URL]
        ])
      }
    }
  },
  'Presets (2)': {
    statuses: ['success', 'failure'],
    expect: ({ status, messages: [m], fake }) => {
      if (status === 'success') {
        expect(m.msg).toMatch(/^✅ \*Succeeded\*/)
        return
      }
      // The README shows the exact request body of a failed push with mention: '@ops'.
      const body = readmeBlocks().find((b) => b.key.startsWith('push (failure'))
      const shown = JSON.parse(body?.text ?? '{}') as { text: string; attachments: unknown[] }
      expect({ text: m.msg, attachments: m.attachments }).toEqual(shown)
      expect(fake.rooms.get(m.rid)?.name).toBe('ci')
    }
  },
  Run: {
    jobs: wholeRun,
    complete: { ...creds, room: '#ci', preset: 'run' },
    expect: ({ messages: [m], block }) => {
      const shown = /posts\s+`([^`]+)`/.exec(block.after)?.[1]
      expect(shown).toBeDefined()
      expect(m.msg).toBe(shown)
      expect(m.attachments ?? []).toEqual([])
    }
  },
  'Run report as blocks': {
    events: ['push', 'pull_request'],
    jobs: wholeRun,
    expect: ({ event, messages: [m] }) => {
      // The run of "The whole run in one message", as the README renders it there.
      const whole = readmeBlocks().find((b) => b.key === 'The whole run in one message')
      if (!whole) throw new Error('the README lost "The whole run in one message"')
      const [headline, about, counts, , ...jobLines] = textShown(whole).split('\n')
      const blocks = (m.blocks ?? []) as {
        type: string
        text?: { text: string }
        elements?: { text: string | { text: string }; url?: string }[]
      }[]
      expect(blocks.map((b) => b.type)).toEqual(['section', 'section', 'context', 'actions'])
      const [head, jobs, context, actions] = blocks
      // The text is the whole report, for notifications: the same as without blocks.
      expect(m.attachments).toBeUndefined()
      expect(rendered(m.msg).split('\n').slice(4)).toEqual(jobLines)
      expect(rendered(jobs.text?.text ?? '').split('\n')).toEqual(jobLines)
      const details = rendered(String(context.elements?.[0].text))
      const buttons = (actions.elements ?? []).map((e) => [
        (e.text as { text: string }).text,
        e.url
      ])
      if (event === 'push') {
        // No mention in this example: the line without "@oncall ".
        expect(rendered(head.text?.text ?? '')).toBe(
          `${headline.replace(/^@oncall /, '')}\n${counts}`
        )
        expect(details).toBe(about)
        expect(buttons).toEqual([['Open run', RUN_URL]])
      } else {
        expect(head.text?.text).toContain(`for PR [#2](${PR_URL})`)
        expect(details).toBe('Commit ec26c3e · started by Codertocat')
        expect(buttons).toEqual([
          ['Open run', RUN_URL],
          ['View pull request', PR_URL]
        ])
      }
    }
  },
  'Network set-up for self-hosted runners': {
    tls: true,
    expressions: { 'vars.INTERNAL_ROOT_CA': readFileSync(join(TLS, 'ca.pem'), 'utf8') },
    complete: { ...bot, room: '#ci', message: 'Trusted through ca-cert' },
    expect: ({ messages: [m] }) => {
      expect(m.msg).toBe('Trusted through ca-cert')
    }
  }
}

let fake: Fake
let tlsFake: Fake
beforeAll(async () => {
  const tls = {
    key: readFileSync(join(TLS, 'server.key')),
    cert: readFileSync(join(TLS, 'server.pem'))
  }
  ;[fake, tlsFake] = await Promise.all([
    startFakeRocketChat({ rateLimit: false }),
    startFakeRocketChat({ rateLimit: false, tls })
  ])
  for (const server of [fake, tlsFake]) {
    // Rooms the examples post to that the seed does not have.
    server.addRoom({ t: 'c', name: 'ci', members: ['ci-bot'] })
    server.addRoom({ t: 'c', name: 'reviews', members: ['ci-bot'] })
  }
})
afterAll(async () => {
  await Promise.all([fake?.close(), tlsFake?.close()])
})

const yamlBlocks = readmeBlocks().filter((b) => b.lang === 'yaml')

describe('README examples', () => {
  it('has an entry in EXAMPLES for every YAML block of the README, and no other', () => {
    const keys = yamlBlocks.map((b) => b.key)
    const missing = keys.filter((k) => !(k in EXAMPLES))
    expect({ 'README blocks without an entry in EXAMPLES': missing }).toEqual({
      'README blocks without an entry in EXAMPLES': []
    })
    expect(Object.keys(EXAMPLES).filter((k) => !keys.includes(k))).toEqual([])
  })

  for (const block of yamlBlocks) {
    const example = EXAMPLES[block.key]
    if (!example) continue
    for (const event of example.events ?? ['push']) {
      const statuses = example.statuses ?? [undefined]
      for (const status of statuses) {
        const label = [block.key, `(README line ${block.line})`, event, status]
          .filter(Boolean)
          .join(' ')
        it(`${label} works as written, and its dry run prints what it sends`, async () => {
          const run = await runExample(block, example, event, status)
          example.expect(run)
        })
      }
    }
  }
})

async function runExample(
  block: ReadmeBlock,
  example: Example,
  event: EventName,
  statusOverride?: string
): Promise<ExampleRun> {
  const server = example.tls ? tlsFake : fake
  const workspace = mkdtempSync(join(tmpdir(), 'rc-readme-'))
  let stepIndex = 0
  const jobs = example.jobs
  const github = jobs
    ? await startFakeGitHub({
        token: JOB_TOKEN,
        attempts: { [`${RUN_ID}/1`]: () => jobs(stepIndex) }
      })
    : undefined
  try {
    const files = { ...example.files }
    if (example.templateFile) files[example.templateFile] = block.text
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(workspace, path)), { recursive: true })
      writeFileSync(join(workspace, path), content)
    }
    const payload = JSON.parse(
      readFileSync(join(ROOT, '__tests__', 'fixtures', 'events', `${event}.json`), 'utf8')
    ) as Record<string, unknown>
    // runAction writes the payload to its own event file.
    const env = fixtureEnv(event, example.env) as Record<string, string>
    delete env.GITHUB_EVENT_PATH
    if (github) env.GITHUB_API_URL = github.url

    const steps = stepsOf(block, example)
    expect(steps.length).toBeGreaterThan(0)
    const changed = new Set<string>()
    const onChange = (m: { _id: string }) => changed.add(m._id)
    server.on('message', onChange)
    server.on('message-updated', onChange)
    const done: ExampleRun['steps'] = []
    let status = 'success'
    try {
      for (let round = 0; round < (example.repeat ?? 1); round++) {
        for (const [index, step] of steps.entries()) {
          stepIndex = index
          status =
            statusOverride ?? (/failure\(\)/.test(String(step.if ?? '')) ? 'failure' : 'success')
          const context = { env, payload, status, done, example, server }
          const inputs: Record<string, string> = {}
          for (const [name, value] of Object.entries({ ...example.complete, ...step.with }))
            inputs[name] = evaluate(String(value), context)
          if (inputs['server-url']) {
            expect(EXAMPLE_HOSTS).toContain(inputs['server-url'])
            inputs['server-url'] = server.url
          }
          const options = {
            inputs,
            event: payload,
            eventName: event,
            env,
            jobStatus: status,
            cwd: workspace
          }
          const sentFrom = server.requests.length
          const real = await runAction(options)
          expect({ step: step.id ?? block.key, code: real.code, log: errorsOf(real) }).toEqual({
            step: step.id ?? block.key,
            code: 0,
            log: []
          })
          // The job summary is well-formed HTML.
          expect(() => parseHtml(real.summary)).not.toThrow()
          const id = real.outputs['message-id']
          const after = id ? (server.messages.get(id) as Stored | undefined)?.msg : undefined
          done.push({ id: step.id, inputs, run: real, shown: after })

          const dry = await runAction({ ...options, inputs: { ...inputs, 'dry-run': 'true' } })
          expect({ dry: true, code: dry.code, log: errorsOf(dry) }).toEqual({
            dry: true,
            code: 0,
            log: []
          })
          const sent = sentBy(server.requests.slice(sentFrom))
          const shown = sentOf(dry.stdout)
          // chat.update sends the text alone; the dry run shows the whole message.
          if (sent.update) expect(shown.text).toBe(sent.text)
          else expect(shown).toEqual(sent)
        }
      }
    } finally {
      server.off('message', onChange)
      server.off('message-updated', onChange)
    }
    const messages = [...changed].map((id) => server.messages.get(id) as Stored).filter(Boolean)
    return { event, status, steps: done, messages, fake: server, github, block }
  } finally {
    rmSync(workspace, { recursive: true, force: true })
    await github?.close()
  }
}

interface Step {
  id?: string
  if?: unknown
  uses?: string
  with?: Record<string, unknown>
}

/** This action's steps in a block: a workflow, a list of steps, or a fragment of one. */
function stepsOf(block: ReadmeBlock, example: Example): Step[] {
  if (example.templateFile) return [{ uses: USES, with: {} }]
  const doc = parse(block.text) as unknown
  let steps: Step[]
  if (Array.isArray(doc)) steps = doc as Step[]
  else if (doc && typeof doc === 'object' && 'jobs' in doc) {
    const jobs = (doc as { jobs: Record<string, { steps?: Step[] }> }).jobs
    steps = Object.values(jobs).flatMap((job) => job.steps ?? [])
  } else if (doc && typeof doc === 'object' && 'with' in doc) {
    steps = [{ uses: USES, ...(doc as Step) }]
  } else {
    // Inputs alone, as a fragment of `with:`.
    steps = [{ uses: USES, with: doc as Record<string, unknown> }]
  }
  return steps.filter((step) => step.uses === USES)
}

interface Evaluation {
  env: Record<string, string>
  payload: Record<string, unknown>
  status: string
  done: ExampleRun['steps']
  example: Example
  server: Fake
}

/** Replaces each `${{ … }}` the way the runner would for this run. */
function evaluate(value: string, c: Evaluation): string {
  return value.replace(/\$\{\{\s*([\s\S]*?)\s*\}\}/g, (_, expr: string) => {
    if (expr in (c.example.expressions ?? {})) return c.example.expressions![expr]
    const secrets: Record<string, string> = {
      'secrets.ROCKETCHAT_TOKEN': USERS.bot.token,
      'secrets.ROCKETCHAT_USER_ID': USERS.bot.id,
      'secrets.ROCKETCHAT_WEBHOOK_URL': `${c.server.url}${INTEGRATIONS.default.path}`
    }
    if (expr in secrets) return secrets[expr]
    if (expr === 'job.status') return c.status
    const event = /^github\.event\.([\w.]+)$/.exec(expr)
    if (event) return String(pathOf(c.payload, event[1]) ?? '')
    const github = /^github\.(\w+)$/.exec(expr)
    if (github && `GITHUB_${github[1].toUpperCase()}` in c.env)
      return c.env[`GITHUB_${github[1].toUpperCase()}`]
    const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr)
    const step = output && c.done.find((s) => s.id === output[1])
    if (step && output) return step.run.outputs[output[2]] ?? ''
    throw new Error(`\${{ ${expr} }} needs a value: add it to this example's expressions`)
  })
}

function pathOf(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined),
      value
    )
}

function errorsOf(run: ActionRun): string[] {
  return run.annotations.filter((a) => a.level !== 'notice').map((a) => `${a.level}: ${a.message}`)
}

interface Sent {
  text: string
  attachments?: unknown
  blocks?: unknown
  update?: boolean
}

/** The text, attachments and blocks of a message body, leaving out what it lacks. */
function sentIn(text: unknown, attachments: unknown, blocks: unknown): Sent {
  return {
    text: String(text ?? ''),
    ...(attachments !== undefined && { attachments }),
    ...(blocks !== undefined && { blocks })
  }
}

/** The text, attachments and blocks of the first message a dry run says it would send. */
function sentOf(stdout: string): Sent {
  const json = /^\{$[\s\S]*?^\}$/m.exec(stdout)?.[0]
  if (!json) throw new Error(`no request body in the dry run's output:\n${stdout}`)
  const body = JSON.parse(json) as { message?: Record<string, unknown> } & Record<string, unknown>
  const message = body.message ?? body
  return sentIn(message.msg ?? message.text, message.attachments, message.blocks)
}

/** The same, from the requests the real run made (the first message it sent or updated). */
function sentBy(requests: Fake['requests']): Sent {
  for (const r of requests) {
    const body = r.body as Record<string, Record<string, unknown> & { msg?: string }>
    if (/chat\.sendMessage$/.test(r.path)) {
      const { msg, attachments, blocks } = body.message
      return sentIn(msg, attachments, blocks)
    }
    if (/\/hooks\//.test(r.path)) {
      const { text, attachments, blocks } = body as unknown as Record<string, unknown>
      return sentIn(text, attachments, blocks)
    }
    if (/chat\.update$/.test(r.path)) {
      return { text: String((body as unknown as { text: string }).text), update: true }
    }
  }
  throw new Error('the real run sent no message')
}

/** The Presets > Release part of the README, which shows the release message. */
function releaseSection(_block: ReadmeBlock): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  return /^### Release$([\s\S]*?)^### /m.exec(readme)?.[1] ?? ''
}
