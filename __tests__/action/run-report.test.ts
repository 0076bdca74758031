import { describe, expect, it } from '@jest/globals'
import { findCurrentJob, githubWait } from '../../src/action/run-report.js'

describe('findCurrentJob', () => {
  const jobs = [
    { id: 1, name: 'build', status: 'completed', runner_name: 'GitHub Actions 2' },
    { id: 2, name: 'notify', status: 'in_progress', runner_name: 'GitHub Actions 2' },
    { id: 3, name: 'test', status: 'in_progress', runner_name: 'GitHub Actions 9' }
  ]

  it('is the job in progress on this runner, not a finished one that ran there before', () => {
    expect(findCurrentJob(jobs, 'GitHub Actions 2', 'whatever')).toBe(2)
  })

  it('falls back to the job key only when it names exactly one running job', () => {
    expect(findCurrentJob(jobs, '', 'test')).toBe(3)
    expect(findCurrentJob(jobs, '', 'build')).toBeUndefined()
    expect(findCurrentJob(jobs, 'elsewhere', 'nothing')).toBeUndefined()
  })
})

describe('githubWait', () => {
  const now = 1_700_000_000_000
  it('follows Retry-After, then X-RateLimit-Reset (epoch seconds), else a minute', () => {
    expect(githubWait({ 'retry-after': '3' }, now)).toBe(3250)
    expect(githubWait({ 'x-ratelimit-reset': String(now / 1000 + 10) }, now)).toBe(11_000)
    expect(githubWait({}, now)).toBe(60_000)
  })
})
