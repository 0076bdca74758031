// @ts-check
/**
 * Attachment validation: Meteor check() semantics, field order matters.
 *
 * Source (RocketChat/Rocket.Chat): `apps/meteor/server/lib/messages/sendMessage.ts` at 159959e6
 * (`validateAttachment` and the URL checks `validFullURLParam` / `validPartialURLParam`).
 */
import { plainError } from './errors.mjs'

const ATTACHMENT_TYPES = {
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

const FIELD_TYPES = { short: 'boolean', title: 'string', value: 'string|number|boolean' }

const ACTION_TYPES = {
  type: 'string',
  text: 'string',
  url: 'url',
  image_url: 'url',
  is_webview: 'boolean',
  webview_height_ratio: 'string',
  msg: 'string',
  msg_in_chat_window: 'boolean'
}

/** @param {unknown} value */
export function typeName(value) {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

/**
 * Meteor's Match.Error text; nested check() calls repeat the prefix.
 * @param {string} detail
 * @param {boolean} nested
 */
export function matchError(detail, nested) {
  return plainError(`${nested ? 'Match error: ' : ''}Match error: ${detail}`)
}

/** `validFullURLParam`: absolute http(s)/data URL or a /file-upload/ path, never javascript:. @param {string} value */
function isValidFullUrl(value) {
  if (/^javascript:/i.test(value)) return false
  return /^(https?:\/\/|data:)/i.test(value) || value.startsWith('/file-upload/')
}

/**
 * `objectMaybeIncluding(types)`: only non-null keys are checked, in the pattern's key order.
 * @param {Record<string, unknown>} obj
 * @param {Record<string, string>} types
 * @param {string} prefix path shown in the Match error
 */
function checkTypes(obj, types, prefix) {
  for (const [key, type] of Object.entries(types)) {
    const value = obj[key]
    if (value === undefined || value === null) continue
    const got = typeName(value)
    const field = `${prefix}${key}`
    if (type === 'url') {
      if (typeof value !== 'string')
        throw matchError(`Expected string, got ${got} in field ${field}`, true)
      if (!isValidFullUrl(value)) throw plainError('Invalid href value provided')
    } else if (type.includes('|')) {
      if (!type.split('|').includes(got)) {
        throw matchError(
          `Failed Match.OneOf, Match.Maybe or Match.Optional validation in field ${field}`,
          true
        )
      }
    } else if (got !== type) {
      throw matchError(`Expected ${type}, got ${got} in field ${field}`, true)
    }
  }
}

/** @param {any} attachment one element of `message.attachments`, as sent */
export function validateAttachment(attachment) {
  if (typeName(attachment) !== 'object')
    throw matchError(`Expected object, got ${typeName(attachment)}`, true)
  checkTypes(attachment, ATTACHMENT_TYPES, '')
  ;(attachment.fields ?? []).forEach((/** @type {any} */ field, /** @type {number} */ i) => {
    if (typeName(field) !== 'object')
      throw matchError(`Expected object, got ${typeName(field)} in field fields[${i}]`, true)
    checkTypes(field, FIELD_TYPES, `fields[${i}].`)
    if (!field.value || !field.title)
      throw plainError('Invalid attachment field, title and value is required')
  })
  ;(attachment.actions ?? []).forEach((/** @type {any} */ action, /** @type {number} */ i) => {
    if (typeName(action) !== 'object') return
    checkTypes(action, ACTION_TYPES, `actions[${i}].`)
  })
}
