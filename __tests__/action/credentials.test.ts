import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runWithoutSecrets, skipWithoutCredentials } from '../../src/action/credentials.js'
import { unexpandedExpressions } from '../../src/action/expressions.js'
import type { GetInput } from '../../src/action/inputs.js'

const EVENTS = fileURLToPath(new URL('../fixtures/events/', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'rc-forks-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The recorded pull_request event, opened from a fork (or a fork since deleted: null). */
function forkEvent(headRepo: string | null): string {
  const event = JSON.parse(readFileSync(join(EVENTS, 'pull_request.json'), 'utf8'))
  event.pull_request.head.repo = headRepo && {
    ...event.pull_request.head.repo,
    full_name: headRepo
  }
  const path = join(dir, `pr-${(headRepo ?? 'deleted').replace('/', '-')}.json`)
  writeFileSync(path, JSON.stringify(event))
  return path
}

const fork = {
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_EVENT_PATH: forkEvent('mallory/Hello-World'),
  GITHUB_ACTOR: 'mallory'
}

function inputs(given: Record<string, string> = {}): GetInput {
  return (name) => given[name] ?? ''
}

describe('credentials.ts', () => {
  it('knows the runs GitHub gives no secrets', () => {
    expect(runWithoutSecrets(fork)).toMatch(/pull request from a fork \(mallory\/Hello-World\)/)
    expect(runWithoutSecrets({ ...fork, GITHUB_EVENT_PATH: forkEvent(null) })).toMatch(
      /a deleted repository/
    )
    expect(runWithoutSecrets({ ...fork, GITHUB_EVENT_NAME: 'pull_request_review' })).toBeDefined()
    expect(
      runWithoutSecrets({ GITHUB_EVENT_NAME: 'push', GITHUB_ACTOR: 'dependabot[bot]' })
    ).toMatch(/Dependabot/)
  })

  it('does not take other runs for them', () => {
    // The same repository's own pull request, pull_request_target (base repository's
    // secrets), and a push by a person.
    const own = { ...fork, GITHUB_EVENT_PATH: join(EVENTS, 'pull_request.json') }
    expect(runWithoutSecrets(own)).toBeUndefined()
    expect(runWithoutSecrets({ ...fork, GITHUB_EVENT_NAME: 'pull_request_target' })).toBeUndefined()
    expect(
      runWithoutSecrets({ GITHUB_EVENT_NAME: 'push', GITHUB_ACTOR: 'octocat' })
    ).toBeUndefined()
  })

  it('skips with a notice when every credential is empty on such a run', () => {
    expect(skipWithoutCredentials(inputs(), fork)).toMatch(
      /^Nothing posted to Rocket\.Chat: auth-token, user-id and webhook-url are empty because this is a pull request from a fork/
    )
  })

  it('goes on as usual when a credential is given, in a dry run, or elsewhere', () => {
    expect(skipWithoutCredentials(inputs({ 'auth-token': 't' }), fork)).toBeUndefined()
    expect(
      skipWithoutCredentials(inputs({ 'webhook-url': 'https://x/hooks/a/b' }), fork)
    ).toBeUndefined()
    expect(skipWithoutCredentials(inputs({ 'dry-run': 'true' }), fork)).toBeUndefined()
    expect(skipWithoutCredentials(inputs(), { GITHUB_EVENT_NAME: 'push' })).toBeUndefined()
  })

  it('fails, saying why, when skip-without-credentials is false', () => {
    expect(() =>
      skipWithoutCredentials(inputs({ 'skip-without-credentials': 'false' }), fork)
    ).toThrow(
      'Input "auth-token": is empty: this is a pull request from a fork (mallory/Hello-World), and GitHub gives such runs no secrets. skip-without-credentials is false'
    )
  })
})

describe('expressions.ts', () => {
  it('warns about an input that still holds ${{ }}, naming the input and the variable', () => {
    const warnings = unexpandedExpressions(inputs({ status: '${{ job.status }}', room: '#ci' }))
    expect(warnings).toEqual([
      expect.stringMatching(
        /^Input "status" holds \$\{\{ job\.status \}\}, which nothing expanded: the step runs outside a workflow .*INPUT_STATUS\)\.$/
      )
    ])
  })

  it('never repeats the text of a secret input', () => {
    const [warning] = unexpandedExpressions(inputs({ 'auth-token': '${{ secrets.TOKEN }}' }))
    expect(warning).toMatch(/^Input "auth-token" holds a \$\{\{ … \}\} expression/)
    expect(warning).not.toContain('secrets.TOKEN')
  })

  it('says nothing about plain values and {{ }} templates', () => {
    expect(unexpandedExpressions(inputs({ message: '{{ run_url }} $ {{ x }}' }))).toEqual([])
  })
})
