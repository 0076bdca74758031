import { InputError } from '../errors.js'
import { readEvent } from './context.js'
import { readBoolean, type GetInput } from './inputs.js'

// Events whose runs get no repository secrets when the pull request comes from a fork, and
// that Dependabot triggers without them. pull_request_target is not here: it runs in the
// base repository, with its secrets.
const PULL_REQUEST_EVENTS = new Set([
  'pull_request',
  'pull_request_review',
  'pull_request_review_comment'
])
const DEPENDABOT_EVENTS = new Set([...PULL_REQUEST_EVENTS, 'push'])

/**
 * Why GitHub gave this run no secrets, in words for the log, or undefined when it would have:
 * a pull request from a fork, or a run Dependabot triggered.
 */
export function runWithoutSecrets(env: NodeJS.ProcessEnv): string | undefined {
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  if (env.GITHUB_ACTOR === 'dependabot[bot]' && DEPENDABOT_EVENTS.has(eventName)) {
    return 'this run was triggered by Dependabot, and GitHub gives such runs no repository secrets (only Dependabot secrets)'
  }
  if (!PULL_REQUEST_EVENTS.has(eventName)) return undefined
  const pr = readEvent(env.GITHUB_EVENT_PATH).pull_request as
    | { head?: { repo?: { full_name?: string } | null }; base?: { repo?: { full_name?: string } } }
    | undefined
  const head = pr?.head?.repo?.full_name
  const base = pr?.base?.repo?.full_name
  // A deleted fork leaves head.repo null; it was still not this repository.
  if (pr && base && head !== base) {
    return `this is a pull request from a fork (${head ?? 'a deleted repository'}), and GitHub gives such runs no secrets`
  }
  return undefined
}

/**
 * The notice to print when the step should succeed without posting: every credential input
 * is empty on a run that GitHub gave no secrets, and skip-without-credentials is true. With
 * it false, the same run fails, saying why the credentials are empty. Anywhere else, or
 * with any credential given, undefined: the usual checks follow.
 */
export function skipWithoutCredentials(
  getInput: GetInput,
  env: NodeJS.ProcessEnv = process.env
): string | undefined {
  const credentials = ['auth-token', 'user-id', 'webhook-url'] as const
  if (credentials.some((name) => getInput(name))) return undefined
  if (readBoolean(getInput, 'dry-run')) return undefined
  const why = runWithoutSecrets(env)
  if (!why) return undefined
  if (!readBoolean(getInput, 'skip-without-credentials')) {
    throw new InputError(
      'auth-token',
      `is empty: ${why}. skip-without-credentials is false, so the step fails. See "Forks and Dependabot" in the README.`
    )
  }
  return `Nothing posted to Rocket.Chat: auth-token, user-id and webhook-url are empty because ${why}. The step succeeds (skip-without-credentials is true); see "Forks and Dependabot" in the README.`
}
