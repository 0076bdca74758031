/**
 * Fifty jobs behind one IP, at once, through the real limiter (per route, per IP, fixed window),
 * posting as a user without rate-limit bypass. The window is 10 calls per 2 s instead of per
 * minute, so the test takes seconds; the arithmetic of waiting is the same.
 */
import { describe, expect, it } from '@jest/globals'
import { USERS } from '../../test/fake-rocketchat/seed.mjs'
import { runAction, type ActionRun } from '../helpers/action.js'
import { fakeRocketChat } from '../helpers/fake.js'

interface Req {
  path: string
  status: number | null
}

const JOBS = 50
const LIMIT = 10
const WINDOW_MS = 2000

const fake = fakeRocketChat({ rateLimit: { limit: LIMIT, intervalMs: WINDOW_MS } })

describe('fifty parallel jobs sharing one per-IP rate-limit window', () => {
  it('all deliver, none twice', async () => {
    const started = Date.now()
    const runs: ActionRun[] = await Promise.all(
      Array.from({ length: JOBS }, (_, i) =>
        runAction({
          inputs: {
            'server-url': fake.url,
            'auth-token': USERS.ci.token,
            'user-id': USERS.ci.id,
            room: '#general',
            message: `load job ${i}`
          },
          killAfterMs: 90_000
        })
      )
    )
    const wallMs = Date.now() - started

    const failed = runs.filter((r) => r.code !== 0).map((r) => r.annotations)
    expect(failed).toEqual([])
    for (let i = 0; i < JOBS; i++) {
      const stored = [...fake.messages.values()].filter(
        (m: { msg: string }) => m.msg === `load job ${i}`
      )
      expect(stored).toHaveLength(1)
      expect(runs[i].outputs['message-id']).toBe(stored[0]._id)
    }
    expect(fake.messagesIn('GENERAL')).toHaveLength(JOBS)

    const statusesOf = (route: string) =>
      countBy(
        (fake.requests as Req[]).filter((r) => r.path === `/api/v1/${route}`).map((r) => r.status)
      )
    const statuses = statusesOf('chat.sendMessage')
    const lookups = statusesOf('rooms.info')
    // Every send stored a message: no refusal but 429s, and no attempt was a duplicate.
    expect(statuses[200]).toBe(JOBS)
    expect(Object.keys(statuses).filter((s) => s !== '429')).toEqual(['200'])
    // The limiter did bite: fifty sends cannot fit in a window of ten. How many jobs met a 429
    // depends on how far apart a loaded machine starts them, so only that some did is certain.
    expect((lookups[429] ?? 0) + (statuses[429] ?? 0)).toBeGreaterThan(0)
    expect(Object.keys(lookups).filter((s) => s !== '429')).toEqual(['200'])
    expect(
      runs.filter((r) => /Rate limited by the server|no calls left in this window/.test(r.stdout))
        .length
    ).toBeGreaterThan(0)
    // Fifty sends at ten per window need at least five windows.
    expect(wallMs).toBeGreaterThan(4 * WINDOW_MS)
    process.stdout.write(
      `load: ${JOBS} jobs in ${wallMs} ms; chat.sendMessage ${JSON.stringify(statuses)}, rooms.info ${JSON.stringify(lookups)}; slowest job ${Math.max(...runs.map((r) => r.durationMs))} ms\n`
    )
  }, 120_000)
})

function countBy(values: unknown[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const v of values) counts[String(v)] = (counts[String(v)] ?? 0) + 1
  return counts
}
