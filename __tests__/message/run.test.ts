import { describe, expect, it } from '@jest/globals'
import { readWorkflowContext } from '../../src/action/context.js'
import { ZWSP } from '../../src/message/neutralise.js'
import {
  boardIsCurrent,
  formatDuration,
  mergeShown,
  parseBoard,
  runPreset,
  runView,
  withCurrentJob,
  type RunJob
} from '../../src/message/run.js'
import { RUNNER_ENV } from '../../test/runner-env.mjs'

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
