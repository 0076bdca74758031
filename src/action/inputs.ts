import { InputError, quote } from '../errors.js'
import type { SettingNames } from '../rocketchat/names.js'
import { PROXY_VARIABLES, proxyPasswords } from '../rocketchat/proxy.js'
import { webhookSecrets } from '../rocketchat/webhook.js'

// Every input of the action, once: how its text is read and whether it is a secret. Reading
// (settings.ts), masking (below), and the check that action.yml and the README agree
// (__tests__/action/docs.test.ts) all follow from this table.

type Secret = (value: string) => string[]

export type InputSpec =
  | { kind: 'text'; secret?: Secret }
  | { kind: 'boolean'; default: boolean }
  | { kind: 'choice'; choices: readonly string[]; default: string }
  | { kind: 'integer'; min: number; max: number; default?: number }

const text = (secret?: Secret): InputSpec => ({ kind: 'text', ...(secret && { secret }) })
const boolean = (fallback: boolean) => ({ kind: 'boolean', default: fallback }) as const
const choice = <const C extends string>(choices: readonly C[], fallback: C) =>
  ({ kind: 'choice', choices, default: fallback }) as const
const integer = (min: number, max: number, fallback?: number) =>
  ({ kind: 'integer', min, max, default: fallback }) as const

/** Every input, in action.yml's order. */
export const INPUTS = {
  'server-url': text(),
  // The token's one form is the value; a webhook URL's token also shows up alone or decoded.
  'auth-token': text((value) => [value]),
  // Half of the credentials pair: masked too, so that no log pairs it with a leaked token.
  'user-id': text((value) => [value]),
  'webhook-url': text(webhookSecrets),
  room: text(),
  message: text(),
  attachments: text(),
  blocks: text(),
  alias: text(),
  emoji: text(),
  avatar: text(),
  'thread-id': text(),
  'thread-broadcast': boolean(false),
  'message-key': text(),
  'key-mode': choice(['update', 'thread'], 'update'),
  'update-message-id': text(),
  reaction: text(),
  files: text(),
  'files-max-mb': integer(1, 1024, 10),
  template: boolean(true),
  'template-file': text(),
  'template-env': text(),
  preset: choice(['auto', 'status', 'release', 'run', 'none'], 'auto'),
  layout: choice(['attachments', 'blocks'], 'attachments'),
  status: text(),
  'github-token': text((value) => [value]),
  mention: text(),
  'mention-if': text(),
  'allowed-mentions': choice(['users', 'none', 'all'], 'users'),
  'link-previews': choice(['template', 'none', 'all'], 'template'),
  retries: integer(0, 20, 3),
  'timeout-seconds': integer(1, 3600, 120),
  // Only the password part of a proxy URL is secret.
  proxy: text((value) => proxyPasswords([value])),
  'ca-cert': text(),
  'allow-insecure-http': boolean(false),
  'long-message': choice(['truncate', 'split', 'fail'], 'truncate'),
  'max-message-length': integer(1, 10_000_000),
  'max-parts': integer(1, 100, 10),
  'fail-on-error': boolean(true),
  // Only pull requests from forks and Dependabot runs, which GitHub gives no secrets, may skip.
  'skip-without-credentials': boolean(true),
  'dry-run': boolean(false)
} satisfies Record<string, InputSpec>

export type InputName = keyof typeof INPUTS
type NamesOf<K extends InputSpec['kind']> = {
  [N in InputName]: (typeof INPUTS)[N]['kind'] extends K ? N : never
}[InputName]

/** How the Rocket.Chat client names, in its errors, the inputs behind its options. */
export const SETTING_NAMES: SettingNames = {
  serverUrl: 'server-url',
  timeout: 'timeout-seconds',
  retries: 'retries',
  caCert: 'the ca-cert input',
  proxy: 'the proxy input',
  webhookUrl: 'webhook-url',
  maxLength: 'max-message-length'
}

/** Reads one input; the same contract as `core.getInput` (trimmed, '' when absent). */
export type GetInput = (name: InputName) => string

/**
 * A reader of inputs, all read once when it is made, which masks (`mask`) every form of each
 * secret input and proxy variable before anything else happens, so that no error about
 * another input can print one.
 */
export function maskingReader(
  raw: (name: string) => string,
  mask: (secret: string) => void,
  env: NodeJS.ProcessEnv = process.env
): GetInput {
  // Each form is masked once, so the log has one ::add-mask:: line per secret.
  const masked = new Set<string>()
  const once = (secret: string): void => {
    if (masked.has(secret)) return
    masked.add(secret)
    mask(secret)
  }
  for (const secret of proxyPasswords(PROXY_VARIABLES.map((n) => env[n]))) once(secret)
  // Every input read once, up front: its secrets are masked before any input can fail.
  const values = new Map<InputName, string>()
  for (const name of Object.keys(INPUTS) as InputName[]) {
    const value = raw(name)
    const spec: InputSpec = INPUTS[name]
    if (value && spec.kind === 'text' && spec.secret)
      for (const form of spec.secret(value)) once(form)
    values.set(name, value)
  }
  return (name) => values.get(name) ?? ''
}

/** A true/false input; '' gives its default. */
export function readBoolean(getInput: GetInput, name: NamesOf<'boolean'>): boolean {
  const raw = getInput(name)
  if (!raw) return INPUTS[name].default
  // The YAML 1.2 core schema booleans, as @actions/core's getBooleanInput accepts.
  if (['true', 'True', 'TRUE'].includes(raw)) return true
  if (['false', 'False', 'FALSE'].includes(raw)) return false
  throw new InputError(name, `${quote(raw)} is not a boolean. Expected true or false.`)
}

/** One of the input's choices (case-insensitive); '' gives its default. */
export function readChoice<N extends NamesOf<'choice'>>(
  getInput: GetInput,
  name: N
): (typeof INPUTS)[N]['choices'][number] {
  const spec = INPUTS[name]
  const raw = getInput(name)
  if (!raw) return spec.default
  const value = raw.toLowerCase()
  if (!(spec.choices as readonly string[]).includes(value)) {
    throw new InputError(name, `${quote(raw)} is not one of ${spec.choices.join(', ')}.`)
  }
  return value as (typeof INPUTS)[N]['choices'][number]
}

/** A whole number within the input's range; '' gives its default. */
export function readInteger(getInput: GetInput, name: NamesOf<'integer'>): number {
  const value = readOptionalInteger(getInput, name) ?? INPUTS[name].default
  if (value === undefined) throw new Error(`The input ${name} has no default.`)
  return value
}

/** A whole number within the input's range, or undefined for ''. */
export function readOptionalInteger(
  getInput: GetInput,
  name: NamesOf<'integer'>
): number | undefined {
  const { min, max } = INPUTS[name]
  const raw = getInput(name)
  if (!raw) return undefined
  if (!/^\d+$/.test(raw)) {
    throw new InputError(name, `${quote(raw)} is not a whole number. Expected ${min} to ${max}.`)
  }
  const value = Number(raw)
  if (value < min || value > max) {
    throw new InputError(name, `${raw} is out of range. Expected ${min} to ${max}.`)
  }
  return value
}
