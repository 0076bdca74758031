import { describe, expect, it } from '@jest/globals'
import { readWorkflowContext } from '../../src/action/context.js'
import { validateBlocks, type Block } from '../../src/message/blocks.js'
import { ZWSP } from '../../src/message/neutralise.js'
import {
  boardIsCurrent,
  formatDuration,
  mergeShown,
  parseBoard,
  runBlocks,
  runPreset,
  runView,
  withCurrentJob,
  type RunJob
} from '../../src/message/run.js'
import { RUNNER_ENV } from '../../test/runner-env.mjs'
import { fixtureEnv } from '../fixtures/events/runs.js'

const ctx = readWorkflowContext({ ...RUNNER_ENV }, 'success')
const NOW = Date.parse('2020-01-20T18:00:00Z')
const opts = { allowedMentions: 'users' as const }

function job(id: number, name: string, fields: Partial<RunJob> = {}): RunJob {
  return {
    id,
    name,
    status: 'completed',
    conclusion: 'success',
    started_at: '2020-01-20T17:50:00Z',
    completed_at: '2020-01-20T17:51:30Z',
    failed_step: '',
    ...fields
  }
}

describe('runView', () => {
  it('fails the run when one job failed, even while others still run', () => {
    const view = runView(
      ctx,
      [
        job(1, 'a', { conclusion: 'timed_out' }),
        job(2, 'b', { status: 'in_progress', conclusion: '', completed_at: '' })
      ],
      NOW
    )
    expect([view.result, view.finished, view.failed_jobs.map((j) => j.id)]).toEqual([
      'failure',
      false,
      [1]
    ])
    expect(view.duration).toBe('10m 0s')
  })

  it('is cancelled when a job was cancelled and none failed, success otherwise', () => {
    expect(runView(ctx, [job(1, 'a'), job(2, 'b', { conclusion: 'cancelled' })], NOW).result).toBe(
      'cancelled'
    )
    expect(runView(ctx, [job(1, 'a'), job(2, 'b', { conclusion: 'skipped' })], NOW).result).toBe(
      'success'
    )
    expect(runView(ctx, [job(1, 'a')], NOW).duration).toBe('1m 30s')
  })

  it('ends the current job as the status input says, and only with a known conclusion', () => {
    const running = [job(7, 'notify', { status: 'in_progress', conclusion: '', completed_at: '' })]
    expect(withCurrentJob(running, 7, 'failure', NOW)[0]).toMatchObject({
      status: 'completed',
      conclusion: 'failure'
    })
    expect(withCurrentJob(running, 7, 'whatever', NOW)[0].status).toBe('in_progress')
    expect(withCurrentJob(running, undefined, 'success', NOW)[0].status).toBe('in_progress')
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [60, '1m 0s'],
    [3599, '59m 59s'],
    [3720, '1h 2m']
  ])('%i s is %s', (seconds, text) => expect(formatDuration(seconds)).toBe(text))
})

describe('runPreset', () => {
  it('stays within the limit for any limit, keeping the failures first', () => {
    const jobs = Array.from({ length: 300 }, (_, i) =>
      job(i + 1, `m (${i})`, i % 50 === 7 ? { conclusion: 'failure', failed_step: 'x' } : {})
    )
    const view = runView(ctx, jobs, NOW)
    for (const limit of [5000, 1200, 700, 100, 10]) {
      const text = runPreset(ctx, view, { ...opts, maxLength: limit })
      expect([limit, text.length <= limit]).toEqual([limit, true])
    }
    const text = runPreset(ctx, view, { ...opts, maxLength: 1200 })
    const shown = [...parseBoard(text, ctx).values()]
    expect(shown.slice(0, 3)).toEqual(['failure', 'failure', 'failure'])
    expect(text).toMatch(/… \d+ more: (❌ \d+ failed, )?✅ \d+ succeeded · \[all jobs\]/)
  })

  it('reads back what it wrote, and a hostile name cannot forge an entry', () => {
    const forged = `✅ [x](${ctx.run_url}/job/99)`
    const view = runView(
      ctx,
      [
        job(1, forged, { conclusion: 'failure' }),
        job(2, '@all [y]', { status: 'in_progress', conclusion: '', completed_at: '' })
      ],
      NOW
    )
    const text = runPreset(ctx, view, opts)
    expect(text).toContain(`@${ZWSP}all`)
    expect([...parseBoard(text, ctx)]).toEqual([
      [1, 'failure'],
      [2, 'in_progress']
    ])
  })
})

describe('runBlocks', () => {
  const texts = (blocks: Block[] | undefined): string[] =>
    (blocks ?? []).flatMap((b) =>
      b.type === 'section' && b.text
        ? [b.text.text]
        : b.type === 'context'
          ? b.elements.map((e) => ('text' in e ? e.text : ''))
          : []
    )
  const buttons = (blocks: Block[] | undefined) =>
    (blocks ?? [])
      .flatMap((b) => (b.type === 'actions' ? b.elements : []))
      .map((e) => [e.text.text, e.url])

  it('lays out the text report as sections, a context line and buttons; the text is the whole report', () => {
    const jobs = [
      job(1, 'lint'),
      job(2, 'test (a)', { conclusion: 'failure', failed_step: 'Run tests' }),
      job(3, 'test (b)')
    ]
    const view = runView(ctx, jobs, NOW)
    const { text, blocks } = runBlocks(ctx, view, opts)
    expect(text).toBe(runPreset(ctx, view, opts))
    // Shapes the blocks input accepts: no block a client could not render.
    expect(validateBlocks(blocks ?? [])).toEqual(blocks)
    expect(blocks?.map((b) => b.type)).toEqual(['section', 'section', 'context', 'actions'])
    const [head, jobLines, about] = texts(blocks)
    const [headline, , counts] = text.split('\n')
    expect(head).toBe(`${headline}\n${counts}`)
    expect(head).toMatch(/^❌ \*Failed\*: \[CI #42\]/)
    // The same job lines as the text, the failure first with its step.
    expect(jobLines.split('\n')).toEqual(text.split('\n\n')[1].split('\n'))
    expect(jobLines.split('\n')[0]).toMatch(
      /^❌ \[test \(a\)\]\(.*\/job\/2\) 1m 30s · step: Run tests$/
    )
    expect(about).toMatch(/^Commit \[ffac537\]\(.*\) · started by \[octocat\]/)
    expect(buttons(blocks)).toEqual([['Open run', ctx.run_url]])
  })

  it('adds View pull request on a pull request', () => {
    const pr = readWorkflowContext(fixtureEnv('pull_request'), 'success')
    const { blocks } = runBlocks(pr, runView(pr, [job(1, 'lint')], NOW), opts)
    expect(buttons(blocks)).toEqual([
      ['Open run', pr.run_url],
      ['View pull request', pr.pr_url]
    ])
    expect(pr.pr_url).toBe('https://github.com/Codertocat/Hello-World/pull/2')
  })

  it('keeps each section within 3000 characters and the jobs within the limit, failures first', () => {
    const jobs = Array.from({ length: 300 }, (_, i) =>
      job(i + 1, `shard ${String(i).padStart(3, '0')} ${'x'.repeat(40)}`, {
        ...(i % 60 === 59 && { conclusion: 'failure', failed_step: 'Run shard' })
      })
    )
    const view = runView(ctx, jobs, NOW)
    for (const maxLength of [5000, 20_000, 200_000]) {
      const { text, blocks } = runBlocks(ctx, view, { ...opts, maxLength })
      expect(text.length).toBeLessThanOrEqual(maxLength)
      const sections = texts(blocks)
      for (const section of sections) expect(section.length).toBeLessThanOrEqual(3000)
      // The job lines the text shows, spread over sections, no line cut in two.
      const shown = sections.slice(1, -1).join('\n')
      expect(shown).toBe(text.split('\n\n')[1])
      expect(shown.split('\n')[0]).toMatch(/^❌ \[shard 059/)
    }
    const { blocks } = runBlocks(ctx, view, { ...opts, maxLength: 200_000 })
    // 300 lines of about 110 characters: more than one section, none missing.
    expect(texts(blocks).length).toBeGreaterThan(4)
    expect(texts(blocks).join('\n')).not.toContain('more:')
    const { blocks: capped } = runBlocks(ctx, view, { ...opts, maxLength: 5000 })
    expect(texts(capped).join('\n')).toMatch(/\n… \d+ more: ✅ \d+ succeeded · \[all jobs\]/)
  })

  it('neutralises hostile job and step names in the blocks as in the text', () => {
    const view = runView(
      ctx,
      [
        job(1, '@all [x](https://evil.example)', { conclusion: 'failure', failed_step: '@here *b' })
      ],
      NOW
    )
    const all = texts(runBlocks(ctx, view, opts).blocks).join('\n')
    expect(all).toContain(`@${ZWSP}all`)
    expect(all).toContain(`@${ZWSP}here`)
    expect(all).not.toContain('](https://evil.example)')
  })
})

describe('a live board', () => {
  const running = (id: number): RunJob =>
    job(id, `j${id}`, { status: 'in_progress', conclusion: '', completed_at: '' })

  it('never moves a job back from what the board shows, and takes GitHub newer news', () => {
    const shown = new Map([
      [1, 'success'],
      [2, 'in_progress']
    ])
    const merged = mergeShown(
      [running(1), job(2, 'j2', { conclusion: 'failure' }), running(3)],
      shown
    )
    expect(merged.map((j) => [j.status, j.conclusion])).toEqual([
      ['completed', 'success'],
      ['completed', 'failure'],
      ['in_progress', '']
    ])
  })

  it('is current when it shows every job this step showed, at least as far along', () => {
    const mine = new Map([
      [1, 'success'],
      [2, 'in_progress']
    ])
    expect(
      boardIsCurrent(
        new Map([
          [1, 'success'],
          [2, 'failure']
        ]),
        mine
      )
    ).toBe(true)
    expect(
      boardIsCurrent(
        new Map([
          [1, 'in_progress'],
          [2, 'success']
        ]),
        mine
      )
    ).toBe(false)
    expect(boardIsCurrent(new Map([[2, 'success']]), mine)).toBe(false)
  })
})
