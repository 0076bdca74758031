/**
 * Fault injection against dist/index.js: whatever the network or the server does, a message is
 * stored exactly once or the step fails saying why, and no run outlasts timeout-seconds + 1 s.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { startFakeRocketChat } from '../../test/fake-rocketchat/server.mjs'
import { USERS } from '../../test/fake-rocketchat/seed.mjs'
import { runAction, withoutMaskCommands, type ActionRun, postToGeneral } from '../helpers/action.js'
import { fakeRocketChat, type Fake } from '../helpers/fake.js'

type Fault = Parameters<Fake['inject']>[0]
interface Req {
  path: string
  status: number | null
  fault?: string
  body: { message?: { _id: string; msg: string } }
}

const fake = fakeRocketChat()
afterEach(() => fake.clearFaults())

/** Posts `text` to #general as the bot; `timeout-seconds` defaults to 10 here. */
async function post(text: string, inputs: Record<string, string> = {}) {
  const from = fake.requests.length
  const run = await postToGeneral(
    fake,
    text,
    { 'timeout-seconds': '10', ...inputs },
    { killAfterMs: 30_000 }
  )
  const requests = (): Req[] => fake.requests.slice(from)
  return {
    run,
    timeoutMs: Number(inputs['timeout-seconds'] ?? '10') * 1000,
    stored: () => [...fake.messages.values()].filter((m: { msg: string }) => m.msg === text),
    sends: () => requests().filter((r) => r.path === '/api/v1/chat.sendMessage'),
    checks: () => requests().filter((r) => r.path === '/api/v1/chat.getMessage')
  }
}

/** One send whose answer was lost or garbled, one check that found the message: stored once. */
function expectFoundWithoutSendingAgain(p: Awaited<ReturnType<typeof post>>) {
  expect(p.run.code).toBe(0)
  expect(p.stored()).toHaveLength(1)
  expect(p.sends()).toHaveLength(1)
  expect(p.checks().map((r) => r.status)).toEqual([200])
}

function expectInTime(run: ActionRun, timeoutMs: number) {
  expect(run.durationMs).toBeLessThan(timeoutMs + 1000)
}

function expectClean(run: ActionRun) {
  expect(withoutMaskCommands(run.all)).not.toContain(USERS.bot.token)
  expect(run.all).not.toMatch(/\n\s+at .+:\d+:\d+/)
}

async function until(done: () => boolean, withinMs: number) {
  const end = Date.now() + withinMs
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
}

function inject(fault: Partial<Fault> & { kind: string }) {
  fake.inject({ route: 'chat.sendMessage', ...fault } as Fault)
}

describe('delivery under faults (dist/index.js against the fake server)', () => {
  it('connection reset before the request: checks, sends again, stores one', async () => {
    inject({ kind: 'reset-before' })
    const p = await post('fault: reset before')
    expect(p.run.code).toBe(0)
    expect(p.stored()).toHaveLength(1)
    expect(p.run.outputs['message-id']).toBe(p.stored()[0]._id)
    expect(p.sends().map((r) => r.fault ?? r.status)).toEqual(['reset-before', 200])
    expect(p.checks().map((r) => r.status)).toEqual([400])
    // Both attempts carried the same client-chosen id.
    expect(new Set(p.sends().map((r) => r.body.message?._id))).toEqual(
      new Set([p.run.outputs['message-id']])
    )
    expect(p.run.stdout).toMatch(
      /was closed before chat\.sendMessage answered\. Checking whether it arrived/
    )
    expectInTime(p.run, p.timeoutMs)
    expectClean(p.run)
  })

  it('connection reset after the server stored it: finds it, does not send again', async () => {
    inject({ kind: 'reset-after' })
    const p = await post('fault: reset after')
    expectFoundWithoutSendingAgain(p)
    expect(p.run.outputs['message-id']).toBe(p.stored()[0]._id)
    expect(p.run.outputs.ts).toMatch(/^\d{4}-\d\d-\d\dT/)
    expectInTime(p.run, p.timeoutMs)
    expectClean(p.run)
  })

  it('502 twice, then success: stores one', async () => {
    inject({ kind: 'status', status: 502, times: 2 })
    const p = await post('fault: 502 twice')
    expect(p.run.code).toBe(0)
    expect(p.stored()).toHaveLength(1)
    expect(p.sends().map((r) => r.status)).toEqual([502, 502, 200])
    expect(p.checks()).toHaveLength(2)
    expect(p.run.stdout).toMatch(
      /HTTP 502 with an HTML page \("502 Bad Gateway"\).* Retrying in [\d.]+ s \(retry 1 of 3\)/
    )
    expect(p.run.stdout).toMatch(/\(retry 2 of 3\)/)
    expectInTime(p.run, p.timeoutMs)
  })

  it('429 with a reset 2 seconds away: waits it out and stores one', async () => {
    inject({
      kind: 'status',
      status: 429,
      headers: {
        'X-RateLimit-Limit': '10',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(Date.now() + 2000)
      },
      body: JSON.stringify({
        success: false,
        error:
          'Error, too many requests. Please slow down. You must wait 2 seconds before trying this endpoint again. [error-too-many-requests]'
      })
    })
    const p = await post('fault: 429')
    expect(p.run.code).toBe(0)
    expect(p.stored()).toHaveLength(1)
    expect(p.sends().map((r) => r.status)).toEqual([429, 200])
    // A 429 is a refusal, not an unknown outcome: nothing to check.
    expect(p.checks()).toHaveLength(0)
    expect(p.run.stdout).toMatch(
      /Rate limited by the server on chat\.sendMessage \(HTTP 429, 10 calls per window per IP\): waiting [12]\.\d s until the window resets\./
    )
    expect(p.run.durationMs).toBeGreaterThan(1900)
    expectInTime(p.run, p.timeoutMs)
  })

  it('429 whose window resets after timeout-seconds: fails at once, saying why', async () => {
    inject({
      kind: 'status',
      status: 429,
      headers: { 'X-RateLimit-Limit': '10', 'X-RateLimit-Reset': String(Date.now() + 45_000) },
      body: JSON.stringify({
        success: false,
        error:
          'Error, too many requests. Please slow down. You must wait 45 seconds before trying this endpoint again. [error-too-many-requests]'
      })
    })
    const p = await post('fault: 429 too long', { 'timeout-seconds': '5' })
    expect(p.run.code).toBe(1)
    expect(p.stored()).toHaveLength(0)
    expect(p.run.annotations).toEqual([
      {
        level: 'error',
        message: expect.stringMatching(
          /^Gave up after timeout-seconds \(5 s\): the server's rate limit on chat\.sendMessage \(10 calls per window per IP\) allows the next call in 4\d(\.\d)? s, but only [\d.]+ s are left\. Raise timeout-seconds/
        )
      }
    ])
    expect(p.run.durationMs).toBeLessThan(2000)
  })

  it('a server slower than the per-request time-out: the late attempt is refused as a duplicate', async () => {
    // 4 s over 2 attempts: each waits 2 s. The first is answered only after 2.5 s.
    inject({ kind: 'delay', ms: 2500 })
    const p = await post('fault: slow', { 'timeout-seconds': '4', retries: '1' })
    expect(p.run.code).toBe(0)
    expect(p.run.stdout).toMatch(
      /No answer from chat\.sendMessage \(POST [\d.:]+\) within 2 s\. Checking whether it arrived/
    )
    expectInTime(p.run, p.timeoutMs)
    await expectOneStoredOneRefused(p, 3000)
    expect(p.run.outputs['message-id']).toBe(p.stored()[0]._id)
  })

  it('a server slower than timeout-seconds: fails by then, saying what it was waiting for', async () => {
    inject({ kind: 'delay', ms: 3500, times: 5 })
    const p = await post('fault: too slow', { 'timeout-seconds': '3' })
    expect(p.run.code).toBe(1)
    expect(p.run.annotations).toEqual([
      {
        level: 'error',
        message: expect.stringMatching(
          /^Gave up after timeout-seconds \(3 s\): still waiting for chat\.sendMessage \(POST [\d.:]+\) to answer\. The server may or may not have stored the message\.$/
        )
      }
    ])
    expectInTime(p.run, p.timeoutMs)
    expect(p.run.durationMs).toBeGreaterThan(2900)
    await expectOneStoredOneRefused(p, 6000)
  })

  it('invalid JSON in a 200 answer: finds it stored, does not send again', async () => {
    inject({ kind: 'invalid-json' })
    const p = await post('fault: invalid json')
    expectFoundWithoutSendingAgain(p)
    expect(p.run.stdout).toMatch(
      /answered HTTP 200 with a body that is not the Rocket\.Chat API's JSON/
    )
    expectInTime(p.run, p.timeoutMs)
  })

  it('an HTML error page from a reverse proxy: retried, stores one', async () => {
    inject({ kind: 'html', status: 504 })
    const p = await post('fault: html')
    expect(p.run.code).toBe(0)
    expect(p.stored()).toHaveLength(1)
    expect(p.sends().map((r) => r.status)).toEqual([504, 200])
    expect(p.run.stdout).toMatch(
      /answered HTTP 504 with an HTML page \("504 Gateway Time-out"\), likely from a reverse proxy/
    )
    expectInTime(p.run, p.timeoutMs)
  })

  it('an HTML error page that persists: fails after the retries, naming the page', async () => {
    inject({ kind: 'html', status: 502, times: 10 })
    const p = await post('fault: html always', { retries: '2' })
    expect(p.run.code).toBe(1)
    expect(p.stored()).toHaveLength(0)
    expect(p.sends()).toHaveLength(3)
    expect(p.run.annotations).toEqual([
      {
        level: 'error',
        message:
          'Rocket.Chat\'s chat.sendMessage answered HTTP 502 with an HTML page ("502 Bad Gateway"), likely from a reverse proxy in front of the server. Gave up after 3 attempts.'
      }
    ])
    expectInTime(p.run, p.timeoutMs)
  })

  it('a 400 is not retried and stores nothing', async () => {
    inject({
      kind: 'status',
      status: 400,
      body: JSON.stringify({ success: false, error: 'error-invalid-room' })
    })
    const p = await post('fault: 400')
    expect(p.run.code).toBe(1)
    expect(p.stored()).toHaveLength(0)
    expect(p.sends()).toHaveLength(1)
    expect(p.checks()).toHaveLength(0)
    expectInTime(p.run, p.timeoutMs)
  })

  it('connection refused: retried with back-off, then names the cause', async () => {
    const closed = await startFakeRocketChat({ rateLimit: false })
    const url = closed.url
    await closed.close()
    const run = await runAction({
      inputs: {
        'server-url': url,
        'auth-token': USERS.bot.token,
        'user-id': USERS.bot.id,
        room: '#general',
        message: 'x',
        retries: '2'
      }
    })
    expect(run.code).toBe(1)
    expectInTime(run, 120_000)
    expect(run.stdout.match(/Retrying in/g)).toHaveLength(2)
    expect(run.annotations).toEqual([
      {
        level: 'error',
        message: `Connection refused by ${new URL(url).host}: nothing listens there. Check server-url and that the server is up. Gave up after 3 attempts.`
      }
    ])
  })
})

/**
 * Once the server has answered every attempt it was holding: one stored the message and the
 * other, whichever it processed second (a race between a late attempt and its retry), was
 * refused as a duplicate. Nothing lost, nothing doubled.
 */
async function expectOneStoredOneRefused(
  p: { sends: () => { status: number | null }[]; stored: () => unknown[] },
  withinMs: number
): Promise<void> {
  await until(() => p.sends().every((r) => r.status !== null), withinMs)
  expect(p.stored()).toHaveLength(1)
  expect(
    p
      .sends()
      .map((r) => r.status)
      .sort()
  ).toEqual([200, 400])
}
