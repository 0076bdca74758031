import { setTimeout as sleep } from 'node:timers/promises'
import type { LiveText } from '../delivery/options.js'
import type { WorkflowContext } from '../message/context.js'
import {
  boardIsCurrent,
  mergeShown,
  parseBoard,
  runView,
  withCurrentJob,
  type RunJob
} from '../message/run.js'
import { seconds, type Deadline } from '../rocketchat/deadline.js'
import { backoffMs } from '../rocketchat/retry.js'
import type { Logger } from '../rocketchat/types.js'

// Reads the jobs of this workflow run attempt from GitHub for preset run. @actions/github
// (and its octokit) is imported here on first use only, so that every other step starts as
// fast as without it. A failure to read never stops the message: the step posts the status
// preset instead and says in a warning what to change.

const PER_PAGE = 100
// GitHub allows 256 jobs per matrix; a run of more than 5000 jobs is not worth more pages.
const MAX_PAGES = 50

/** Why the jobs could not be read, for a warning; the step goes on with the status preset. */
export class RunUnavailable extends Error {
  constructor(reason: string) {
    super(
      `preset run could not read the jobs of this run: ${reason} Posting the status message instead.`
    )
    this.name = 'RunUnavailable'
  }
}

type ListJobs = (page: number, signal: AbortSignal) => Promise<{ total: number; jobs: unknown[] }>

/** The jobs of this run attempt, read again on demand, with the step's own job finished as `status` says. */
export class RunReport {
  private constructor(
    private readonly list: ListJobs,
    private readonly ctx: WorkflowContext,
    private readonly status: string,
    private readonly deadline: Deadline,
    private readonly log: Logger,
    /** Attempts per page: the retries input, plus one. */
    private readonly attempts: number,
    public jobs: RunJob[]
  ) {}

  /** Reads the jobs once; throws RunUnavailable when GitHub cannot tell. */
  static async open(
    ctx: WorkflowContext,
    token: string,
    status: string,
    deadline: Deadline,
    log: Logger,
    retries: number,
    env: NodeJS.ProcessEnv = process.env
  ): Promise<RunReport> {
    const [owner, repo] = ctx.github.repository.split('/')
    const runId = Number(ctx.github.run_id)
    if (!owner || !repo || !Number.isInteger(runId) || runId <= 0) {
      throw new RunUnavailable(
        'GITHUB_REPOSITORY and GITHUB_RUN_ID are not set, so there is no run to report (this happens outside GitHub Actions).'
      )
    }
    if (!token) {
      throw new RunUnavailable(
        'github-token is empty. Leave it unset to use ${{ github.token }}, and give the job permissions: actions: read.'
      )
    }
    const { getOctokit } = await import('@actions/github')
    const octokit = getOctokit(token, {
      baseUrl: ctx.github.api_url,
      log: { debug: () => undefined, info: () => undefined, warn: log.debug, error: log.debug }
    })
    const attempt = Number(ctx.github.run_attempt) || 1
    const list: ListJobs = async (page, signal) => {
      const answer = await octokit.rest.actions.listJobsForWorkflowRunAttempt({
        owner,
        repo,
        run_id: runId,
        attempt_number: attempt,
        per_page: PER_PAGE,
        page,
        request: { signal }
      })
      return { total: answer.data.total_count, jobs: answer.data.jobs }
    }
    const report = new RunReport(list, ctx, status, deadline, log, retries + 1, [])
    report.jobs = await report.read(env.RUNNER_NAME ?? '')
    return report
  }

  /** Reads the jobs again; keeps what it had when GitHub does not answer now. */
  async refresh(env: NodeJS.ProcessEnv = process.env): Promise<void> {
    try {
      this.jobs = await this.read(env.RUNNER_NAME ?? '')
    } catch (error) {
      this.log.debug(`Could not read the jobs again: ${(error as Error).message}`)
    }
  }

  private async read(runnerName: string): Promise<RunJob[]> {
    const raw: Record<string, unknown>[] = []
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { total, jobs } = await this.page(page)
      raw.push(
        ...jobs.map((job) => (typeof job === 'object' && job ? job : {}) as Record<string, unknown>)
      )
      if (jobs.length < PER_PAGE || raw.length >= total) break
    }
    const current = findCurrentJob(raw, runnerName, this.ctx.github.job)
    return withCurrentJob(raw.map(toRunJob), current, this.status, Date.now())
  }

  private async page(page: number): Promise<{ total: number; jobs: unknown[] }> {
    for (let attempt = 1; ; attempt++) {
      // Reading the jobs may use part of the budget; posting the message needs the rest.
      const budget = this.deadline.remainingMs - reserveMs(this.deadline)
      if (budget <= 0) throw new RunUnavailable('no time was left within timeout-seconds.')
      try {
        return await this.list(page, AbortSignal.timeout(Math.floor(budget)))
      } catch (error) {
        const wait = await this.retryAfter(error, attempt)
        if (wait === undefined) throw explain(error, budget)
        await sleep(wait)
      }
    }
  }

  /** How long to wait before trying again, or undefined to give up. */
  private async retryAfter(error: unknown, attempt: number): Promise<number | undefined> {
    const status = statusOf(error)
    const headers = headersOf(error)
    const limited =
      status === 429 ||
      (status === 403 && (headers['x-ratelimit-remaining'] === '0' || 'retry-after' in headers))
    if (limited) {
      const wait = githubWait(headers)
      const left = this.deadline.remainingMs - reserveMs(this.deadline)
      if (attempt >= this.attempts || wait >= left) {
        throw new RunUnavailable(
          `GitHub's API rate limit for github-token allows the next call in ${seconds(wait)} s, more than the ${seconds(Math.max(0, left))} s timeout-seconds leaves for it.`
        )
      }
      this.log.info(
        `GitHub's API rate limit was reached: waiting ${seconds(wait)} s for it to reset.`
      )
      return wait
    }
    const passing = status === undefined ? !isAbort(error) : status >= 500
    if (passing && attempt < this.attempts) return backoffMs(attempt, 500)
    return undefined
  }

  /** The text a live board gets right before each write: jobs read again, never going back. */
  live(compose: (ctx: WorkflowContext) => string): LiveText {
    return {
      render: async (current) => {
        await this.refresh()
        const jobs = mergeShown(this.jobs, parseBoard(current, this.ctx))
        return compose({ ...this.ctx, run: runView(this.ctx, jobs, Date.now()) })
      },
      settled: (current, written) =>
        boardIsCurrent(parseBoard(current, this.ctx), parseBoard(written, this.ctx))
    }
  }
}

function reserveMs(deadline: Deadline): number {
  return Math.min(30_000, Math.max(3_000, deadline.totalMs / 4))
}

/**
 * The job this step runs in: in progress on the runner this step runs on (a runner runs one
 * job at a time). GITHUB_JOB is the job's key, not its name, so it only breaks a tie.
 */
export function findCurrentJob(
  jobs: Record<string, unknown>[],
  runnerName: string,
  jobKey: string
): number | undefined {
  const running = jobs.filter((job) => job.status === 'in_progress')
  const mine = running.filter((job) => runnerName && job.runner_name === runnerName)
  const pick = mine.length === 1 ? mine : running.filter((job) => job.name === jobKey)
  return pick.length === 1 && typeof pick[0].id === 'number' ? pick[0].id : undefined
}

function toRunJob(job: Record<string, unknown>): RunJob {
  const text = (value: unknown): string => (typeof value === 'string' ? value : '')
  const steps = Array.isArray(job.steps) ? (job.steps as Record<string, unknown>[]) : []
  const failed = steps.find((step) => step && step.conclusion === 'failure')
  return {
    id: typeof job.id === 'number' ? job.id : 0,
    name: text(job.name),
    status: text(job.status),
    conclusion: text(job.conclusion),
    started_at: text(job.started_at),
    completed_at: text(job.completed_at),
    failed_step: failed ? text(failed.name) : ''
  }
}

/**
 * The HTTP status GitHub answered with, or undefined when no answer came: octokit reports a
 * network failure or an abort as status 500 with the cause attached and no response.
 */
function statusOf(error: unknown): number | undefined {
  const { status, response } = error as { status?: unknown; response?: unknown }
  return typeof status === 'number' && response !== undefined ? status : undefined
}

function headersOf(error: unknown): Record<string, string> {
  const headers = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = String(value)
  return out
}

function isAbort(error: unknown): boolean {
  const { name, message, cause } = error as { name?: unknown; message?: unknown; cause?: unknown }
  return (
    name === 'AbortError' ||
    name === 'TimeoutError' ||
    /aborted/i.test(String(message)) ||
    (cause !== undefined && cause !== error && isAbort(cause))
  )
}

/**
 * GitHub's rate-limit answers: Retry-After (seconds, secondary limits) or
 * X-RateLimit-Reset (epoch seconds, primary limit). A second more for the clock.
 */
export function githubWait(headers: Record<string, string>, now = Date.now()): number {
  const after = Number(headers['retry-after'])
  if (Number.isFinite(after) && after >= 0) return after * 1000 + 250
  const reset = Number(headers['x-ratelimit-reset'])
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now) + 1000
  return 60_000
}

function explain(error: unknown, budget: number): RunUnavailable {
  if (error instanceof RunUnavailable) return error
  const status = statusOf(error)
  if (status === 403 || status === 404) {
    return new RunUnavailable(
      `GitHub answered HTTP ${status}: the github-token may not read this run's jobs. Give the job the permission actions: read (permissions: actions: read; private repositories also need contents: read).`
    )
  }
  if (status === 401) {
    return new RunUnavailable(
      'GitHub refused github-token (HTTP 401). Leave github-token unset to use ${{ github.token }}, or give a token that has not expired.'
    )
  }
  if (status !== undefined) return new RunUnavailable(`GitHub answered HTTP ${status}.`)
  if (isAbort(error)) {
    return new RunUnavailable(`GitHub did not answer within ${seconds(budget)} s.`)
  }
  // Network errors name the host and the cause, nothing from the answer.
  const root = (error as { cause?: { code?: unknown; cause?: { code?: unknown } } }).cause
  const cause = root?.code ?? root?.cause?.code
  return new RunUnavailable(
    `GitHub's API at GITHUB_API_URL could not be reached${typeof cause === 'string' ? ` (${cause})` : ''}.`
  )
}
