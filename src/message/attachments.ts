import { InputError, quote } from '../errors.js'
import { describeJsonError, tooDeep } from './json.js'

export type Attachment = Record<string, unknown>

type Kind =
  'string' | 'number' | 'boolean' | 'object' | 'array' | 'url' | 'string|number' | 'scalar'

// The keys Rocket.Chat type-checks in validateAttachment; any other key passes through unchecked.
const ATTACHMENT_KEYS: Record<string, Kind> = {
  color: 'string',
  text: 'string',
  ts: 'string|number',
  thumb_url: 'url',
  button_alignment: 'string',
  actions: 'array',
  message_link: 'url',
  collapsed: 'boolean',
  author_name: 'string',
  author_link: 'url',
  author_icon: 'url',
  title: 'string',
  title_link: 'url',
  title_link_download: 'boolean',
  image_dimensions: 'object',
  image_url: 'url',
  image_preview: 'string',
  image_type: 'string',
  image_size: 'number',
  audio_url: 'url',
  audio_type: 'string',
  audio_size: 'number',
  video_url: 'url',
  video_type: 'string',
  video_size: 'number',
  fields: 'array'
}

const FIELD_KEYS: Record<string, Kind> = { short: 'boolean', title: 'string', value: 'scalar' }

const ACTION_KEYS: Record<string, Kind> = {
  type: 'string',
  text: 'string',
  url: 'url',
  image_url: 'url',
  is_webview: 'boolean',
  webview_height_ratio: 'string',
  msg: 'string',
  msg_in_chat_window: 'boolean'
}

/**
 * Parses the `attachments` input: a JSON array of objects, or one object. Returns
 * undefined when the input is empty. Invalid JSON is reported with line and column.
 */
export function parseAttachmentsInput(
  raw: string,
  input = 'attachments'
): Attachment[] | undefined {
  if (!raw.trim()) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (error) {
    throw new InputError(input, `is not valid JSON: ${describeJsonError(raw, error as Error)}`)
  }
  const deep = tooDeep(parsed)
  if (deep) throw new InputError(input, deep)
  const list = Array.isArray(parsed) ? parsed : [parsed]
  list.forEach((item, i) => {
    if (!isPlainObject(item)) {
      throw new InputError(input, `attachments[${i}] must be an object, got ${typeName(item)}.`)
    }
  })
  validateAttachments(list as Attachment[], input)
  return list as Attachment[]
}

/**
 * Checks attachments against the rules the server enforces, so a bad one fails
 * before anything is sent and the error names the attachment and the field.
 */
export function validateAttachments(attachments: Attachment[], input = 'attachments'): void {
  attachments.forEach((attachment, i) => {
    const where = `attachments[${i}]`
    checkKeys(attachment, ATTACHMENT_KEYS, where, input)
    const fields = attachment.fields
    if (Array.isArray(fields)) {
      fields.forEach((field, j) => {
        const at = `${where}.fields[${j}]`
        if (!isPlainObject(field))
          throw new InputError(input, `${at} must be an object with title and value.`)
        checkKeys(field, FIELD_KEYS, at, input)
        if (!field.title || (field.value !== 0 && field.value !== false && !field.value)) {
          throw new InputError(
            input,
            `${at} needs a non-empty "title" and "value" (the server rejects a field without them).`
          )
        }
      })
    }
    const actions = attachment.actions
    if (Array.isArray(actions)) {
      actions.forEach((action, j) => {
        const at = `${where}.actions[${j}]`
        if (!isPlainObject(action)) throw new InputError(input, `${at} must be an object.`)
        checkKeys(action, ACTION_KEYS, at, input)
      })
    }
  })
}

function checkKeys(
  object: Record<string, unknown>,
  kinds: Record<string, Kind>,
  where: string,
  input: string
): void {
  for (const [key, kind] of Object.entries(kinds)) {
    const value = object[key]
    // The server checks a key only when it is present and not null.
    if (value === undefined || value === null) continue
    if (kind === 'url') {
      if (typeof value !== 'string' || !isAllowedUrl(value)) {
        throw new InputError(
          input,
          `${where}.${key} is ${quote(String(value))}; it must be an absolute http(s) URL, a data: URL or a /file-upload/ path.`
        )
      }
    } else if (!matchesKind(value, kind)) {
      throw new InputError(
        input,
        `${where}.${key} must be ${describeKind(kind)}, got ${typeName(value)}.`
      )
    }
  }
}

// Mirrors the server's validFullURLParam: relative paths other than uploads are refused.
function isAllowedUrl(value: string): boolean {
  if (/^\s*javascript:/i.test(value)) return false
  return /^(https?:\/\/|data:)/i.test(value) || value.startsWith('/file-upload/')
}

function matchesKind(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string'
    case 'number':
      return typeof value === 'number'
    case 'boolean':
      return typeof value === 'boolean'
    case 'object':
      return isPlainObject(value)
    case 'array':
      return Array.isArray(value)
    case 'string|number':
      return typeof value === 'string' || typeof value === 'number'
    case 'scalar':
      return ['string', 'number', 'boolean'].includes(typeof value)
    default:
      return true
  }
}

function describeKind(kind: Kind): string {
  const names: Record<Kind, string> = {
    string: 'a string',
    number: 'a number',
    boolean: 'true or false',
    object: 'an object',
    array: 'an array',
    url: 'a URL',
    'string|number': 'a string or a number',
    scalar: 'a string, number or boolean'
  }
  return names[kind]
}

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object'
    ? 'an object'
    : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
