import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { USERS } from '../../test/fake-rocketchat/seed.mjs'
import { RUNNER_ENV } from '../../test/runner-env.mjs'

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..')
export const DIST = join(ROOT, 'dist', 'index.js')
/** What `${{ github.token }}`, the default of github-token, is in these runs. */
export const JOB_TOKEN = 'ghs_runnerJobTokenForTests'

export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  message: string
}

export interface ActionRun {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  annotations: Annotation[]
  /** stdout and stderr together, for "never appears anywhere" checks. */
  all: string
  durationMs: number
}

export interface RunOptions {
  inputs: Record<string, string>
  /** The event payload written to GITHUB_EVENT_PATH. */
  event?: unknown
  eventName?: string
  env?: Record<string, string>
  /** What `${{ job.status }}` evaluates to (the default of the status input). */
  jobStatus?: string
  /** Kill the process after this long (a hang is a test failure, not a stuck suite). */
  killAfterMs?: number
  cwd?: string
}

interface ActionYml {
  inputs: Record<string, { default?: string }>
}

export const actionYml = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml & {
  outputs: Record<string, unknown>
}

/**
 * Runs the committed bundle the way the runner does: inputs as INPUT_* variables (with
 * action.yml defaults filled in), outputs and summary through files, annotations on stdout.
 */
export async function runAction(options: RunOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'rc-action-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  const eventFile = join(dir, 'event.json')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  writeFileSync(eventFile, JSON.stringify(options.event ?? {}))

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    ...RUNNER_ENV,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_EVENT_NAME: options.eventName ?? 'push',
    GITHUB_WORKSPACE: options.cwd ?? dir,
    RUNNER_TEMP: dir,
    ...options.env
  }
  for (const [name, spec] of Object.entries(actionYml.inputs)) {
    if (spec.default === undefined) continue
    // The runner expands the defaults' expressions before the action starts.
    const value = spec.default.includes('${{ job.status }}')
      ? (options.jobStatus ?? 'success')
      : spec.default.includes('${{ github.token }}')
        ? JOB_TOKEN
        : spec.default
    env[inputVar(name)] = value
  }
  for (const [name, value] of Object.entries(options.inputs)) env[inputVar(name)] = value

  const started = Date.now()
  const child = spawn(process.execPath, [DIST], {
    env,
    cwd: options.cwd ?? dir,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 20_000)
  const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)))
  clearTimeout(killer)
  const durationMs = Date.now() - started

  const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'))
  const summary = existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : ''
  rmSync(dir, { recursive: true, force: true })
  return {
    code,
    stdout,
    stderr,
    outputs,
    summary,
    annotations: parseAnnotations(stdout),
    all: `${stdout}\n${stderr}\n${summary}\n${JSON.stringify(outputs)}`,
    durationMs
  }
}

/** The server-url, auth-token and user-id inputs of the seeded bot user, for `serverUrl`. */
export function asBot(serverUrl: string): Record<string, string> {
  return { 'server-url': serverUrl, 'auth-token': USERS.bot.token, 'user-id': USERS.bot.id }
}

/**
 * Runs the bundle as the seeded bot, posting `message` to #general on `server`; `inputs` add
 * to those or override them.
 */
export function postToGeneral(
  server: { url: string },
  message: string,
  inputs: Record<string, string> = {},
  options: Omit<RunOptions, 'inputs'> = {}
): Promise<ActionRun> {
  return runAction({
    ...options,
    inputs: { ...asBot(server.url), room: '#general', message, ...inputs }
  })
}

/** The variable name the runner uses for an input (spaces become underscores; hyphens stay). */
export function inputVar(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/** Parses the GITHUB_OUTPUT file format: `name<<DELIMITER\nvalue\nDELIMITER`. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (m) {
      const [, name, delimiter] = m
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i])
      outputs[name] = value.join('\n')
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      outputs[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return outputs
}

/** Workflow-command annotations (`::error::…`) printed on stdout, unescaped. */
export function parseAnnotations(stdout: string): Annotation[] {
  const found: Annotation[] = []
  for (const line of stdout.split('\n')) {
    const m = /^::(error|warning|notice)(?: [^:]*)?::(.*)$/.exec(line)
    if (m) {
      const message = m[2].replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
      found.push({ level: m[1] as Annotation['level'], message })
    }
  }
  return found
}

/** stdout without the runner's own `::add-mask::` commands, which must carry the secret. */
export function withoutMaskCommands(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
}
