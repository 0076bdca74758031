import { describe, expect, it } from '@jest/globals'
import { backoffMs, rateLimitWait, routePattern } from '../../src/rocketchat/retry.js'

describe('rateLimitWait', () => {
  const now = 1_757_505_600_000
  const response = (reset: number | undefined, seconds?: number) => ({
    status: 429,
    headers: reset === undefined ? {} : { 'x-ratelimit-reset': String(reset) },
    text: JSON.stringify({
      success: false,
      error:
        seconds === undefined
          ? 'x'
          : `Error, too many requests. Please slow down. You must wait ${seconds} seconds before trying this endpoint again. [error-too-many-requests]`
    })
  })

  it('waits until X-RateLimit-Reset, in epoch milliseconds', () => {
    expect(rateLimitWait(response(now + 2000, 2), now)).toBe(2000)
  })

  it('trusts the body over a reset header skewed by the clock', () => {
    expect(rateLimitWait(response(now + 3_600_000, 37), now)).toBe(37_000)
  })

  it('falls back to a minute when the answer says nothing', () => {
    expect(rateLimitWait(response(undefined), now)).toBe(60_000)
  })
})

describe('routePattern', () => {
  it('keys rate-limit windows by route, as the server counts them', () => {
    expect(routePattern('chat.sendMessage')).toBe('chat.sendMessage')
    expect(routePattern('rooms.mediaConfirm/GENERAL/abc')).toBe('rooms.mediaConfirm/:param/:param')
    expect(routePattern('rooms.media/ROOM1')).toBe(routePattern('rooms.media/ROOM2'))
  })
})

describe('backoffMs', () => {
  it('doubles per failure, with jitter in the upper half', () => {
    for (let failures = 1; failures <= 4; failures++) {
      const full = 100 * 2 ** (failures - 1)
      const wait = backoffMs(failures, 100)
      expect(wait).toBeGreaterThanOrEqual(full / 2)
      expect(wait).toBeLessThanOrEqual(full)
    }
  })
})
