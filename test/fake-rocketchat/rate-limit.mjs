// @ts-check
/**
 * Rate limiting: Meteor's rate-limit Rule, one per route, counters per client IP.
 *
 * Sources (RocketChat/Rocket.Chat): `apps/meteor/app/api/server/ApiClass.ts` at 019378e3 and
 * e5433893 (`defaultRateLimiterOptions`, `enforceRateLimit`, `addRateLimiterRuleForRoutes`) and
 * the port of Meteor's `rate-limit` package it uses (`RateLimiter`/`Rule`; commit not recorded).
 * Which routes and callers are limited, and with what values, is in pipeline.mjs and
 * routes/webhooks.mjs.
 */

export class RateLimiter {
  constructor() {
    /** @type {Map<string, {lastReset: number, counters: Map<string, number>}>} */
    this.rules = new Map()
    this.createdAt = Date.now()
  }

  /**
   * Counts one call. Increment happens before the check, rejected calls count too, and the window is
   * anchored on the rule (all IPs of a route reset together), not on the first call of each IP.
   * @param {string} key route + method, e.g. '/api/v1/chat.sendMessagepost'
   * @param {string} ip
   * @param {{limit: number, intervalMs: number}} opts
   * @param {number} createdAt when the rule came to exist (server start for API routes, first use for hooks)
   */
  hit(key, ip, opts, createdAt) {
    const now = Date.now()
    let rule = this.rules.get(key)
    if (!rule) {
      rule = { lastReset: createdAt, counters: new Map() }
      this.rules.set(key, rule)
    }
    if (now - rule.lastReset > opts.intervalMs) {
      rule.counters.clear()
      rule.lastReset = now
    }
    const n = (rule.counters.get(ip) ?? 0) + 1
    rule.counters.set(ip, n)
    const timeToReset = opts.intervalMs - (now - rule.lastReset)
    const allowed = n <= opts.limit
    return {
      allowed,
      remaining: allowed ? opts.limit - n : 0,
      timeToReset,
      resetAt: now + timeToReset
    }
  }

  reset() {
    this.rules.clear()
    this.createdAt = Date.now()
  }
}
