/** The fake Rocket.Chat server: the rate limiter (see helpers.ts). */
import { describe, expect, it } from '@jest/globals'
import { bot, ci, admin, ROOM, TOO_MANY } from './fixtures.js'
import { fake, post, get, send, start } from './helpers.js'

describe('rate limiting', () => {
  it('allows 10 calls per route and IP, then 429 without errorType or Retry-After', async () => {
    await start()
    const t0 = Date.now()
    const remaining: string[] = []
    let reset = ''
    for (let i = 0; i < 10; i++) {
      const res = await get(`rooms.info?roomId=${ROOM.general}`, ci)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-ratelimit-limit')).toBe('10')
      remaining.push(res.headers.get('x-ratelimit-remaining')!)
      reset ||= res.headers.get('x-ratelimit-reset')!
      expect(res.headers.get('x-ratelimit-reset')).toBe(reset)
    }
    expect(remaining).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0'])
    expect(Number(reset)).toBeGreaterThan(t0 + 50_000) // epoch milliseconds, about a minute away
    expect(Number(reset)).toBeLessThanOrEqual(Date.now() + 60_000)
    const limited = await get(`rooms.info?roomId=${ROOM.general}`, ci)
    expect(limited.status).toBe(429)
    expect(limited.body).toEqual({
      success: false,
      error: TOO_MANY(Math.ceil((Number(reset) - Date.now()) / 1000))
    })
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(limited.headers.get('x-ratelimit-reset')).toBe(reset)
    expect(limited.headers.get('retry-after')).toBeNull()
    // Another route has its own counter.
    expect((await get('rooms.get', ci)).headers.get('x-ratelimit-remaining')).toBe('9')
  })

  it('counts per route pattern: every room and file of rooms.mediaConfirm shares one window', async () => {
    await start({ rateLimit: { limit: 2, intervalMs: 60_000 } })
    const confirm = (rid: string, fileId: string) =>
      post(`rooms.mediaConfirm/${rid}/${fileId}`, {}, ci)
    expect((await confirm(ROOM.general, 'a'.repeat(24))).headers.get('x-ratelimit-remaining')).toBe(
      '1'
    )
    expect(
      (await confirm(ROOM.releases, 'b'.repeat(24))).headers.get('x-ratelimit-remaining')
    ).toBe('0')
    expect((await confirm(ROOM.ciBuilds, 'c'.repeat(24))).status).toBe(429)
  })

  it('counts calls that fail validation, and stays limited for the rest of the window', async () => {
    await start({ rateLimit: { limit: 2, intervalMs: 60_000 } })
    expect((await post('chat.sendMessage', {}, ci)).status).toBe(400)
    expect((await post('chat.sendMessage', {}, ci)).status).toBe(400)
    expect((await post('chat.sendMessage', {}, ci)).status).toBe(429)
    expect((await send({ rid: ROOM.general, msg: 'x' }, ci)).status).toBe(429)
    expect(fake.messages.size).toBe(0)
  })

  it('never limits users with api-bypass-rate-limit, and sends them no headers', async () => {
    await start({ rateLimit: { limit: 1, intervalMs: 60_000 } })
    for (const user of [bot, admin, bot, admin]) {
      const res = await get('rooms.get', user)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-ratelimit-limit')).toBeNull()
    }
  })

  it('anchors the window on the route rule, so a late first call gets a short window', async () => {
    await start({ rateLimit: { limit: 1, intervalMs: 1_000 } })
    await new Promise((r) => setTimeout(r, 600))
    const first = await get('rooms.get', ci)
    const reset = Number(first.headers.get('x-ratelimit-reset'))
    expect(reset - Date.now()).toBeLessThan(500)
    expect((await get('rooms.get', ci)).status).toBe(429)
    await new Promise((r) => setTimeout(r, Math.max(0, reset - Date.now()) + 50))
    const after = await get('rooms.get', ci)
    expect(after.status).toBe(200)
    expect(after.headers.get('x-ratelimit-remaining')).toBe('0')
  })

  it('resets all counters on resetRateLimits() and can be switched off', async () => {
    await start({ rateLimit: { limit: 1, intervalMs: 60_000 } })
    await get('rooms.get', ci)
    expect((await get('rooms.get', ci)).status).toBe(429)
    fake.resetRateLimits()
    expect((await get('rooms.get', ci)).status).toBe(200)
    fake.setSetting('API_Enable_Rate_Limiter', false)
    const res = await get('rooms.get', ci)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-ratelimit-limit')).toBeNull()
  })

  it('limits chat.sendMessage to 5 per second on develop, bypassed by send-many-messages', async () => {
    await start({ version: 'develop' })
    const statuses = []
    for (let i = 0; i < 6; i++)
      statuses.push((await send({ rid: ROOM.general, msg: `m${i}` }, ci)).status)
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429])
    // Typed route: invalid bodies are refused before the limiter and do not count.
    fake.resetRateLimits()
    for (let i = 0; i < 6; i++) expect((await post('chat.sendMessage', {}, ci)).status).toBe(400)
    expect(
      (await send({ rid: ROOM.general, msg: 'ok' }, ci)).headers.get('x-ratelimit-limit')
    ).toBe('5')
    for (let i = 0; i < 6; i++)
      expect((await send({ rid: ROOM.general, msg: 'b' })).status).toBe(200)
  })
})
