/**
 * What the caller calls the settings a person may have to change, for error messages that
 * say what to fix. The client has no settings of its own; an application passes the names its
 * users know (a GitHub Action, its input names), and anyone else gets plain words.
 */
export interface SettingNames {
  /** The server's base URL. */
  serverUrl: string
  /** The time budget of every request and wait. */
  timeout: string
  /** How many times a failed attempt is tried again. */
  retries: string
  /** Where extra CA certificates are given, as a phrase ("the ca-cert input"). */
  caCert: string
  /** Where the proxy is given, as a phrase ("the proxy input"). */
  proxy: string
  /** An incoming webhook's URL. */
  webhookUrl: string
  /** The longest text to send. */
  maxLength: string
}

export const PLAIN_NAMES: SettingNames = {
  serverUrl: 'the server URL',
  timeout: 'the time budget',
  retries: 'the retry count',
  caCert: 'the CA certificate option',
  proxy: 'the proxy option',
  webhookUrl: 'the webhook URL',
  maxLength: 'the maximum message length'
}
