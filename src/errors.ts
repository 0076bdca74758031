import { quoted } from './rocketchat/shown.js'

/**
 * A problem with what the workflow gave the action. Raised before anything is
 * sent, so the message always names the input and says what is expected.
 */
export class InputError extends Error {
  /** The fail-on-error setting, when it was read before this error. */
  failOnError?: boolean

  constructor(
    readonly input: string,
    detail: string
  ) {
    super(`Input "${input}": ${detail}`)
    this.name = 'InputError'
  }
}

/**
 * Quotes a user-supplied value for an error message: one line, escaped (src/rocketchat/shown.ts),
 * cut short so logs stay readable.
 */
export function quote(value: string, max = 80): string {
  return quoted(value, max)
}
