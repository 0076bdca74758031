// @ts-check
/**
 * Attachment validation: Meteor check() semantics, field order matters.
 *
 * Source (RocketChat/Rocket.Chat): `apps/meteor/server/lib/messages/sendMessage.ts` at 159959e6
 * (`validateAttachment` and the URL checks `validFullURLParam` / `validPartialURLParam`).
 */
import { plainError } from './errors.mjs'

// Written as the server's own Match patterns (objectMaybeIncluding in validateAttachment), so
// that the fake reads like the code it follows.
const validFullURLParam = 'validFullURLParam'
/** Match.OneOf(...types) @param {...Function} types */
const oneOf = (...types) => types

/** @type {Record<string, Pattern>} */
const ATTACHMENT_PATTERN = {
  color: String,
  text: String,
  ts: oneOf(String, Number),
  thumb_url: validFullURLParam,
  button_alignment: String,
  actions: Array,
  message_link: validFullURLParam,
  collapsed: Boolean,
  author_name: String,
  author_link: validFullURLParam,
  author_icon: validFullURLParam,
  title: String,
  title_link: validFullURLParam,
  title_link_download: Boolean,
  image_dimensions: Object,
  image_url: validFullURLParam,
  image_preview: String,
  image_type: String,
  image_size: Number,
  audio_url: validFullURLParam,
  audio_type: String,
  audio_size: Number,
  video_url: validFullURLParam,
  video_type: String,
  video_size: Number,
  fields: Array
}

/** @type {Record<string, Pattern>} */
const FIELD_PATTERN = { short: Boolean, title: String, value: oneOf(String, Number, Boolean) }

/** @type {Record<string, Pattern>} */
const ACTION_PATTERN = {
  type: String,
  text: String,
  url: validFullURLParam,
  image_url: validFullURLParam,
  is_webview: Boolean,
  webview_height_ratio: String,
  msg: String,
  msg_in_chat_window: Boolean
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

/** @typedef {Function | Function[] | string} Pattern a type, Match.OneOf types, or the URL check */

/** The Match type name of a constructor: String -> 'string'. @param {Function} type */
const nameOf = (type) => type.name.toLowerCase()

/**
 * `objectMaybeIncluding(patterns)`: only non-null keys are checked, in the pattern's key order.
 * @param {Record<string, unknown>} obj
 * @param {Record<string, Pattern>} patterns
 * @param {string} prefix path shown in the Match error
 */
function checkTypes(obj, patterns, prefix) {
  for (const [key, pattern] of Object.entries(patterns)) {
    const value = obj[key]
    if (value === undefined || value === null) continue
    const got = typeName(value)
    const field = `${prefix}${key}`
    if (pattern === validFullURLParam) {
      if (typeof value !== 'string')
        throw matchError(`Expected string, got ${got} in field ${field}`, true)
      if (!isValidFullUrl(value)) throw plainError('Invalid href value provided')
    } else if (Array.isArray(pattern)) {
      if (!pattern.map(nameOf).includes(got)) {
        throw matchError(
          `Failed Match.OneOf, Match.Maybe or Match.Optional validation in field ${field}`,
          true
        )
      }
    } else if (typeof pattern === 'function' && got !== nameOf(pattern)) {
      throw matchError(`Expected ${nameOf(pattern)}, got ${got} in field ${field}`, true)
    }
  }
}

/** @param {any} attachment one element of `message.attachments`, as sent */
export function validateAttachment(attachment) {
  if (typeName(attachment) !== 'object')
    throw matchError(`Expected object, got ${typeName(attachment)}`, true)
  checkTypes(attachment, ATTACHMENT_PATTERN, '')
  ;(attachment.fields ?? []).forEach((/** @type {any} */ field, /** @type {number} */ i) => {
    if (typeName(field) !== 'object')
      throw matchError(`Expected object, got ${typeName(field)} in field fields[${i}]`, true)
    checkTypes(field, FIELD_PATTERN, `fields[${i}].`)
    if (!field.value || !field.title)
      throw plainError('Invalid attachment field, title and value is required')
  })
  ;(attachment.actions ?? []).forEach((/** @type {any} */ action, /** @type {number} */ i) => {
    if (typeName(action) !== 'object') return
    checkTypes(action, ACTION_PATTERN, `actions[${i}].`)
  })
}
