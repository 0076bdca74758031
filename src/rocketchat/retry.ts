import { seconds, type Deadline } from './deadline.js'
import { NetworkError, RocketChatError } from './errors.js'
import type { RawResponse } from './transport.js'
import type { Logger } from './types.js'

// Where retries and rate limits are handled, for REST calls (client.ts) and webhook posts
// (webhook.ts) alike: the back-off between attempts, which failures are worth another try,
// and the waits that Rocket.Chat's rate limiter asks for.

/**
 * The wait before retry number `failures` (1, 2, …): exponential from `baseMs`, with jitter,
 * so that many jobs failing together do not come back together.
 */
export function backoffMs(failures: number, baseMs: number): number {
  const delay = baseMs * 2 ** (failures - 1)
  return delay / 2 + Math.random() * (delay / 2)
}

/** Worth another try: a network failure that can pass, or a 5xx answer. */
export function isRetryable(error: unknown): error is NetworkError | RocketChatError {
  // A host that does not exist or a certificate that does not verify will not change in seconds.
  if (error instanceof NetworkError) return !error.permanent
  return error instanceof RocketChatError && error.status >= 500
}

/** Adds how many attempts were made to the error that ended them. */
export function withAttempts<E extends Error>(error: E, failures: number): E {
  error.message = `${error.message} Gave up after ${failures} attempt${failures === 1 ? '' : 's'}.`
  return error
}

/**
 * How long a 429 asks us to wait. The reset header is in the server's clock; the body's
 * "wait N seconds" is clock-free, so it bounds the header against clock skew.
 */
export function rateLimitWait(response: RawResponse, now = Date.now()): number {
  const bodySeconds = Number(/wait (\d+) seconds?/.exec(response.text)?.[1])
  const byBody = Number.isFinite(bodySeconds) ? bodySeconds * 1000 : undefined
  const reset = Number(header(response, 'x-ratelimit-reset'))
  const byHeader = Number.isFinite(reset) && reset > 0 ? reset - now : undefined
  if (
    byHeader !== undefined &&
    byHeader >= 0 &&
    (byBody === undefined || byHeader <= byBody + 1000)
  ) {
    return byHeader
  }
  return byBody ?? 60_000
}

/**
 * The server counts calls per route pattern, not per URL (a limiter rule per route,
 * `getFullRouteName` in apps/meteor/app/api/server/ApiClass.ts at 019378e3), so windows are
 * kept the same way: the path parameters of `rooms.mediaConfirm/<rid>/<fileId>` share one
 * window. Webhooks are the exception (a rule per hook URL), and keep their own windows.
 */
export function routePattern(endpoint: string): string {
  const [route, ...params] = endpoint.split('/')
  return [route, ...params.map(() => ':param')].join('/')
}

/** How far the server's clock is ahead of ours, from an answer's Date header; undefined without one. */
export function serverClockSkew(response: RawResponse, now = Date.now()): number | undefined {
  const serverNow = Date.parse(header(response, 'date') ?? '')
  return Number.isFinite(serverNow) ? serverNow - now : undefined
}

export function header(response: RawResponse, name: string): string | undefined {
  const value = response.headers[name]
  return Array.isArray(value) ? value[0] : value
}

interface Window {
  remaining: number
  resetAt: number
}

const RATE_LIMIT_MARGIN_MS = 250
const MAX_PROACTIVE_WAIT_MS = 65_000
const RATE_LIMIT_JITTER_MS = 750

export interface RateLimitOptions {
  deadline: Deadline
  log: Logger
  /** The end of the "too long" explanation: what the reader can do about it. */
  advice?: string
}

/**
 * What the server told us of its rate-limit windows, and the waits they ask for: before a
 * call when the window is used up (X-RateLimit-Remaining: 0), after a 429 until it resets.
 */
export class RateLimits {
  private readonly windows = new Map<string, Window>()

  constructor(private readonly options: RateLimitOptions) {}

  /**
   * Rate-limit headers come only from routes that count this user; X-RateLimit-Reset is epoch
   * ms in the server's clock, `skewMs` ahead of ours (serverClockSkew).
   */
  track(endpoint: string, response: RawResponse, skewMs = 0): void {
    const remaining = Number(header(response, 'x-ratelimit-remaining'))
    const resetAt = Number(header(response, 'x-ratelimit-reset'))
    if (
      Number.isFinite(remaining) &&
      Number.isFinite(resetAt) &&
      header(response, 'x-ratelimit-reset')
    ) {
      // The Date header has whole seconds: only a gap of more than a couple is worth correcting.
      this.windows.set(routePattern(endpoint), {
        remaining,
        resetAt: Math.abs(skewMs) > 2000 ? resetAt - skewMs : resetAt
      })
    }
  }

  /** Waits, before a call, for a window the server said is used up. */
  async respect(endpoint: string): Promise<void> {
    const key = routePattern(endpoint)
    const window = this.windows.get(key)
    if (!window || window.remaining > 0) return
    const wait = window.resetAt - Date.now()
    this.windows.delete(key)
    // Rocket.Chat's windows are a minute by default; a longer wait is more likely a clock
    // problem, and the 429 path, bounded by the answer's own "wait N seconds", handles it.
    if (wait <= 0 || wait > MAX_PROACTIVE_WAIT_MS) return
    const total = wait + RATE_LIMIT_MARGIN_MS + Math.random() * RATE_LIMIT_JITTER_MS
    this.options.log.info(
      `The server's rate limit for ${endpoint} has no calls left in this window (X-RateLimit-Remaining: 0): waiting ${seconds(total)} s for it to reset before sending.`
    )
    await this.options.deadline.sleep(total, (left) => this.tooLong(endpoint, total, left))
  }

  /** Waits out a 429 answer, or gives up at once when the wait would outlast the budget. */
  async waitOut(endpoint: string, response: RawResponse): Promise<void> {
    const wait = rateLimitWait(response)
    const total = wait + RATE_LIMIT_MARGIN_MS + Math.random() * RATE_LIMIT_JITTER_MS
    const limit = header(response, 'x-ratelimit-limit')
    this.windows.delete(routePattern(endpoint))
    const left = this.options.deadline.remainingMs
    if (total < left) {
      this.options.log.info(
        `Rate limited by the server on ${endpoint} (HTTP 429${limit ? `, ${limit} calls per window per IP` : ''}): waiting ${seconds(total)} s until the window resets.`
      )
    }
    await this.options.deadline.sleep(total, (remaining) =>
      this.tooLong(endpoint, total, remaining, limit)
    )
  }

  private tooLong(endpoint: string, wait: number, left: number, limit?: string): string {
    const advice = this.options.advice ? ` ${this.options.advice}` : ''
    return `the server's rate limit on ${endpoint}${limit ? ` (${limit} calls per window per IP)` : ''} allows the next call in ${seconds(wait)} s, but only ${seconds(Math.max(0, left))} s are left.${advice}`
  }
}
