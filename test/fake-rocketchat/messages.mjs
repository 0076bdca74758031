// @ts-check
/**
 * Storing a message: `sendMessage()` and its `validateMessage`, `prepareMessageObject` and after-save
 * hooks.
 *
 * Sources (RocketChat/Rocket.Chat): `apps/meteor/server/lib/messages/sendMessage.ts` at 159959e6; the
 * duplicate-`_id` early return dates from PR #14945. URL preview markers: the "oembed" tests of
 * `apps/meteor/tests/end-to-end/api/chat.ts` at 00b56645. URLs are found with the server's pattern,
 * `apps/meteor/lib/getMessageUrlRegex.ts` at 0226236b; `md` is the server's own parser
 * (`@rocket.chat/message-parser`) with the options of the `beforeSaveMessage` markdownParser hook
 * (`colors`, `emoticons`, KaTeX with both syntaxes: the settings' defaults, inferred).
 */
import { plainError } from './errors.mjs'
import { typeName, matchError, validateAttachment } from './attachments.mjs'
import { hasPermission } from './permissions.mjs'
import { findUserByUsername, findRoomByName } from './state.mjs'
import { randomId, isoNow } from './helpers.mjs'
import { parse } from '@rocket.chat/message-parser'

/** @typedef {import('./state.mjs').World} World */
/** @typedef {import('./state.mjs').User} User */
/** @typedef {import('./state.mjs').Room} Room */
/** @typedef {import('./state.mjs').Message} Message */
/** @typedef {(event: string, payload: unknown) => void} Emit */

const URL_RE =
  /([A-Za-z]{3,9}):\/\/([-;:&=+$,\w]+@{1})?([-A-Za-z0-9.]+)+:?(\d+)?((\/[-+=!:~%/.@,\w]*)?\??([-+=&!:;%@/.,\w]+)?(?:#([^\s)]+))?)?/g
const PARSER_OPTIONS = {
  colors: true,
  emoticons: true,
  katex: { dollarSyntax: true, parenthesisSyntax: true }
}

/**
 * `validateMessage`: impersonation, basic types, attachments, custom fields.
 * @param {World} world
 * @param {Message} message
 * @param {User} user
 */
function validateMessage(world, message, user) {
  if ((message.alias || message.avatar) && !hasPermission(world, user, 'message-impersonate')) {
    throw plainError('Not enough permission')
  }
  for (const key of ['_id', 'msg', 'text', 'alias', 'emoji', 'tmid']) {
    const value = message[key]
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw matchError(`Expected string, got ${typeName(value)} in field ${key}`, false)
    }
  }
  if (message.tshow !== undefined && message.tshow !== null && typeof message.tshow !== 'boolean') {
    throw matchError(`Expected boolean, got ${typeName(message.tshow)} in field tshow`, false)
  }
  if (typeof message.avatar === 'string' && /^javascript:/i.test(message.avatar)) {
    throw plainError('Invalid href value provided')
  }
  for (const key of ['attachments', 'blocks']) {
    const value = message[key]
    if (value !== undefined && value !== null && !Array.isArray(value)) {
      throw matchError(`Expected array, got ${typeName(value)} in field ${key}`, false)
    }
  }
  ;(message.attachments ?? []).forEach(validateAttachment)
  if (message.customFields && !world.settings.Message_CustomFields_Enabled) {
    throw plainError('Custom fields not enabled')
  }
}

/**
 * The message's markdown tree; like the server, none for an empty text or when the parser throws.
 * @param {string} text
 */
function toMarkdownAst(text) {
  if (!text) return undefined
  try {
    return parse(text, PARSER_OPTIONS)
  } catch {
    return undefined
  }
}

/**
 * `parseUrlsInMessage`: URL entries, with `ignoreParse` when previews are turned off: `previewUrls`
 * `[]` or a list without the URL, more than 5 URLs, or attachments.
 * @param {Message} message
 * @param {unknown} previewUrls
 */
function extractUrls(message, previewUrls) {
  if (message.parseUrls === false || !message.msg) return []
  /** @type {string[]} */
  const urls = [...new Set(message.msg.match(URL_RE) ?? [])]
  const noPreviews = urls.length > 5 || (message.attachments?.length ?? 0) > 0
  return urls.map((url) => {
    const ignore = noPreviews || (Array.isArray(previewUrls) && !previewUrls.includes(url))
    return ignore ? { url, ignoreParse: true } : { url }
  })
}

/** @param {World} world @param {string|undefined} text */
function extractMentions(world, text) {
  const mentions = []
  for (const [, name] of (text ?? '').matchAll(/(?:^|[\s(])@([\w.-]+)/g)) {
    if (name === 'all' || name === 'here') {
      mentions.push({ _id: name, username: name, type: 'team' })
      continue
    }
    const user = findUserByUsername(world, name)
    if (user)
      mentions.push({ _id: user._id, username: user.username, name: user.name, type: 'user' })
  }
  return mentions
}

/** @param {World} world @param {string|undefined} text */
function extractChannels(world, text) {
  const channels = []
  for (const [, name] of (text ?? '').matchAll(/(?:^|[\s(])#([\w.-]+)/g)) {
    const room = findRoomByName(world, name)
    if (room) channels.push({ _id: room._id, name: room.name })
  }
  return channels
}

/**
 * What `Message.beforeSave` adds: md, mentions, channels, urls.
 * @param {World} world
 * @param {Message} message
 * @param {unknown} previewUrls
 */
export function enrichMessage(world, message, previewUrls) {
  message.urls = extractUrls(message, previewUrls)
  message.mentions = extractMentions(world, message.msg)
  message.channels = extractChannels(world, message.msg)
  const md = toMarkdownAst(message.msg)
  if (md) message.md = md
  else delete message.md
}

/**
 * Validates, prepares and inserts a message. Returns undefined (and changes nothing) when an app
 * prevents the message or the client-chosen `_id` already exists, exactly as the real function
 * does: `apps/meteor/app/lib/server/functions/sendMessage.ts` at 026bdc00 returns before storing
 * when `IPreMessageSentPrevent` says so, before the URL parsing and the duplicate check.
 * @param {World} world
 * @param {User} user
 * @param {Message} message
 * @param {Room} room
 * @param {unknown} previewUrls
 * @param {Emit} emit
 * @returns {Message|undefined}
 */
export function storeMessage(world, user, message, room, previewUrls, emit) {
  validateMessage(world, message, user)
  // prepareMessageObject
  message.ts ??= isoNow()
  message.u = { _id: user._id, username: user.username, name: user.name }
  message.rid = room._id
  if (typeof message.msg !== 'string') message.msg = ''
  if (message.tshow !== true) delete message.tshow
  const prevents = world.appPrevents
  if (typeof prevents === 'function' ? prevents(message) : prevents) return undefined
  enrichMessage(world, message, previewUrls)
  if (message._id && world.messages.has(message._id)) return undefined
  message._id ??= randomId()
  message._updatedAt = isoNow()
  world.messages.set(message._id, message)
  afterSave(world, message, room, user)
  emit('message', message)
  return message
}

/**
 * Thread counters on the parent and the room's last message, as the after-save hooks do.
 * @param {World} world
 * @param {Message} message
 * @param {Room} room
 * @param {User} user
 */
function afterSave(world, message, room, user) {
  const parent = message.tmid ? world.messages.get(message.tmid) : undefined
  if (parent) {
    parent.tcount = (parent.tcount ?? 0) + 1
    parent.tlm = message.ts
    parent.replies = [...new Set([...(parent.replies ?? []), user._id])]
    parent._updatedAt = message._updatedAt
  }
  if (parent && !message.tshow) return // hidden thread replies don't touch the room
  room.msgs += 1
  room.lm = message.ts
  room.lastMessage = structuredClone(message)
  room._updatedAt = message._updatedAt
}
