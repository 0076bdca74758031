import { FormData, type Dispatcher } from 'undici'
import { htmlTitle, snippet } from './answers.js'
import { quoteAnswer } from './shown.js'
import { seconds, type Deadline } from './deadline.js'
import { DeadlineError, NetworkError, RocketChatError, UnknownOutcomeError } from './errors.js'
import { PLAIN_NAMES, type SettingNames } from './names.js'
import {
  backoffMs,
  header,
  isRetryable,
  RateLimits,
  serverClockSkew,
  withAttempts
} from './retry.js'
import { attempt, proxyOf, type RawResponse } from './transport.js'
import type { Logger } from './types.js'

export interface ClientOptions {
  serverUrl: URL
  userId: string
  authToken: string
  dispatcher: Dispatcher
  deadline: Deadline
  /** How many times a failed attempt (network, 5xx) is tried again; 429 waits do not count, but 0 turns them off. */
  retries: number
  log: Logger
  /** Base of the exponential back-off between retries. */
  backoffMs?: number
  /** How errors name the settings a person can change. */
  names?: SettingNames
}

// Each attempt gets an equal share of the budget, so that every retry has time to happen,
// within bounds: a busy server may take seconds, and no answer is worth waiting minutes for.
const MIN_REQUEST_MS = 2_000
const MAX_REQUEST_MS = 60_000

export interface CallOptions {
  query?: Record<string, string>
  /** Sent as JSON; a FormData is sent as multipart/form-data (uploads). */
  body?: unknown
  /** Send without credentials (public endpoints). */
  anonymous?: boolean
  /**
   * For requests that change state: called when an attempt's outcome is unknown,
   * before sending again. A non-undefined result means the first attempt did land. A check
   * that fails is followed by a resend, unless it throws UnknownOutcomeError.
   */
  checkDelivered?: () => Promise<unknown>
  /** Lowers the client's retries for this call (checks are tried less hard). */
  retries?: number
}

/**
 * Talks to the Rocket.Chat REST API: auth headers, the response envelope, the error
 * shapes, and retries (retry.ts) bounded by the deadline. Knows nothing of GitHub Actions.
 */
export class RocketChatClient {
  private readonly rateLimits: RateLimits
  private readonly names: SettingNames
  private readonly perRequestMs: number
  private readonly backoffMs: number

  private proxyLogged = false
  /** How far the server's clock is ahead of ours, from the Date header of its last answer. */
  private clockSkewMs = 0

  /**
   * Set once the server's schema refused `previewUrls` (before 6.4): later requests of the
   * step go without it rather than being refused again.
   */
  previewUrlsRefused = false

  constructor(private readonly options: ClientOptions) {
    const share = options.deadline.totalMs / (options.retries + 1)
    // Whole milliseconds: undici rejects fractional time-outs.
    this.perRequestMs = Math.floor(Math.min(MAX_REQUEST_MS, Math.max(MIN_REQUEST_MS, share)))
    this.backoffMs = options.backoffMs ?? 500
    this.names = options.names ?? PLAIN_NAMES
    this.rateLimits = new RateLimits({
      deadline: options.deadline,
      log: options.log,
      advice: `Raise ${this.names.timeout}, or post as a user with the api-bypass-rate-limit permission (the bot role has it).`
    })
  }

  get<T>(endpoint: string, query?: Record<string, string>, options: CallOptions = {}): Promise<T> {
    return this.call<T>('GET', endpoint, { ...options, query })
  }

  post<T>(endpoint: string, body: unknown, options: CallOptions = {}): Promise<T> {
    return this.call<T>('POST', endpoint, { ...options, body })
  }

  /** The time on the server's clock (to the second), for queries by the server's timestamps. */
  serverNow(): number {
    return Date.now() + this.clockSkewMs
  }

  /** Sends one request, retrying what is safe to retry, until it succeeds or the budget ends. */
  async call<T>(method: 'GET' | 'POST', endpoint: string, options: CallOptions = {}): Promise<T> {
    const { log } = this.options
    const retries = Math.min(options.retries ?? Infinity, this.options.retries)
    let failures = 0
    for (;;) {
      await this.rateLimits.respect(endpoint)
      let failure: NetworkError | RocketChatError
      try {
        const response = await this.send(method, endpoint, options)
        this.clockSkewMs = serverClockSkew(response) ?? this.clockSkewMs
        this.rateLimits.track(endpoint, response, this.clockSkewMs)
        if (response.status === 429) {
          if (retries === 0) throw this.rateLimitedWithoutRetries(endpoint, response)
          await this.rateLimits.waitOut(endpoint, response)
          continue
        }
        return this.parse<T>(endpoint, response)
      } catch (error) {
        if (!isRetryable(error)) throw error
        failure = error
      }

      const maybeDelivered = failure instanceof NetworkError ? failure.maybeDelivered : true
      if (maybeDelivered && options.checkDelivered) {
        const landed = await this.check(failure, options.checkDelivered)
        if (landed !== undefined) return landed as T
      }
      failures += 1
      if (failures > retries) {
        throw withAttempts(failure, failures)
      }
      const wait = backoffMs(failures, this.backoffMs)
      log.info(
        `${failure.message} Retrying in ${seconds(wait)} s (retry ${failures} of ${retries}).`
      )
      await this.options.deadline.sleep(
        wait,
        () =>
          `${failure.message} The next retry was due in ${seconds(wait)} s, after the time is up.`
      )
    }
  }

  /**
   * Asks whether an attempt with an unknown outcome landed. A check that cannot answer is
   * no reason to stop: sending again is still safe, because the server stores nothing for
   * an id it already has.
   */
  private async check(failure: Error, checkDelivered: () => Promise<unknown>): Promise<unknown> {
    const { log } = this.options
    log.info(`${failure.message} Checking whether it arrived before sending again.`)
    try {
      return await checkDelivered()
    } catch (error) {
      if (error instanceof DeadlineError || error instanceof UnknownOutcomeError) throw error
      log.info(
        `Could not check (${error instanceof Error ? error.message : String(error)}); sending again is safe, the server refuses a second message with the same id.`
      )
      return undefined
    }
  }

  private async send(
    method: 'GET' | 'POST',
    endpoint: string,
    options: CallOptions
  ): Promise<RawResponse> {
    const { serverUrl, userId, authToken, dispatcher, deadline, log } = this.options
    const remaining = deadline.remainingMs
    if (remaining <= 0)
      throw this.options.deadline.outOfTime(`the time was up before ${endpoint} could be sent.`)
    if (!this.proxyLogged) {
      this.proxyLogged = true
      const proxy = proxyOf(dispatcher)
      if (proxy)
        log.info(
          `Connecting to ${serverUrl.host} through the proxy ${proxy.shown} (from ${proxy.source}).`
        )
    }
    const base = serverUrl.pathname.replace(/\/+$/, '')
    // Built from the origin, never resolved against it: the credentials go to this host only.
    const url = new URL(
      `${serverUrl.origin}${base}/api/${endpoint === 'info' ? '' : 'v1/'}${endpoint}`
    )
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value)
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'rocketchat-notify-action'
    }
    if (!options.anonymous) {
      headers['x-user-id'] = userId
      headers['x-auth-token'] = authToken
    }
    let body: string | FormData | undefined
    if (options.body instanceof FormData) {
      // undici writes the multipart Content-Type with its boundary, and re-encodes per attempt.
      body = options.body
    } else if (options.body !== undefined) {
      // Without this header the server silently turns the body into a character-spread object.
      headers['content-type'] = 'application/json'
      body = JSON.stringify(options.body)
    }
    const timeoutMs = Math.max(1, Math.ceil(Math.min(remaining, this.perRequestMs)))
    try {
      return await attempt(dispatcher, { method, url, headers, body, timeoutMs, endpoint })
    } catch (error) {
      // When the budget, not the request's own time-out, cut the wait short, say so.
      if (
        error instanceof NetworkError &&
        error.failure === 'timeout' &&
        remaining <= this.perRequestMs
      ) {
        const note = options.checkDelivered
          ? ' The server may or may not have stored the message.'
          : ''
        throw this.options.deadline.outOfTime(
          `still waiting for ${endpoint} (${method} ${url.host}) to answer.${note}`
        )
      }
      throw error
    }
  }

  private parse<T>(endpoint: string, response: RawResponse): T {
    let body: Record<string, unknown> | undefined
    try {
      body = JSON.parse(response.text) as Record<string, unknown>
    } catch {
      body = undefined
    }
    const ok = response.status >= 200 && response.status < 300
    if (ok && body && typeof body === 'object' && body.success !== false) return body as T
    if (ok) {
      const page = htmlTitle(response.text, this.secrets)
      throw new NetworkError(
        endpoint,
        'protocol',
        true,
        page
          ? `${endpoint} answered HTTP ${response.status} with an HTML page ("${page}") instead of the Rocket.Chat API's JSON: is ${this.names.serverUrl} the Rocket.Chat base URL, or is a login page or proxy in the way?`
          : `${endpoint} answered HTTP ${response.status} with a body that is not the Rocket.Chat API's JSON: ${snippet(response.text, this.secrets)}.`
      )
    }
    throw this.toError(endpoint, response, body)
  }

  private toError(
    endpoint: string,
    response: RawResponse,
    body?: Record<string, unknown>
  ): RocketChatError {
    if (body === undefined) {
      try {
        body = JSON.parse(response.text) as Record<string, unknown>
      } catch {
        body = undefined
      }
    }
    if (body && typeof body === 'object') {
      // Quoted, not trusted: the text goes into messages and annotations.
      const text = quoteAnswer(String(body.error ?? body.message ?? ''), this.secrets)
      const errorType =
        typeof body.errorType === 'string'
          ? quoteAnswer(body.errorType, this.secrets, 100)
          : undefined
      return new RocketChatError(endpoint, response.status, text, errorType)
    }
    const page = htmlTitle(response.text, this.secrets)
    const detail = page
      ? `Rocket.Chat's ${endpoint} answered HTTP ${response.status} with an HTML page ("${page}"), likely from a reverse proxy in front of the server.`
      : response.status === 404
        ? `HTTP 404 for ${endpoint}: the server has no such endpoint. Check that ${this.names.serverUrl} is the Rocket.Chat base URL, including any sub-path.`
        : response.status >= 300 && response.status < 400
          ? this.redirected(endpoint, response)
          : `Rocket.Chat answered HTTP ${response.status} to ${endpoint}: ${snippet(response.text, this.secrets)}`
    const said = page ?? quoteAnswer(response.text, this.secrets, 200)
    return new RocketChatError(endpoint, response.status, said, undefined, detail)
  }

  // Redirects are not followed: the credentials must not go where a server sends them.
  private redirected(endpoint: string, response: RawResponse): string {
    const location = header(response, 'location')
    const to = location ? ` to ${snippet(location, this.secrets)}` : ''
    return `${endpoint} answered HTTP ${response.status}, a redirect${to}, which is not followed (the credentials would go along). Set ${this.names.serverUrl} to the address it leads to (https instead of http? a sub-path?), or a login page or proxy is in the way.`
  }

  /** What a server's answer must never be shown with: the credentials it was sent. */
  private get secrets(): string[] {
    return [this.options.authToken, this.options.userId]
  }

  private rateLimitedWithoutRetries(endpoint: string, response: RawResponse): RocketChatError {
    const error = this.toError(endpoint, response)
    error.message = `${error.message} (${this.names.retries} is 0, so the client does not wait for the rate limit window to reset.)`
    return error
  }
}
