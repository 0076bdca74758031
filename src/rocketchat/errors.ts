/** The server answered, but not with success. */
export class RocketChatError extends Error {
  constructor(
    readonly endpoint: string,
    readonly status: number,
    /** The server's own `error` text (or `message`, for the 6.x 401 shape). */
    readonly serverError: string,
    readonly errorType: string | undefined,
    detail?: string
  ) {
    super(
      detail ??
        `Rocket.Chat answered HTTP ${status} to ${endpoint}${serverError ? `: ${serverError}` : ''}`
    )
    this.name = 'RocketChatError'
  }
}

export type NetworkFailure =
  'dns' | 'refused' | 'reset' | 'tls' | 'timeout' | 'proxy' | 'protocol' | 'other'

/** No usable answer came back: the request may or may not have reached the server. */
export class NetworkError extends Error {
  constructor(
    readonly endpoint: string,
    readonly failure: NetworkFailure,
    /** False when the request certainly never reached the server (DNS, refused, TLS, proxy). */
    readonly maybeDelivered: boolean,
    message: string,
    /** True when trying again within seconds cannot help (a bad certificate, an unknown host). */
    readonly permanent = false
  ) {
    super(message)
    this.name = 'NetworkError'
  }
}

/** The step's time budget (timeout-seconds) ran out. */
export class DeadlineError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DeadlineError'
  }
}

/**
 * An attempt's outcome is unknown and the check that would tell could not answer, for a request
 * that sending again could repeat (a file confirmation): the client stops instead of resending.
 */
export class UnknownOutcomeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'UnknownOutcomeError'
  }
}
