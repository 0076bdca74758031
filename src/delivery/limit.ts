import { fitText } from '../message/fit.js'
import { DEFAULT_MAX_LENGTH } from '../message/length.js'
import { publicSetting } from '../rocketchat/api.js'
import type { RocketChatClient } from '../rocketchat/client.js'
import { RocketChatError } from '../rocketchat/errors.js'
import { WebhookError } from '../rocketchat/webhook.js'
import type { Logger } from '../rocketchat/types.js'
import type { DeliveryOptions } from './options.js'

/**
 * The longest text the server takes. Message_MaxAllowedSize is only read when the text
 * could exceed the default, so a short message costs no extra request.
 */
export async function messageLimit(
  client: RocketChatClient,
  options: Pick<DeliveryOptions, 'maxMessageLength'>,
  text: string
): Promise<number> {
  if (options.maxMessageLength !== undefined) return options.maxMessageLength
  if (text.length <= DEFAULT_MAX_LENGTH) return DEFAULT_MAX_LENGTH
  return (await serverLimit(client)) ?? DEFAULT_MAX_LENGTH
}

// Asked once per client: a text over the default reads it, and a too-long refusal after
// that must not ask again.
const limits = new WeakMap<RocketChatClient, Promise<number | undefined>>()

/** The server's Message_MaxAllowedSize, or undefined when it does not say. */
function serverLimit(client: RocketChatClient): Promise<number | undefined> {
  let limit = limits.get(client)
  if (!limit) {
    limit = publicSetting(client, 'Message_MaxAllowedSize').then((setting) => {
      const value = Number(setting)
      return Number.isInteger(value) && value > 0 ? value : undefined
    })
    limits.set(client, limit)
  }
  return limit
}

/** The server refused the text as longer than it allows (REST or webhook): nothing stored. */
function isTooLong(error: unknown): boolean {
  if (error instanceof RocketChatError)
    return /message-size-exceeded/.test(`${error.errorType} ${error.serverError}`)
  return error instanceof WebhookError && /message-size-exceeded/.test(error.serverError)
}

/**
 * After `error`, when it is a too-long refusal (which stores nothing), the limit learned from
 * the server, if it is below the one the text was fitted to; undefined when refitting
 * cannot help.
 */
export async function learnedLimit(
  client: RocketChatClient,
  options: Pick<DeliveryOptions, 'maxMessageLength'>,
  error: unknown,
  limit: number
): Promise<number | undefined> {
  if (!isTooLong(error) || options.maxMessageLength !== undefined) return undefined
  const learned = await serverLimit(client)
  return learned !== undefined && learned < limit ? learned : undefined
}

/** The parts to post of `text` under `limit`, saying in the log what was done to it. */
export function fitToLimit(
  text: string,
  limit: number,
  options: Pick<DeliveryOptions, 'longMessage' | 'maxParts'>,
  runUrl: string,
  log: Logger
): string[] {
  const fitted = fitText(text, limit, options.longMessage, runUrl, options.maxParts)
  if (fitted.note) log.info(fitted.cut ? `${fitted.note} The full text follows.` : fitted.note)
  // Untrusted text (a PR body, a commit message): printed where it cannot act on the runner.
  if (fitted.cut) log.block(text)
  return fitted.parts
}
