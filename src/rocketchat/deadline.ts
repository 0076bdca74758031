import { setTimeout as sleep } from 'node:timers/promises'
import { DeadlineError } from './errors.js'
import { PLAIN_NAMES } from './names.js'

/** The time budget of a whole task: every request and wait must end before it does. */
export class Deadline {
  readonly endsAt: number
  constructor(
    readonly totalMs: number,
    /** What the caller calls this budget, for the error that says it ran out. */
    readonly name = PLAIN_NAMES.timeout,
    now = Date.now()
  ) {
    this.endsAt = now + totalMs
  }

  get remainingMs(): number {
    return this.endsAt - Date.now()
  }

  /** The error for running out of time; `doing` says what the step was at ("posting to …"). */
  outOfTime(reason: string, doing = ''): DeadlineError {
    return new DeadlineError(
      `Gave up after ${this.name} (${seconds(this.totalMs)} s)${doing ? ` ${doing}` : ''}: ${reason}`
    )
  }

  /**
   * Sleeps `ms` when that ends before the deadline; otherwise gives up at once rather than
   * waiting in vain, with `why(remainingMs)` as the reason.
   */
  async sleep(ms: number, why: (remainingMs: number) => string, doing = ''): Promise<void> {
    const remaining = this.remainingMs
    if (ms >= remaining) throw this.outOfTime(why(remaining), doing)
    await sleep(ms)
  }
}

/** Milliseconds as seconds with one decimal, for log lines. */
export function seconds(ms: number): string {
  return (Math.round(ms / 100) / 10).toString()
}
