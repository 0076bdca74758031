import { InputError, quote } from '../errors.js'
import { isPlainObject, parseJsonList } from './json.js'

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
 * Only the shape is checked here; values that hold placeholders are checked once rendered.
 */
export function parseAttachmentsInput(
  raw: string,
  input = 'attachments'
): Attachment[] | undefined {
  const list = parseJsonList(raw, input)
  if (!list) return undefined
  list.forEach((item, i) => {
    if (!isPlainObject(item)) {
      throw new InputError(input, `attachments[${i}] must be an object, got ${typeName(item)}.`)
    }
  })
  checkAttachmentShape(list as Attachment[], input)
  return list as Attachment[]
}

/**
 * Checks attachments as written, before placeholders are filled: types, objects, and the
 * URLs and required values that hold no placeholder. A value with a `{{` is left to
 * validateAttachments after rendering, since only then is it known.
 */
export function checkAttachmentShape(
  attachments: Attachment[],
  input = 'attachments',
  label = 'attachments'
): void {
  walk(attachments, input, label, { rendered: false })
}

/**
 * Checks attachments against the rules the server enforces, so a bad one fails
 * before anything is sent and the error names the attachment and the field. With
 * `sources` (the attachments as written), an error about a value that a template
 * produced quotes that template, so the placeholder to fix is named.
 */
export function validateAttachments(
  attachments: Attachment[],
  input = 'attachments',
  options: { sources?: unknown[]; label?: string } = {}
): void {
  walk(attachments, input, options.label ?? 'attachments', {
    rendered: true,
    sources: options.sources
  })
}

/**
 * Removes the link keys (title_link, image_url, …) whose placeholders rendered empty, as
 * empty fields are: a link that has no value on this event is left out, not refused.
 */
export function dropEmptiedLinks(rendered: Attachment[], sources: unknown[]): Attachment[] {
  return rendered.map((attachment, i) => {
    const source = sources[i]
    if (!isPlainObject(source)) return attachment
    const kept = { ...attachment }
    for (const [key, kind] of Object.entries(ATTACHMENT_KEYS)) {
      if (kind === 'url' && kept[key] === '' && isTemplate(source[key])) delete kept[key]
    }
    return kept
  })
}

interface Pass {
  rendered: boolean
  sources?: unknown[]
}

function walk(attachments: Attachment[], input: string, label: string, pass: Pass): void {
  attachments.forEach((attachment, i) => {
    const where = `${label}[${i}]`
    const source = pass.sources?.[i]
    const origin = (key: string): unknown => (isPlainObject(source) ? source[key] : undefined)
    checkKeys(attachment, ATTACHMENT_KEYS, where, input, pass, origin)
    const fields = attachment.fields
    if (Array.isArray(fields)) {
      fields.forEach((field, j) => {
        const at = `${where}.fields[${j}]`
        if (!isPlainObject(field))
          throw new InputError(input, `${at} must be an object with title and value.`)
        // Fields emptied by a template are dropped while rendering, so indices may shift:
        // field values are not traced back to their source.
        checkKeys(field, FIELD_KEYS, at, input, pass, () => undefined)
        const missing = (value: unknown): boolean =>
          !pass.rendered && isTemplate(value) ? false : value !== 0 && value !== false && !value
        if (missing(field.title) || missing(field.value)) {
          throw new InputError(
            input,
            `${at} needs a non-empty "title" and "value" (the server rejects a field without them).`
          )
        }
      })
    }
    const actions = attachment.actions
    if (Array.isArray(actions)) {
      const sourceActions = origin('actions')
      actions.forEach((action, j) => {
        const at = `${where}.actions[${j}]`
        if (!isPlainObject(action)) throw new InputError(input, `${at} must be an object.`)
        const from = Array.isArray(sourceActions) ? sourceActions[j] : undefined
        checkKeys(action, ACTION_KEYS, at, input, pass, (key) =>
          isPlainObject(from) ? from[key] : undefined
        )
      })
    }
  })
}

function checkKeys(
  object: Record<string, unknown>,
  kinds: Record<string, Kind>,
  where: string,
  input: string,
  pass: Pass,
  origin: (key: string) => unknown
): void {
  for (const [key, kind] of Object.entries(kinds)) {
    const value = object[key]
    // The server checks a key only when it is present and not null.
    if (value === undefined || value === null) continue
    if (kind === 'url') {
      if (typeof value !== 'string') {
        throw new InputError(input, `${where}.${key} must be a URL string, got ${typeName(value)}.`)
      }
      if (!pass.rendered && isTemplate(value)) continue
      if (!isAllowedUrl(value)) {
        const source = origin(key)
        const from =
          isTemplate(source) && source !== value ? `, rendered from ${quote(source)}` : ''
        throw new InputError(
          input,
          `${where}.${key} is ${quote(value)}${from}; it must be an absolute http(s) URL, a data: URL or a /file-upload/ path.`
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

function isTemplate(value: unknown): value is string {
  return typeof value === 'string' && value.includes('{{')
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
