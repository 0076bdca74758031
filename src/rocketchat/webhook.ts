import { htmlTitle } from './answers.js'
import { quoteAnswer, spellings } from './shown.js'
import type { ClientOptions } from './client.js'
import { seconds, type Deadline } from './deadline.js'
import { DeadlineError, NetworkError } from './errors.js'
import { PLAIN_NAMES, type SettingNames } from './names.js'
import { backoffMs, RateLimits } from './retry.js'
import { attempt, type RawResponse } from './transport.js'

/** An incoming webhook of a Rocket.Chat integration: `<server>/hooks/<id>/<token>`. */
export interface Webhook {
  /** Where to post. A secret: whoever has it can post as the integration. */
  url: URL
  /** The server's base URL, everything before /hooks/: safe to show. */
  server: URL
}

/** What an incoming webhook accepts of a message; empty fields are left out. */
export interface WebhookMessage {
  text: string
  alias?: string
  emoji?: string
  avatar?: string
  attachments?: Record<string, unknown>[]
  /** Thread to reply in (thread-id). */
  tmid?: string
}

/** As for the REST client; `retries` covers only attempts that certainly did not reach the server, and 429 answers. */
export type WebhookOptions = Pick<
  ClientOptions,
  'dispatcher' | 'deadline' | 'retries' | 'log' | 'backoffMs' | 'names'
>

/** A webhook URL that cannot be one; the message never quotes the URL, which is a secret. */
export class WebhookUrlError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WebhookUrlError'
  }
}

const FORM = 'https://chat.example.com/hooks/<integration id>/<token>'
// Errors about the URL never quote it: it is the secret.
const NOT_SHOWN = '(The value is not shown: it is a secret.)'
const WHAT = 'the incoming webhook'
const MAX_REQUEST_MS = 60_000

/** Parses an incoming webhook URL, refusing anything that is not one. */
export function parseWebhookUrl(raw: string): Webhook {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new WebhookUrlError(`is not a URL; expected ${FORM}. ${NOT_SHOWN}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new WebhookUrlError(
      `uses ${url.protocol.slice(0, -1)}; only http and https are supported. ${NOT_SHOWN}`
    )
  }
  if (url.username || url.password) {
    throw new WebhookUrlError(`must not contain user credentials. ${NOT_SHOWN}`)
  }
  // The legacy form has the user id between the two: /hooks/<id>/<user id>/<token>.
  const path = /^(.*?)\/hooks\/[^/]+(?:\/[^/]+)?\/[^/]+\/?$/.exec(url.pathname)
  if (!path) {
    throw new WebhookUrlError(
      `is not an incoming webhook URL: expected ${FORM}, as Administration > Integrations shows it. ${NOT_SHOWN}`
    )
  }
  const server = new URL(url.origin)
  server.pathname = path[1]
  return { url, server }
}

/**
 * Every form in which the webhook URL's secret could appear in a log, for the caller to mask:
 * the URL as given and as parsed, its path, and its token as written and decoded.
 */
export function webhookSecrets(raw: string): string[] {
  const secrets = new Set([raw])
  let url: URL | undefined
  try {
    url = new URL(raw)
  } catch {
    // Not a URL: the raw value is all there is, and it is masked.
  }
  if (url) {
    secrets.add(url.href)
    secrets.add(url.pathname)
    // The token, and the legacy form's user id, in every spelling a log could show them.
    const segments = url.pathname.replace(/\/+$/, '').split('/')
    const hooks = segments.lastIndexOf('hooks')
    for (const segment of segments.slice(hooks + 2)) {
      for (const form of spellings(segment)) secrets.add(form)
    }
  }
  return [...secrets].filter((s) => s.length >= 8)
}

/** The JSON body of a webhook post: `{text, alias, emoji, avatar, attachments, tmid}`. */
export function webhookBody(message: WebhookMessage): Record<string, unknown> {
  const { text, alias, emoji, avatar, attachments, tmid } = message
  return {
    text,
    ...(alias && { alias }),
    ...(emoji && { emoji }),
    ...(avatar && { avatar }),
    ...(attachments?.length && { attachments }),
    ...(tmid && { tmid })
  }
}

/** The server answered, but did not post: the message says why and what to do. */
export class WebhookError extends Error {
  constructor(
    readonly status: number,
    /** The server's `error` text, when it gave one. */
    readonly serverError: string,
    message: string
  ) {
    super(message)
    this.name = 'WebhookError'
  }
}

/**
 * Posts one message to an incoming webhook. Always as JSON with its Content-Type: without it,
 * servers from 7.8 post an empty message and still answer success.
 *
 * A webhook post cannot be recognised on a second try (no message id, and the answer is just
 * `{"success":true}`), so it is posted at most once: only attempts that certainly did not
 * reach the server, and 429 answers (refused before anything is posted), are tried again.
 */
export async function postToWebhook(
  hook: Webhook,
  message: WebhookMessage,
  options: WebhookOptions
): Promise<void> {
  const { dispatcher, deadline, retries, log } = options
  const names = options.names ?? PLAIN_NAMES
  const body = JSON.stringify(webhookBody(message))
  const rateLimits = new RateLimits({ deadline, log, advice: `Raise ${names.timeout}.` })
  let failures = 0
  for (;;) {
    const remaining = deadline.remainingMs
    if (remaining <= 0) throw outOfTime(deadline, 'the time was up before it could be sent.')
    let response: RawResponse
    try {
      response = await attempt(dispatcher, {
        method: 'POST',
        url: hook.url,
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          'user-agent': 'rocketchat-notify-action'
        },
        body,
        timeoutMs: Math.max(1, Math.floor(Math.min(remaining, MAX_REQUEST_MS))),
        endpoint: WHAT
      })
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error
      if (error.maybeDelivered) {
        throw new NetworkError(
          error.endpoint,
          error.failure,
          true,
          `${error.message} It is not sent again: the server may have posted it, and a second post could not be told apart.`
        )
      }
      if (error.permanent || failures >= retries) throw error
      failures += 1
      const wait = backoffMs(failures, options.backoffMs ?? 500)
      log.info(`${error.message} Retrying in ${seconds(wait)} s (retry ${failures} of ${retries}).`)
      await sleepWithin(deadline, wait, error.message)
      continue
    }
    if (response.status === 429 && retries > 0) {
      await rateLimits.waitOut(WHAT, response)
      continue
    }
    return outcome(response, hook, names)
  }
}

/**
 * What each server version answers, and what it means:
 * - success: 200 `{"success":true}`;
 * - disabled integration: 503, `{"success":false,"error":"Service Unavailable"}` from 7.x
 *   (apps/meteor/app/integrations/server/api/api.ts at 028925b2), the JSON string
 *   `"Service Unavailable"` on 6.x (api.js at 00123e4d);
 * - wrong id or token: 404 `{"success":false,"error":"Invalid integration id or token provided."}`
 *   on 6.x; from 7.x the auth step throws outside the route's error handling, a bare 500
 *   (inferred from the code, not observed);
 * - refused message: 400 with the bare error text (no errorType);
 * - no hook at that address (a wrong path, a proxy): 404 without Rocket.Chat's JSON.
 */
function outcome(response: RawResponse, hook: Webhook, names: SettingNames): void {
  const { status, text } = response
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  const body =
    parsed && typeof parsed === 'object'
      ? (parsed as { success?: unknown; error?: unknown })
      : undefined
  const ok = status >= 200 && status < 300
  if (ok && body?.success === true) return
  // Quoted, not trusted, and never with the hook's own token, which a proxy may echo back.
  // 6.x answers some failures with a JSON string instead of an object.
  const secrets = webhookSecrets(hook.url.href)
  const raw =
    typeof parsed === 'string' ? parsed : typeof body?.error === 'string' ? body.error : ''
  const said = raw ? quoteAnswer(raw, secrets) : ''
  const fail = (why: string): WebhookError => new WebhookError(status, said, why)
  const page = htmlTitle(text, secrets)
  if (ok) {
    throw fail(
      `${capital(WHAT)} answered HTTP ${status} without Rocket.Chat's {"success":true}${page ? ` (an HTML page, "${page}")` : ''}: is ${names.webhookUrl} the incoming webhook URL of the server at ${hook.server.host}? The message may not have been posted.`
    )
  }
  if (page) {
    throw fail(
      `${capital(WHAT)} answered HTTP ${status} with an HTML page ("${page}"), likely from a reverse proxy in front of ${hook.server.host}. It is not sent again: the server may have posted it.`
    )
  }
  if (status === 503 && said === 'Service Unavailable') {
    throw fail(
      `The webhook's integration is disabled (HTTP 503). Enable it in Administration > Integrations.`
    )
  }
  if (
    said === 'Invalid integration id or token provided.' ||
    (status === 500 && parsed === undefined)
  ) {
    // 7.x and later fail in their auth middleware for a wrong id or token: a bare 500.
    throw fail(
      `The server at ${hook.server.host} does not accept this webhook (HTTP ${status}${said ? `: "${said}"` : ''}): its id or token is wrong, or the integration was deleted. Copy the URL again from Administration > Integrations.`
    )
  }
  if (status === 404 && parsed === undefined) {
    throw fail(
      `Nothing at ${hook.server.host} answers as a Rocket.Chat incoming webhook (HTTP 404 without Rocket.Chat's JSON): check ${names.webhookUrl}, including any sub-path before /hooks/, against Administration > Integrations.`
    )
  }
  if (status === 503) {
    throw fail(
      `The server at ${hook.server.host} is unavailable (HTTP 503${said ? `: "${said}"` : ''}). It is not sent again: the server may have posted it.`
    )
  }
  const explained = said === 'error-message-size-exceeded' ? tooLong(names) : EXPLAINED[said]
  throw fail(
    `${capital(WHAT)} refused the message (HTTP ${status}${said ? `: "${said}"` : ''})${explained ? `: ${explained}` : '.'}`
  )
}

// What the hook's own errors (no errorType, no brackets) mean for the person reading the log.
const EXPLAINED: Record<string, string> = {
  'error-not-allowed':
    "the integration's user (Post as) may not post in its channel, a private room it is not a member of. Invite that user to the channel.",
  'Not enough permission':
    "alias and avatar need the message-impersonate permission for the integration's user (the bot role has it). Drop alias and avatar, or give the user that role.",
  'Invalid href value provided': 'a URL in the attachments is not an absolute http(s) URL.',
  'invalid-channel':
    "the integration's channel does not exist any more. Fix the channel in Administration > Integrations."
}

function tooLong(names: SettingNames): string {
  return `the message is longer than the server's Message_MaxAllowedSize (5000 characters by default). Set ${names.maxLength} to the server's limit, or shorten the message.`
}

function sleepWithin(deadline: Deadline, ms: number, what: string): Promise<void> {
  const why = (left: number): string =>
    `${what}: the next try was due in ${seconds(ms)} s, only ${seconds(Math.max(0, left))} s were left.`
  return deadline.sleep(ms, why, `posting to ${WHAT}`)
}

function outOfTime(deadline: Deadline, reason: string): DeadlineError {
  return deadline.outOfTime(reason, `posting to ${WHAT}`)
}

function capital(text: string): string {
  return text[0].toUpperCase() + text.slice(1)
}
