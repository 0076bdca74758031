// Every YAML example of README.md, run as written through dist/index.js against the fake
// Rocket.Chat, then again with dry-run: true. What the runner would do is done here: secrets
// become the fake's, `${{ … }}` expressions are evaluated (the few that need a workflow are
// given below), https://chat.example.com becomes the fake's URL, and steps that are not this
// action (`run:`, other actions) are left out, or stood in for with `files`.
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
import { startFakeRocketChat } from '../../test/fake-rocketchat/server.mjs'
import { INTEGRATIONS, USERS } from '../../test/fake-rocketchat/seed.mjs'
import { fixtureEnv } from '../fixtures/events/runs.js'
import { ROOT, runAction, type ActionRun } from '../helpers/action.js'
import { parseHtml } from '../helpers/html.js'
import { elided, readmeBlocks, type ReadmeBlock } from '../helpers/readme.js'

type Fake = Awaited<ReturnType<typeof startFakeRocketChat>>
type EventName = 'push' | 'pull_request' | 'release' | 'workflow_dispatch' | 'schedule'
type Stored = Record<string, unknown> & {
  _id: string
  rid: string
  msg: string
  tmid?: string
  alias?: string
  emoji?: string
  attachments?: Record<string, unknown>[]
  reactions?: Record<string, unknown>
}

const USES = 'rocketchat-notify-action/rocketchat-notify-action@v1'
const EXAMPLE_HOSTS = ['https://chat.example.com', 'https://chat.internal.example']
const RUN_URL = 'https://github.com/Codertocat/Hello-World/actions/runs/1658821493'
const COMMIT_URL =
  'https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246'
const TLS = join(ROOT, '__tests__', 'fixtures', 'tls')

/** One run of an example: every step of this action in it, and what reached the server. */
interface ExampleRun {
  event: EventName
  /** The job status the steps ran with. */
  status: string
  steps: { id?: string; inputs: Record<string, string>; run: ActionRun }[]
  /** Messages stored or changed by this run, as the server holds them now. */
  messages: Stored[]
  fake: Fake
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
  /** Checks what the README says the example posts. */
  expect: (run: ExampleRun) => void
}

const bot = { 'auth-token': USERS.bot.token, 'user-id': USERS.bot.id }
const creds = { 'server-url': 'https://chat.example.com', ...bot }

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
        for (const step of steps) {
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
          done.push({ id: step.id, inputs, run: real })

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
    return { event, status, steps: done, messages, fake: server, block }
  } finally {
    rmSync(workspace, { recursive: true, force: true })
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

/** The text and attachments of the first message a dry run says it would send. */
function sentOf(stdout: string): { text: string; attachments?: unknown } {
  const json = /^\{$[\s\S]*?^\}$/m.exec(stdout)?.[0]
  if (!json) throw new Error(`no request body in the dry run's output:\n${stdout}`)
  const body = JSON.parse(json) as { message?: Record<string, unknown> } & Record<string, unknown>
  const message = body.message ?? body
  const text = String(message.msg ?? message.text ?? '')
  return message.attachments ? { text, attachments: message.attachments } : { text }
}

/** The same, from the requests the real run made (the first message it sent or updated). */
function sentBy(requests: Fake['requests']): {
  text: string
  attachments?: unknown
  update?: boolean
} {
  for (const r of requests) {
    const body = r.body as Record<string, Record<string, unknown> & { msg?: string }>
    if (/chat\.sendMessage$/.test(r.path)) {
      const { msg, attachments } = body.message
      return attachments ? { text: String(msg ?? ''), attachments } : { text: String(msg ?? '') }
    }
    if (/\/hooks\//.test(r.path)) {
      const { text, attachments } = body as unknown as Record<string, unknown>
      return attachments ? { text: String(text ?? ''), attachments } : { text: String(text ?? '') }
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
