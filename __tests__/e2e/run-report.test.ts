/**
 * preset run through the bundle (dist/index.js): the jobs come from the fake GitHub API
 * (test/fake-github, reached through GITHUB_API_URL), the message goes to the fake
 * Rocket.Chat. Pagination, matrix jobs, a re-run, the step's own job still in progress,
 * 403 and rate limits, hostile job names, and a live board two jobs update at once.
 */
import { createServer, type AddressInfo } from 'node:net'
import { describe, expect, it } from '@jest/globals'
import { FORBIDDEN, job, rateLimited, startFakeGitHub } from '../../test/fake-github/server.mjs'
import { RUNNER_ENV } from '../../test/runner-env.mjs'
import { asBot, runAction, withoutMaskCommands, type ActionRun } from '../helpers/action.js'
import { fakeRocketChat } from '../helpers/fake.js'

type GitHub = Awaited<ReturnType<typeof startFakeGitHub>>
type Stored = { _id: string; msg: string; attachments?: unknown[] }

const TOKEN = 'ghs_fakeRunReportToken123'
const RUN = RUNNER_ENV.GITHUB_RUN_ID
const RUN_URL = `https://github.com/octo-org/octo-repo/actions/runs/${RUN}`
const ME = RUNNER_ENV.RUNNER_NAME

const fake = fakeRocketChat()

async function withGitHub<T>(
  options: Parameters<typeof startFakeGitHub>[0],
  use: (github: GitHub) => Promise<T>
): Promise<T> {
  const github = await startFakeGitHub({ token: TOKEN, ...options })
  try {
    return await use(github)
  } finally {
    await github.close()
  }
}

function post(
  github: GitHub,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction({
    inputs: {
      ...asBot(fake.url),
      room: '#general',
      preset: 'run',
      'github-token': TOKEN,
      ...inputs
    },
    env: { GITHUB_API_URL: github.url, ...env },
    killAfterMs: 30_000
  })
}

function stored(run: ActionRun): Stored {
  expect([run.code, run.stderr]).toEqual([0, ''])
  const message = fake.messages.get(run.outputs['message-id']) as Stored | undefined
  if (!message) throw new Error(`no message posted: ${run.stdout}`)
  return message
}

const warnings = (run: ActionRun): string[] =>
  run.annotations.filter((a) => a.level === 'warning').map((a) => a.message)

// A matrix of three, a failed job, a skipped and a cancelled one, another job still running,
// and the job this step runs in (in progress on its runner, like every notify step).
const MIXED = [
  job({
    id: 11,
    name: 'lint',
    started_at: '2020-01-20T17:40:00Z',
    completed_at: '2020-01-20T17:40:45Z'
  }),
  job({ id: 12, name: 'test (ubuntu-latest, 20)', runner: 'r1' }),
  job({
    id: 13,
    name: 'test (windows-latest, 20)',
    conclusion: 'failure',
    failedStep: 'Run npm test'
  }),
  job({ id: 14, name: 'test (macos-latest, 20)', runner: 'r3' }),
  job({ id: 15, name: 'docs', conclusion: 'skipped' }),
  job({ id: 16, name: 'e2e', conclusion: 'cancelled' }),
  job({ id: 17, name: 'package', status: 'in_progress', runner: 'other runner' }),
  job({ id: 18, name: 'notify', status: 'in_progress', runner: ME })
]

describe('preset run', () => {
  it('posts every job: failures first with their step, matrix grouped, its own job from status', async () => {
    await withGitHub({ attempts: { [`${RUN}/1`]: MIXED } }, async (github) => {
      const run = await post(github, { status: 'success' })
      const { msg, attachments } = stored(run)
      const lines = msg.split('\n')
      expect(lines[0]).toBe(
        `❌ *Failed*: [CI #42](${RUN_URL}) on [main](https://github.com/octo-org/octo-repo/tree/main) in [octo-org/octo-repo](https://github.com/octo-org/octo-repo)`
      )
      expect(msg).toContain(
        '8 jobs: 1 failed, 1 cancelled, 4 succeeded, 1 skipped, 1 in progress ·'
      )
      // The failed job comes first among the jobs, with the step that failed.
      const firstJob = lines.findIndex((line) => line.includes('/job/'))
      expect(lines[firstJob]).toBe(
        `❌ [test (windows-latest, 20)](${RUN_URL}/job/13) 1m 59s · step: Run npm test`
      )
      expect(msg).toContain(`🔄 [package](${RUN_URL}/job/17)`)
      // The step's own job is in progress on GitHub; the status input says how it ends.
      expect(msg).toMatch(new RegExp(`✅ \\[notify\\]\\(${RUN_URL}/job/18\\)`))
      expect(msg).toContain(
        `*test* (3): ✅ [ubuntu-latest, 20](${RUN_URL}/job/12) 1m 59s · ✅ [macos-latest, 20](${RUN_URL}/job/14) 1m 59s`
      )
      expect(msg).toContain(`✅ [lint](${RUN_URL}/job/11) 45s`)
      expect(msg).toContain(`⏭️ [docs](${RUN_URL}/job/15)`)
      expect(msg).toContain(`⚪ [e2e](${RUN_URL}/job/16)`)
      // Everything lives in the text: no card that an update could not change.
      expect(attachments ?? []).toEqual([])
      expect(github.requests).toEqual([
        expect.objectContaining({
          path: `/repos/octo-org/octo-repo/actions/runs/${RUN}/attempts/1/jobs`,
          query: { per_page: '100', page: '1' },
          authorization: `token ${TOKEN}`
        })
      ])
      expect(withoutMaskCommands(run.all)).not.toContain(TOKEN)
    })
  })

  it('reads every page past 100 jobs and summarises a long run within the limit, failures first', async () => {
    const jobs = Array.from({ length: 250 }, (_, i) =>
      job({
        id: 1000 + i,
        name: `shard (${i + 1})`,
        ...(i === 217 && { conclusion: 'failure', failedStep: 'Run shard' })
      })
    )
    await withGitHub({ attempts: { [`${RUN}/1`]: jobs } }, async (github) => {
      const run = await post(github)
      const { msg } = stored(run)
      expect(github.requests.map((r) => r.query.page)).toEqual(['1', '2', '3'])
      expect(msg.length).toBeLessThanOrEqual(5000)
      expect(msg).toContain('250 jobs: 1 failed, 249 succeeded')
      const jobsShown = msg.split('\n').filter((line) => line.includes('/job/'))
      expect(jobsShown[0]).toBe(`❌ [shard (218)](${RUN_URL}/job/1217) 1m 59s · step: Run shard`)
      expect(msg).toMatch(/\n… \d+ more: ✅ \d+ succeeded · \[all jobs\]\(/)
    })
  })

  it('reports the re-run attempt the step runs in', async () => {
    const attempts = {
      [`${RUN}/1`]: [job({ id: 21, name: 'build', conclusion: 'failure' })],
      [`${RUN}/2`]: [job({ id: 31, name: 'build' })]
    }
    await withGitHub({ attempts }, async (github) => {
      const run = await post(github, {}, { GITHUB_RUN_ATTEMPT: '2' })
      const { msg } = stored(run)
      expect(msg.split('\n')[0]).toMatch(/^✅ \*Succeeded\*: \[CI #42\]\(.*\) \(attempt 2\) on /)
      expect(msg).toContain(`✅ [build](${RUN_URL}/job/31)`)
      expect(github.requests[0].path).toMatch(/\/attempts\/2\/jobs$/)
    })
  })

  it('gives templates the run: result, failed jobs and their steps, neutralised', async () => {
    await withGitHub({ attempts: { [`${RUN}/1`]: MIXED } }, async (github) => {
      const run = await post(github, {
        message:
          '{{ run.result_icon }} {{ run.result }} in {{ run.duration }} ({{ run.total }} jobs){{#run.failed_jobs}} | {{ name }} at {{ failed_step }}{{/run.failed_jobs}}'
      })
      const { msg } = stored(run)
      expect(msg).toMatch(
        /^❌ failure in \d+h \d+m \(8 jobs\) \| test \(windows-latest, 20\) at Run npm test$/
      )
      expect(warnings(run)).toEqual([])
    })
  })

  it('neutralises hostile job and step names in the room and in the log', async () => {
    const jobs = [
      job({
        id: 41,
        name: '@all deploy [click](https://evil.example) *bold ::error::pwned',
        conclusion: 'failure',
        failedStep: '@here `x ::warning::owned\n::error::second'
      }),
      job({ id: 42, name: '::error::injected', runner: ME, status: 'in_progress' })
    ]
    await withGitHub({ attempts: { [`${RUN}/1`]: jobs } }, async (github) => {
      const run = await post(github, { status: 'success' })
      const { msg } = stored(run)
      expect(msg).not.toMatch(/(^|\s)@(all|here)\b/)
      expect(msg).toContain('@\u200Ball deploy')
      expect(msg).not.toContain('](https://evil.example)')
      // A name spans one line, so no line of the message starts with a workflow command.
      expect(msg.split('\n').filter((line) => line.startsWith('::'))).toEqual([])
      expect(run.annotations.map((a) => a.message).join('\n')).not.toMatch(
        /pwned|owned|second|injected/
      )
      expect(run.stdout.split('\n').filter((line) => /^::(error|warning)::/.test(line))).toEqual([])
    })
  })
})

describe('preset run when GitHub cannot tell', () => {
  it('posts the status message on 403 and names the permission to add', async () => {
    await withGitHub(
      { attempts: { [`${RUN}/1`]: MIXED }, answers: [FORBIDDEN] },
      async (github) => {
        const run = await post(github, { status: 'failure' })
        const { msg, attachments } = stored(run)
        expect(msg).toMatch(/^❌ \*Failed\*: CI \/ build on main/)
        expect(attachments).toHaveLength(1)
        expect(warnings(run)).toEqual([
          expect.stringMatching(/HTTP 403.*actions: read.*Posting the status message instead\.$/)
        ])
      }
    )
  })

  it('posts the status message when the run is not found (404)', async () => {
    await withGitHub({ attempts: {} }, async (github) => {
      const run = await post(github)
      expect(stored(run).msg).toMatch(/^✅ \*Succeeded\*: CI \/ build/)
      expect(warnings(run)).toEqual([expect.stringContaining('HTTP 404')])
    })
  })

  it('says GitHub could not be reached, tries retries + 1 times, and posts the status message', async () => {
    const attempts: string[] = []
    const refusing = createServer((socket) => {
      attempts.push('connection')
      socket.destroy()
    })
    await new Promise<void>((done) => refusing.listen(0, '127.0.0.1', done))
    const { port } = refusing.address() as AddressInfo
    try {
      const run = await post({ url: `http://127.0.0.1:${port}` } as GitHub, { retries: '0' })
      expect(stored(run).msg).toMatch(/^✅ \*Succeeded\*: CI \/ build/)
      expect(warnings(run)).toEqual([
        expect.stringMatching(
          /^preset run could not read the jobs of this run: GitHub's API at GITHUB_API_URL could not be reached \(\w+\)\. Posting the status message instead\.$/
        )
      ])
      expect(attempts).toHaveLength(1)
    } finally {
      refusing.close()
    }
  })

  it('waits out a short rate limit and reports the run', async () => {
    await withGitHub(
      { attempts: { [`${RUN}/1`]: MIXED }, answers: [rateLimited(1)] },
      async (github) => {
        const run = await post(github)
        expect(stored(run).msg).toContain('8 jobs:')
        expect(run.stdout).toMatch(/GitHub's API rate limit was reached: waiting \d+(\.\d)? s/)
        expect(github.requests).toHaveLength(2)
      }
    )
  })

  it('gives up at once on a rate limit longer than timeout-seconds allows, and still posts', async () => {
    await withGitHub(
      { attempts: { [`${RUN}/1`]: MIXED }, answers: [rateLimited(3600)] },
      async (github) => {
        const run = await post(github, { 'timeout-seconds': '20' })
        expect(stored(run).msg).toMatch(/^✅ \*Succeeded\*: CI \/ build/)
        expect(warnings(run)).toEqual([
          expect.stringMatching(/rate limit .* allows the next call in 36\d\d/)
        ])
        expect(run.durationMs).toBeLessThan(10_000)
      }
    )
  })

  it('says so when github-token is refused, and posts', async () => {
    await withGitHub({ attempts: { [`${RUN}/1`]: MIXED } }, async (github) => {
      const run = await post(github, { 'github-token': 'ghs_wrongToken999' })
      expect(stored(run).msg).toMatch(/^✅ \*Succeeded\*/)
      expect(warnings(run)).toEqual([expect.stringContaining('HTTP 401')])
      expect(withoutMaskCommands(run.all)).not.toContain('ghs_wrongToken999')
    })
  })
})

describe('a live board with message-key', () => {
  it('ends with every job shown when two jobs update it at the same moment', async () => {
    const jobs = [
      job({ id: 51, name: 'setup', status: 'in_progress', runner: 'runner-s' }),
      job({ id: 52, name: 'backend', status: 'in_progress', runner: 'runner-a' }),
      job({ id: 53, name: 'frontend', status: 'in_progress', runner: 'runner-b' })
    ]
    await withGitHub({ attempts: { [`${RUN}/1`]: jobs } }, async (github) => {
      // Twice: racing to create the board, and racing to update one that exists.
      for (const key of ['race-create', 'race-update']) {
        const inputs = { 'message-key': `${key}-{{ github.run_id }}`, status: 'success' }
        if (key === 'race-update') {
          const setup = await post(github, inputs, { RUNNER_NAME: 'runner-s' })
          expect(stored(setup).msg).toContain(`🔄 [backend](${RUN_URL}/job/52)`)
        }
        const [a, b] = await Promise.all([
          post(github, inputs, { RUNNER_NAME: 'runner-a' }),
          post(github, inputs, { RUNNER_NAME: 'runner-b' })
        ])
        expect(a.outputs['message-id']).toBe(b.outputs['message-id'])
        const { msg } = stored(a)
        expect([key, msg]).toEqual([
          key,
          expect.stringContaining(`✅ [backend](${RUN_URL}/job/52)`)
        ])
        expect([key, msg]).toEqual([
          key,
          expect.stringContaining(`✅ [frontend](${RUN_URL}/job/53)`)
        ])
        if (key === 'race-update') {
          expect(msg).toContain(`✅ [setup](${RUN_URL}/job/51)`)
          expect(msg.split('\n')[0]).toMatch(/^✅ \*Succeeded\*/)
        }
      }
    })
  })

  it('never shows a job going back: a later update keeps what an earlier one showed', async () => {
    let finished = false
    const jobs = () => [
      job({
        id: 61,
        name: 'build',
        ...(finished ? {} : { status: 'in_progress', runner: 'runner-a' })
      }),
      job({ id: 62, name: 'deploy', status: 'in_progress', runner: 'runner-b' })
    ]
    await withGitHub({ attempts: { [`${RUN}/1`]: () => jobs() } }, async (github) => {
      const inputs = { 'message-key': 'board-{{ github.run_id }}', status: 'failure' }
      const first = await post(github, inputs, { RUNNER_NAME: 'runner-a' })
      expect(stored(first).msg).toContain(`❌ [build](${RUN_URL}/job/61)`)
      // GitHub has not caught up yet: it still lists build as in progress.
      const second = await post(
        github,
        { ...inputs, status: 'success' },
        { RUNNER_NAME: 'runner-b' }
      )
      const { msg } = stored(second)
      expect(msg).toContain(`❌ [build](${RUN_URL}/job/61)`)
      expect(msg).toContain(`✅ [deploy](${RUN_URL}/job/62)`)
      expect(msg.split('\n')[0]).toMatch(/^❌ \*Failed\*/)
      finished = true
    })
  })
})

describe('preset run with layout: blocks', () => {
  type Button = { type: string; text: { text: string }; url: string }
  type Block = { type: string; text?: { text: string }; elements?: (Button & { text: unknown })[] }

  it('posts the report once as blocks: result, jobs failures first, context, buttons; the text is the whole report', async () => {
    await withGitHub({ attempts: { [`${RUN}/1`]: MIXED } }, async (github) => {
      const inputs = { status: 'success', layout: 'blocks', mention: '@oncall' }
      const run = await post(github, inputs)
      const { _id, msg, attachments } = stored(run)
      const blocks = (fake.messages.get(_id) as { blocks?: Block[] }).blocks ?? []
      expect(attachments ?? []).toEqual([])
      expect(blocks.map((b) => b.type)).toEqual(['section', 'section', 'context', 'actions'])
      const [head, jobs, context, actions] = blocks
      // The notification text: the mention, then the same report preset run posts as text.
      const lines = msg.split('\n')
      expect(lines[0]).toBe(
        `@oncall ❌ *Failed*: [CI #42](${RUN_URL}) on [main](https://github.com/octo-org/octo-repo/tree/main) in [octo-org/octo-repo](https://github.com/octo-org/octo-repo)`
      )
      expect(msg).toContain(`\n\n❌ [test (windows-latest, 20)](${RUN_URL}/job/13)`)
      // The blocks: the result and the counts, the job lines as in the text, then who and what.
      expect(head.text?.text).toBe(`${lines[0].slice('@oncall '.length)}\n${lines[2]}`)
      expect(lines[2]).toMatch(
        /^8 jobs: 1 failed, 1 cancelled, 4 succeeded, 1 skipped, 1 in progress · /
      )
      expect(jobs.text?.text).toBe(msg.split('\n\n')[1])
      expect(jobs.text?.text.split('\n')[0]).toBe(
        `❌ [test (windows-latest, 20)](${RUN_URL}/job/13) 1m 59s · step: Run npm test`
      )
      expect(JSON.stringify(context.elements)).toContain('started by [octocat]')
      expect(
        actions.elements?.map((b) => [b.type, (b.text as { text: string }).text, b.url])
      ).toEqual([['button', 'Open run', RUN_URL]])
      expect(warnings(run)).toEqual([])
    })
  })

  it('refuses a live board in blocks before reading GitHub or sending anything, saying why and what to use', async () => {
    await withGitHub({ attempts: { [`${RUN}/1`]: MIXED } }, async (github) => {
      const sent = fake.requests.length
      const run = await post(github, {
        layout: 'blocks',
        'message-key': 'board-{{ github.run_id }}'
      })
      expect(run.code).toBe(1)
      const [error] = run.annotations.filter((a) => a.level === 'error').map((a) => a.message)
      expect(error).toMatch(
        /^Input "layout": blocks cannot be used with preset: run with message-key in update mode \(a live board\).*web client shows a message's blocks instead of its text.*first version of the report forever\. Use layout: attachments/
      )
      expect(github.requests).toEqual([])
      expect(fake.requests.slice(sent)).toEqual([])
    })
  })

  it('prints the blocks in a dry run', async () => {
    await withGitHub({ attempts: { [`${RUN}/1`]: MIXED } }, async (github) => {
      const run = await post(github, { layout: 'blocks', 'dry-run': 'true' })
      expect(run.code).toBe(0)
      const body = JSON.parse(/^\{$[\s\S]*?^\}$/m.exec(run.stdout)?.[0] ?? '{}') as {
        message: { msg: string; blocks: Block[] }
      }
      expect(body.message.blocks.map((b) => b.type)).toEqual([
        'section',
        'section',
        'context',
        'actions'
      ])
      expect(body.message.msg).toMatch(/^❌ \*Failed\*: \[CI #42\]/)
    })
  })
})
