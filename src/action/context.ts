import { readFileSync } from 'node:fs'
import {
  firstLine,
  record,
  str,
  urlPath,
  type EnvAccess,
  type GithubContext,
  type WorkflowContext
} from '../message/context.js'

// Credentials the runner hands to every step, and names that usually hold one. A
// template must never be able to print them into a chat room.
// AUTH(?!OR) keeps COMMIT_AUTHOR-style names readable while hiding *_AUTH and AUTH_*.
const HIDDEN_ENV_PREFIXES = ['ACTIONS_', 'INPUT_']
const SECRET_NAME =
  /TOKEN|SECRET|PASS|PWD|KEY|CREDENTIAL|AUTH(?!OR)|PRIVATE|COOKIE|SESSION|DSN|WEBHOOK|BEARER|(^|_)PAT($|_)/i
// Values that are credentials whatever the variable is called: a URL with user:password@
// (also curl's scheme-less proxy form) and an incoming webhook URL, whose path is its token.
const CREDENTIAL_VALUE = [
  /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i,
  /^[^/\s:@]+:[^/\s@]+@[^\s@]+$/,
  /\/hooks\/[^/\s]+\/[^/\s]+/
]

/**
 * Reads GITHUB_* / RUNNER_* variables and the event file once. `env` holds only what
 * `access` (template-env) lets templates read; without it, templates read no variable.
 */
export function readWorkflowContext(
  env: NodeJS.ProcessEnv,
  jobStatus: string,
  access: TemplateEnv = templateEnv(env, [])
): WorkflowContext {
  const event = readEvent(env.GITHUB_EVENT_PATH)
  const get = (name: string): string => env[name] ?? ''

  const eventRepo = record(event.repository)
  const repository = get('GITHUB_REPOSITORY') || str(eventRepo.full_name)
  const ref = get('GITHUB_REF')
  const github: GithubContext = {
    repository,
    repository_owner: get('GITHUB_REPOSITORY_OWNER') || repository.split('/')[0] || '',
    ref,
    ref_name: get('GITHUB_REF_NAME') || ref.replace(/^refs\/(heads|tags|pull)\//, ''),
    ref_type: get('GITHUB_REF_TYPE') || refType(ref),
    sha: get('GITHUB_SHA'),
    actor: get('GITHUB_ACTOR'),
    triggering_actor: get('GITHUB_TRIGGERING_ACTOR') || get('GITHUB_ACTOR'),
    workflow: get('GITHUB_WORKFLOW'),
    job: get('GITHUB_JOB'),
    run_id: get('GITHUB_RUN_ID'),
    run_number: get('GITHUB_RUN_NUMBER'),
    run_attempt: get('GITHUB_RUN_ATTEMPT'),
    event_name: get('GITHUB_EVENT_NAME'),
    // Same defaults as @actions/github's Context, so github.com works without them.
    server_url: trimSlash(get('GITHUB_SERVER_URL') || 'https://github.com'),
    api_url: trimSlash(get('GITHUB_API_URL') || 'https://api.github.com'),
    head_ref: get('GITHUB_HEAD_REF'),
    base_ref: get('GITHUB_BASE_REF'),
    event
  }
  return {
    github,
    job: { status: jobStatus },
    runner: { os: get('RUNNER_OS'), arch: get('RUNNER_ARCH'), name: get('RUNNER_NAME') },
    env: access.visible,
    ...derive(github)
  }
}

/** What templates may read of the environment, and why the rest stays empty. */
export interface TemplateEnv extends EnvAccess {
  visible: Record<string, string>
}

/**
 * Deny by default (a denylist of secret-looking names can never be complete): templates read
 * only the variables `listed` names, exactly or by a `*` / `?` glob. Even listed, a variable
 * stays out when its value holds a masked secret (`secrets`: the token, webhook URL, proxy
 * passwords) or looks like a credential, when its name looks like a credential's, and when
 * it is the runner's own (ACTIONS_*, INPUT_*).
 */
export function templateEnv(
  env: NodeJS.ProcessEnv,
  listed: readonly string[],
  secrets: readonly string[] = []
): TemplateEnv {
  const exact = new Set(listed.filter((pattern) => !/[*?]/.test(pattern)))
  const globs = listed.filter((pattern) => /[*?]/.test(pattern)).map(globToRegExp)
  const known = secrets.filter((secret) => secret.length >= 4)
  const isListed = (name: string): boolean => exact.has(name) || globs.some((re) => re.test(name))
  const visible: Record<string, string> = {}
  const refused = new Set<string>()
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !isListed(name)) continue
    if (isSecretName(name) || isCredential(value, known)) refused.add(name)
    else visible[name] = value
  }
  return {
    visible,
    why: (name) => {
      if (Object.hasOwn(visible, name)) return undefined
      if (refused.has(name) || (isListed(name) && isSecretName(name))) return 'secret'
      return isListed(name) ? undefined : 'unlisted'
    }
  }
}

/** The environment minus credentials: what `template-env: '*'` shows, as a check of the rules. */
export function safeEnv(
  env: NodeJS.ProcessEnv,
  secrets: readonly string[] = []
): Record<string, string> {
  return templateEnv(env, ['*'], secrets).visible
}

/** True for variable names templates never read, listed or not. */
export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase()
  return HIDDEN_ENV_PREFIXES.some((prefix) => upper.startsWith(prefix)) || SECRET_NAME.test(name)
}

function isCredential(value: string, secrets: readonly string[]): boolean {
  return (
    CREDENTIAL_VALUE.some((re) => re.test(value)) ||
    secrets.some((secret) => value.includes(secret))
  )
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${body}$`)
}

type Derived = Omit<WorkflowContext, 'github' | 'job' | 'runner' | 'env'>

function derive(github: GithubContext): Derived {
  const { event, server_url: server, repository } = github
  const repoUrl = repository ? `${server}/${repository}` : ''
  const pr = record(event.pull_request)
  const isPr = Object.keys(pr).length > 0
  const prNumber = isPr ? str(pr.number) : ''
  const headSha = (isPr && str(record(pr.head).sha)) || github.sha
  const headCommit = record(event.head_commit)
  const release = record(event.release)
  const releaseTag = str(release.tag_name)
  const tag = releaseTag || (github.ref_type === 'tag' ? github.ref_name : '')

  let branch = ''
  if (isPr) branch = str(record(pr.head).ref) || github.head_ref
  else if (github.ref.startsWith('refs/heads/')) branch = github.ref_name

  return {
    run_url: repoUrl && github.run_id ? `${repoUrl}/actions/runs/${github.run_id}` : '',
    commit_url: repoUrl && headSha ? `${repoUrl}/commit/${headSha}` : '',
    compare_url: compareUrl(repoUrl, event, pr),
    pr_url: repoUrl && prNumber ? `${repoUrl}/pull/${prNumber}` : '',
    pr_title: isPr ? str(pr.title) : '',
    pr_number: prNumber,
    pr_author: isPr ? str(record(pr.user).login) : '',
    head_sha: headSha,
    sha7: headSha.slice(0, 7),
    commit_message: firstLine(str(headCommit.message)),
    commit_author: str(record(headCommit.author).name),
    branch,
    tag,
    repository_url: repoUrl,
    actor_url: github.actor ? `${server}/${github.actor}` : '',
    release_name: str(release.name) || releaseTag,
    release_tag: releaseTag,
    release_url: repoUrl && releaseTag ? `${repoUrl}/releases/tag/${urlPath(releaseTag)}` : ''
  }
}

// Every link is built from GITHUB_SERVER_URL, not copied from the payload, so links
// stay on the GitHub Enterprise host; only the revision range is taken from `compare`.
function compareUrl(
  repoUrl: string,
  event: Record<string, unknown>,
  pr: Record<string, unknown>
): string {
  if (!repoUrl) return ''
  const compare = str(event.compare)
  const range = /\/compare\/(.+)$/.exec(compare)?.[1]
  if (range) return `${repoUrl}/compare/${range}`
  const base = str(record(pr.base).sha)
  const head = str(record(pr.head).sha)
  return base && head ? `${repoUrl}/compare/${base}...${head}` : ''
}

/** The event payload at GITHUB_EVENT_PATH; {} when there is none or it cannot be read. */
export function readEvent(path: string | undefined): Record<string, unknown> {
  if (!path) return {}
  try {
    return record(JSON.parse(readFileSync(path, 'utf8')))
  } catch {
    // Local runs and tests often have no event file; templates then see an empty event.
    return {}
  }
}

function refType(ref: string): string {
  if (ref.startsWith('refs/tags/')) return 'tag'
  if (ref.startsWith('refs/heads/')) return 'branch'
  return ''
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}
