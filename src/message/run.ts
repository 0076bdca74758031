import type { Block } from './blocks.js'
import { linkButtons, type LaidOut } from './card.js'
import type { WorkflowContext } from './context.js'
import { cutAt, DEFAULT_MAX_LENGTH } from './length.js'
import { neutralise, type AllowedMentions } from './neutralise.js'
import { clip, commitLine, link, treeUrl, triggeredBy } from './presets.js'

// The run report: every job of one workflow run attempt as plain data (for templates) and as
// one message (the `run` preset). The jobs come from GitHub's "list jobs for a workflow run
// attempt"; the action layer fetches them and hands them here as RunJob.

/** One job as GitHub lists it, reduced to what the report shows. Names are untrusted text. */
export interface RunJob {
  id: number
  name: string
  /** queued, in_progress, completed, waiting, requested or pending. */
  status: string
  /** '' until completed. */
  conclusion: string
  /** ISO 8601, '' when unknown. */
  started_at: string
  completed_at: string
  /** The first step that failed, '' for none. */
  failed_step: string
}

/** A job as templates and the preset see it. */
export interface RunViewJob {
  id: number
  name: string
  /** The matrix job's name without its "(…)" part, else the name. */
  group: string
  /** The "(…)" part of a matrix job's name without the parentheses, else ''. */
  variant: string
  /** The conclusion when completed, else in_progress, queued or waiting. */
  state: string
  icon: string
  word: string
  failed: boolean
  duration: string
  duration_seconds: number
  url: string
  failed_step: string
}

/** `run` in templates. */
export interface RunView {
  /** failure (a job failed or timed out), in_progress, cancelled or success. */
  result: string
  result_icon: string
  result_word: string
  finished: boolean
  attempt: string
  /** Time since the first job was created: so far, or in all once every job finished. */
  duration: string
  duration_seconds: number
  total: number
  /** How many jobs per state, e.g. { success: 8, failure: 1 }. */
  counts: Record<string, number>
  /** The counts as words, e.g. "8 succeeded, 1 failed". */
  summary: string
  jobs: RunViewJob[]
  failed_jobs: RunViewJob[]
}

interface StateLook {
  icon: string
  word: string
  rank: number
}

// Rank orders what a job can become: a board never shows a job going back (see mergeShown).
const STATES: Record<string, StateLook> = {
  failure: { icon: '❌', word: 'failed', rank: 2 },
  timed_out: { icon: '⌛', word: 'timed out', rank: 2 },
  startup_failure: { icon: '💥', word: 'failed to start', rank: 2 },
  cancelled: { icon: '⚪', word: 'cancelled', rank: 2 },
  action_required: { icon: '✋', word: 'action required', rank: 2 },
  success: { icon: '✅', word: 'succeeded', rank: 2 },
  neutral: { icon: '➖', word: 'neutral', rank: 2 },
  skipped: { icon: '⏭️', word: 'skipped', rank: 2 },
  stale: { icon: '💤', word: 'stale', rank: 2 },
  in_progress: { icon: '🔄', word: 'in progress', rank: 1 },
  waiting: { icon: '⏸️', word: 'waiting', rank: 0 },
  queued: { icon: '⏳', word: 'queued', rank: 0 }
}
const UNKNOWN: StateLook = { icon: '❔', word: 'unknown', rank: 0 }
const FAILED = new Set(['failure', 'timed_out', 'startup_failure'])
const RESULTS: Record<string, { icon: string; word: string }> = {
  success: { icon: '✅', word: 'Succeeded' },
  failure: { icon: '❌', word: 'Failed' },
  cancelled: { icon: '⚪', word: 'Cancelled' },
  in_progress: { icon: '🔄', word: 'Running' }
}
// Items of one matrix group per line; longer groups continue on the next line.
const ITEMS_PER_LINE = 8
// Longest text of one section in layout: blocks. Rocket.Chat's UiKit sets no limit, Slack's
// Block Kit, which it follows, sets 3000 characters; the job lines are spread over sections
// of at most this many.
const SECTION_MAX = 3000

/** The state a job is in: its conclusion once completed, else where it is in the queue. */
export function stateOf(job: Pick<RunJob, 'status' | 'conclusion'>): string {
  if (job.status === 'completed') return job.conclusion || 'neutral'
  if (job.status === 'in_progress') return 'in_progress'
  return job.status === 'waiting' ? 'waiting' : 'queued'
}

function look(state: string): StateLook {
  return Object.hasOwn(STATES, state) ? STATES[state] : UNKNOWN
}

/**
 * The job the step runs in is still in progress on GitHub while the step runs; its result
 * is the status input. Returns the jobs with that one completed as `status` says.
 */
export function withCurrentJob(
  jobs: RunJob[],
  currentId: number | undefined,
  status: string,
  now: number
): RunJob[] {
  const conclusion = status.trim().toLowerCase()
  if (currentId === undefined || !Object.hasOwn(STATES, conclusion) || look(conclusion).rank < 2)
    return jobs
  return jobs.map((job) =>
    job.id === currentId
      ? { ...job, status: 'completed', conclusion, completed_at: new Date(now).toISOString() }
      : job
  )
}

/** The run as template data. `now` makes "so far" durations testable. */
export function runView(ctx: WorkflowContext, jobs: RunJob[], now: number): RunView {
  const view = jobs.map((job) => viewJob(ctx, job, now))
  const counts: Record<string, number> = {}
  for (const job of view) counts[job.state] = (counts[job.state] ?? 0) + 1
  const finished = view.every((job) => look(job.state).rank === 2)
  const result = view.some((job) => job.failed)
    ? 'failure'
    : !finished
      ? 'in_progress'
      : view.some((job) => job.state === 'cancelled')
        ? 'cancelled'
        : 'success'
  const starts = jobs.map((job) => Date.parse(job.started_at)).filter(Number.isFinite)
  const ends = jobs.map((job) => Date.parse(job.completed_at)).filter(Number.isFinite)
  const first = starts.length ? Math.min(...starts) : now
  const last = finished && ends.length ? Math.max(...ends) : now
  const seconds = Math.max(0, Math.round((last - first) / 1000))
  return {
    result,
    result_icon: RESULTS[result].icon,
    result_word: RESULTS[result].word,
    finished,
    attempt: ctx.github.run_attempt || '1',
    duration: formatDuration(seconds),
    duration_seconds: seconds,
    total: view.length,
    counts,
    summary: summarise(counts),
    jobs: view,
    failed_jobs: view.filter((job) => job.failed)
  }
}

function viewJob(ctx: WorkflowContext, job: RunJob, now: number): RunViewJob {
  const state = stateOf(job)
  const { icon, word } = look(state)
  const start = Date.parse(job.started_at)
  const end = job.completed_at ? Date.parse(job.completed_at) : now
  const seconds =
    Number.isFinite(start) && Number.isFinite(end) && look(state).rank > 0
      ? Math.max(0, Math.round((end - start) / 1000))
      : 0
  const matrix = /^(.*\S) \((.+)\)$/.exec(job.name)
  return {
    id: job.id,
    name: job.name,
    group: matrix?.[1] ?? job.name,
    variant: matrix?.[2] ?? '',
    state,
    icon,
    word,
    failed: FAILED.has(state),
    duration: seconds ? formatDuration(seconds) : '',
    duration_seconds: seconds,
    url: jobUrl(ctx, job.id),
    failed_step: job.failed_step
  }
}

// Built from GITHUB_SERVER_URL like every other link, never taken from the answer.
function jobUrl(ctx: WorkflowContext, id: number): string {
  return ctx.run_url ? `${ctx.run_url}/job/${id}` : ''
}

/** 45s, 3m 12s, 1h 2m. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`
  const m = Math.floor(seconds / 60)
  if (m < 60) return `${m}m ${seconds % 60}s`
  return `${Math.floor(m / 60)}h ${m % 60}m`
}

function summarise(counts: Record<string, number>): string {
  // Failures first, then the rest in the table's order.
  return Object.keys(STATES)
    .filter((state) => counts[state])
    .map((state) => `${counts[state]} ${STATES[state].word}`)
    .join(', ')
}

export interface RunPresetOptions {
  allowedMentions: AllowedMentions
  /** Longest text the server takes, in UTF-16 units. */
  maxLength?: number
}

/**
 * The run message: the result and what ran at the top, then failed jobs with their failed
 * step, then the others, matrix jobs grouped. Everything lives in the text, because an update
 * (the live board) can change only the text. Too long for `maxLength`: the lines that do not
 * fit become counts per state.
 */
export function runPreset(ctx: WorkflowContext, run: RunView, opts: RunPresetOptions): string {
  const { head, kept, tail } = runReport(ctx, run, opts)
  const text = [headText(head), '', ...kept, ...(tail ? [tail] : [])].join('\n')
  return cutAt(text, opts.maxLength ?? DEFAULT_MAX_LENGTH)
}

/**
 * The run report as UiKit blocks, for a message posted once (blocks cannot be updated, so a
 * live board stays text): the result line and the counts in a section, the same job lines
 * as the text (failures first) in sections of at most SECTION_MAX characters, the commit
 * and who started the run as a context line, and link buttons to the run and the pull
 * request. The text is the whole report, for notifications.
 */
export function runBlocks(ctx: WorkflowContext, run: RunView, opts: RunPresetOptions): LaidOut {
  const { head, kept, tail } = runReport(ctx, run, opts)
  const blocks: Block[] = [section(`${head.headline}\n${head.counts}`)]
  for (const chunk of sections([...kept, ...(tail ? [tail] : [])])) blocks.push(section(chunk))
  if (head.about) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: head.about }] })
  }
  const buttons: { text: string; url: string }[] = []
  if (ctx.run_url) buttons.push({ text: 'Open run', url: ctx.run_url })
  if (ctx.pr_number && ctx.pr_url) buttons.push({ text: 'View pull request', url: ctx.pr_url })
  if (buttons.length) blocks.push({ type: 'actions', elements: linkButtons(buttons) })
  return { text: runPreset(ctx, run, opts), blocks }
}

function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: cutAt(text, SECTION_MAX) } }
}

/** Lines joined into texts of at most SECTION_MAX characters, a line never split between two. */
function sections(lines: string[]): string[] {
  const out: string[] = []
  let current = ''
  for (const line of lines) {
    if (current && current.length + 1 + line.length > SECTION_MAX) {
      out.push(current)
      current = ''
    }
    current = current ? `${current}\n${line}` : line
  }
  if (current) out.push(current)
  return out
}

interface Head {
  /** The result, what ran and where, with links. */
  headline: string
  /** The commit and who started the run, '' when neither is known. */
  about: string
  /** How many jobs per outcome and the time. */
  counts: string
}

/** The top lines and the job lines that fit `maxLength` with them, then the counts of the rest. */
function runReport(
  ctx: WorkflowContext,
  run: RunView,
  opts: RunPresetOptions
): { head: Head; kept: string[]; tail: string } {
  const maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH
  const plain = (value: string): string =>
    neutralise(oneLine(value), { allowedMentions: opts.allowedMentions })
  const head = headLines(ctx, run, plain)

  const lines: { text: string; jobs: RunViewJob[] }[] = []
  for (const job of run.failed_jobs) {
    let line = item(job, job.name, plain)
    if (job.failed_step) line += ` · step: ${plain(clip(job.failed_step))}`
    lines.push({ text: line, jobs: [job] })
  }
  // Still running next, then the rest; each group where its first job is.
  const rest = run.jobs.filter((job) => !job.failed)
  const order = [
    ...rest.filter((job) => look(job.state).rank < 2),
    ...rest.filter((job) => look(job.state).rank === 2)
  ]
  const groups = new Map<string, RunViewJob[]>()
  const all = new Map<string, number>()
  for (const job of run.jobs) all.set(job.group, (all.get(job.group) ?? 0) + 1)
  for (const job of order) {
    const key = job.variant && (all.get(job.group) ?? 0) > 1 ? job.group : `\u0000${job.id}`
    groups.set(key, [...(groups.get(key) ?? []), job])
  }
  for (const [key, members] of groups) {
    if (key.startsWith('\u0000')) {
      lines.push({ text: item(members[0], members[0].name, plain), jobs: members })
      continue
    }
    const total = all.get(key) ?? members.length
    for (let i = 0; i < members.length; i += ITEMS_PER_LINE) {
      const chunk = members.slice(i, i + ITEMS_PER_LINE)
      const items = chunk.map((job) => item(job, job.variant, plain)).join(' · ')
      lines.push({
        text: i === 0 ? `*${plain(key)}* (${total}): ${items}` : `↳ ${items}`,
        jobs: chunk
      })
    }
  }
  return { head, ...fit(headText(head), lines, run, ctx, maxLength) }
}

function headText(head: Head): string {
  return [head.headline, head.about, head.counts].filter(Boolean).join('\n')
}

function headLines(ctx: WorkflowContext, run: RunView, plain: (v: string) => string): Head {
  const { github } = ctx
  const title = [github.workflow || 'Workflow run', github.run_number && `#${github.run_number}`]
    .filter(Boolean)
    .join(' ')
  let headline = `${run.result_icon} *${run.result_word}*: ${link(plain(title), ctx.run_url)}`
  if (run.attempt !== '1') headline += ` (attempt ${run.attempt})`
  if (ctx.pr_number) {
    headline += ` for PR ${link(`#${ctx.pr_number}`, ctx.pr_url)}`
    if (ctx.pr_title) headline += ` ${plain(clip(ctx.pr_title))}`
  } else if (ctx.release_tag) {
    headline += ` for release ${link(plain(ctx.release_name || ctx.release_tag), ctx.release_url)}`
  } else if (ctx.branch) {
    headline += ` on ${link(plain(ctx.branch), treeUrl(ctx, ctx.branch))}`
  } else if (ctx.tag) {
    headline += ` on tag ${link(plain(ctx.tag), treeUrl(ctx, ctx.tag))}`
  }
  if (github.repository) headline += ` in ${link(plain(github.repository), ctx.repository_url)}`
  const commit = commitLine(ctx, plain)
  const who = triggeredBy(ctx)
  const about = [commit && `Commit ${commit}`, who && `started by ${who}`].filter(Boolean)
  const time = run.finished ? `took ${run.duration}` : `${run.duration} so far`
  return {
    headline,
    about: about.join(' · '),
    counts: `${run.total} job${run.total === 1 ? '' : 's'}: ${run.summary || 'none yet'} · ${time}`
  }
}

// The icon right before the link: parseBoard reads a board back by this shape.
function item(job: RunViewJob, label: string, plain: (v: string) => string): string {
  const shown = plain(label).replace(/\[/g, '⁅').replace(/\]/g, '⁆') || `job ${job.id}`
  const name = job.url ? `[${shown}](${job.url})` : shown
  return `${job.icon} ${name}${job.duration ? ` ${job.duration}` : ''}`
}

/**
 * The job lines that fit `maxLength` under `head` (and a blank line), and the counts of the
 * jobs left out with a link to the run ('' when every line fits).
 */
function fit(
  head: string,
  lines: { text: string; jobs: RunViewJob[] }[],
  run: RunView,
  ctx: WorkflowContext,
  maxLength: number
): { kept: string[]; tail: string } {
  const all = lines.map((line) => line.text)
  if ([head, '', ...all].join('\n').length <= maxLength) return { kept: all, tail: '' }
  // Keep lines in order (failures first) while room is left for the counts of the rest.
  let length = head.length + 1
  const kept: string[] = []
  const left: Record<string, number> = { ...run.counts }
  let omitted = run.total
  for (const line of lines) {
    const counts = { ...left }
    for (const job of line.jobs) counts[job.state] -= 1
    const tail = moreLine(counts, omitted - line.jobs.length, ctx)
    if (length + 1 + line.text.length + tail.length + 1 > maxLength) break
    length += 1 + line.text.length
    kept.push(line.text)
    Object.assign(left, counts)
    omitted -= line.jobs.length
  }
  return { kept, tail: moreLine(left, omitted, ctx) }
}

function moreLine(counts: Record<string, number>, omitted: number, ctx: WorkflowContext): string {
  if (omitted <= 0) return ''
  const words = Object.keys(STATES)
    .filter((state) => counts[state] > 0)
    .map((state) => `${STATES[state].icon} ${counts[state]} ${STATES[state].word}`)
    .join(', ')
  return `… ${omitted} more: ${words}${ctx.run_url ? ` · ${link('all jobs', ctx.run_url)}` : ''}`
}

function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim()
}

/**
 * The state of each job a board message shows, read back from its text by the shape
 * `item` writes (an icon, then a link to the job in this run). Names cannot forge it: a
 * neutralised name holds no "](".
 */
export function parseBoard(text: string, ctx: WorkflowContext): Map<number, string> {
  const shown = new Map<number, string>()
  if (!ctx.run_url) return shown
  const icons = Object.entries(STATES)
  const alternation = icons.map(([, s]) => escapeRe(s.icon)).join('|')
  const re = new RegExp(
    `(${alternation}) \\[[^\\]\\n]*\\]\\(${escapeRe(ctx.run_url)}/job/(\\d+)\\)`,
    'gu'
  )
  for (const m of text.matchAll(re)) {
    const state = icons.find(([, s]) => s.icon === m[1])?.[0]
    if (state) shown.set(Number(m[2]), state)
  }
  return shown
}

/**
 * The jobs as GitHub lists them, each moved forward to what the board already shows when
 * that is further along (a job that reported itself finished before GitHub says so), so
 * that no update shows a job going back.
 */
export function mergeShown(jobs: RunJob[], shown: Map<number, string>): RunJob[] {
  return jobs.map((job) => {
    const was = shown.get(job.id)
    if (was === undefined || look(was).rank <= look(stateOf(job)).rank) return job
    return look(was).rank === 2
      ? { ...job, status: 'completed', conclusion: was }
      : { ...job, status: was, conclusion: '' }
  })
}

/**
 * True when the board (`shown`, read from the message) shows every job that `mine` (read
 * from the text this step would write) lists, each at least as far along.
 */
export function boardIsCurrent(shown: Map<number, string>, mine: Map<number, string>): boolean {
  for (const [id, state] of mine) {
    const was = shown.get(id)
    if (was === undefined || look(was).rank < look(state).rank) return false
  }
  return true
}

function escapeRe(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
