import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { asBot, runAction } from '../helpers/action.js'
import { fakeRocketChat } from '../helpers/fake.js'

const fake = fakeRocketChat()

const EVENTS = fileURLToPath(new URL('../fixtures/events/', import.meta.url))
const forkEvent = JSON.parse(readFileSync(join(EVENTS, 'pull_request.json'), 'utf8'))
forkEvent.pull_request.head.repo.full_name = 'mallory/Hello-World'

// What the README's CI example gets on a fork's pull request: the secrets expand to ''.
const fromFork = (inputs: Record<string, string>) =>
  runAction({
    inputs: {
      'server-url': fake.url,
      'auth-token': '',
      'user-id': '',
      room: '#general',
      ...inputs
    },
    event: forkEvent,
    eventName: 'pull_request',
    env: { GITHUB_ACTOR: 'mallory' }
  })

describe('forks and Dependabot', () => {
  it('succeed without posting, with one notice, when the credentials are empty', async () => {
    const before = fake.requests.length
    const run = await fromFork({})
    expect(run.code).toBe(0)
    expect(run.annotations).toEqual([
      {
        level: 'notice',
        message: expect.stringContaining('this is a pull request from a fork (mallory/Hello-World)')
      }
    ])
    expect(run.outputs).toEqual({})
    expect(fake.requests.length).toBe(before)
  })

  it('fail with skip-without-credentials false, saying why', async () => {
    const run = await fromFork({ 'skip-without-credentials': 'false' })
    expect(run.code).toBe(1)
    expect(run.annotations[0].message).toMatch(
      /^Input "auth-token": is empty: this is a pull request from a fork/
    )
  })

  it('post as usual when the credentials are there (pull_request_target, a same-repository PR)', async () => {
    const run = await runAction({
      inputs: { ...asBot(fake.url), room: '#general', message: 'hi' },
      event: forkEvent,
      eventName: 'pull_request_target'
    })
    expect(run.code).toBe(0)
    expect(run.outputs.action).toBe('posted')
  })

  it('elsewhere, empty credentials stay an error', async () => {
    const run = await runAction({
      inputs: { 'server-url': fake.url, room: '#general', message: 'hi' },
      eventName: 'push'
    })
    expect(run.code).toBe(1)
    expect(run.annotations[0].message).toMatch(/^Input "auth-token": is required/)
  })

  it('warn about an input that still holds ${{ }}, as under local-action', async () => {
    const run = await runAction({
      inputs: { ...asBot(fake.url), room: '#general', status: '${{ job.status }}' }
    })
    expect(run.code).toBe(0)
    expect(run.annotations).toContainEqual({
      level: 'warning',
      message: expect.stringMatching(
        /^Input "status" holds \$\{\{ job\.status \}\}, which nothing expanded/
      )
    })
  })
})
