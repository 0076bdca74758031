/**
 * A fake Rocket.Chat server for integration tests, the demo and the benchmark.
 *
 * It answers the REST calls the Action makes the way a real server does: same status codes,
 * same envelopes, same error strings, same order of checks, same rate limiter, same body parsing
 * quirks. The reference is rocketchat-api.md (the section numbers in the comments point there);
 * request validation uses the vendored @rocket.chat/rest-typings schemas (see schemas/).
 *
 * Plain JavaScript on purpose: `node test/fake-rocketchat/cli.mjs` must run without a build.
 */
import http from 'node:http'
import https from 'node:https'
import { EventEmitter } from 'node:events'
import { readFileSync } from 'node:fs'
import { randomBytes, randomInt } from 'node:crypto'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { SEED, DEFAULT_SETTINGS, PUBLIC_SETTINGS, PERMISSIONS } from './seed.mjs'

/** @typedef {'8'|'6'|'develop'} ServerVersion */

/**
 * @typedef {object} FakeOptions
 * @property {ServerVersion} [version] which server generation to imitate (default '8' = 8.8.1)
 * @property {number} [port] 0 (default) picks a free port
 * @property {string} [host] default '127.0.0.1'
 * @property {{key: string|Buffer, cert: string|Buffer}} [tls] serve https with this key pair
 * @property {{limit: number, intervalMs: number}|false} [rateLimit] default API limiter, default 10 / 60000 ms
 * @property {Record<string, unknown>} [settings] overrides of server settings (see seed.mjs DEFAULT_SETTINGS)
 * @property {boolean} [seed] load the default world from seed.mjs (default true)
 */

/**
 * @typedef {object} RequestRecord
 * @property {string} method
 * @property {string} path path without the query string
 * @property {Record<string, string>} query
 * @property {import('node:http').IncomingHttpHeaders} headers
 * @property {unknown} body parsed JSON when the body is JSON, otherwise the raw text ('' when empty)
 * @property {number|null} status status answered; null while pending, or when the socket was reset / hung
 * @property {string} [fault] kind of the injected fault that hit this request
 */

/**
 * @typedef {object} Fault
 * @property {string} route route name ('chat.sendMessage', 'rooms.info', 'info' for /api/info, 'hooks' for webhooks) or '*'
 * @property {'reset-before'|'reset-after'|'status'|'status-after'|'delay'|'hang'|'invalid-json'|'html'} kind
 * @property {number} [times] how many matching requests it hits (default 1)
 * @property {number} [status] for status / status-after / html
 * @property {string} [body] response body for status / status-after / html / invalid-json
 * @property {string} [contentType] response Content-Type for status / status-after
 * @property {Record<string, string>} [headers] extra response headers for status / status-after / html
 * @property {number} [ms] for delay
 */

// ------------------------------------------------------------------------------------------------
// Versions (section 8)

const VERSION_INFO = {
  8: { short: '8.8', full: '8.8.1' },
  6: { short: '6.13', full: '6.13.1' },
  develop: { short: '8.9', full: '8.9.0-develop' }
}

const MIN_CLIENT_VERSIONS = { desktop: '3.9.6', mobile: '4.39.0' }

/** Routes that became typed (validated before the rate limiter, no ` [invalid-params]` suffix) after 8.8.1. */
const TYPED_IN_DEVELOP = new Set([
  'chat.sendMessage',
  'chat.postMessage',
  'chat.update',
  'chat.react',
  'chat.getMessage'
])

const LOGGED_OUT = 'You must be logged in to do this.'

// ------------------------------------------------------------------------------------------------
// Errors (section 1): every failure is an ApiError carrying the exact status and body.

class ApiError extends Error {
  /**
   * @param {number} status
   * @param {Record<string, unknown>} body
   * @param {{error?: string, headers?: Record<string, string>}} [meta] `error` is Meteor's e.error, kept
   *   because webhooks report `e.error || e.message`
   */
  constructor(status, body, meta = {}) {
    super(typeof body.error === 'string' ? body.error : `HTTP ${status}`)
    this.status = status
    this.body = body
    this.meteorError = meta.error
    this.headers = meta.headers
  }
}

/** A thrown plain `Error(msg)`: 400 with no errorType. */
function plainError(message) {
  return new ApiError(400, { success: false, error: message })
}

/**
 * A thrown `Meteor.Error(error, reason, details)`: message is "<reason> [<error>]". The legacy catch
 * maps error-too-many-requests to 429 and (error-)unauthorized to 403 without errorType.
 */
function meteorError(error, reason, details) {
  const message = reason ? `${reason} [${error}]` : `[${error}]`
  if (error === 'error-too-many-requests')
    return new ApiError(429, { success: false, error: message }, { error })
  if (error === 'error-unauthorized' || error === 'unauthorized') {
    return new ApiError(403, { success: false, error: message }, { error })
  }
  const body = { success: false, error: message, errorType: error }
  if (details) body.details = details
  return new ApiError(400, body, { error })
}

/** `API.v1.failure(x, errorType?)`: an object is sent as-is, a string becomes `error`. */
function failure(error, errorType) {
  const body = error === undefined ? { success: false } : { success: false, error }
  if (errorType) body.errorType = errorType
  return new ApiError(400, body)
}

/** `API.v1.forbidden()` with no argument (flag off): 403 "unauthorized". */
function forbidden() {
  return new ApiError(403, { success: false, error: 'unauthorized' })
}

// ------------------------------------------------------------------------------------------------
// Validation with the vendored rest-typings schemas (sections 1.3 and 11)

const SCHEMA_DIR = new URL('./schemas/', import.meta.url)

function loadSchema(file) {
  return JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), 'utf8'))
}

/** Compiles the validators once per process; the options are the ones rest-typings uses. */
function buildValidators() {
  const ajv = new Ajv2020({ coerceTypes: true, allowUnionTypes: true, discriminator: true })
  addFormats(ajv)
  const v881 = loadSchema('rest-typings-8.8.1-schemas.json')
  const modern = {
    'chat.sendMessage': ajv.compile(v881['chat.sendMessage']),
    'chat.postMessage': ajv.compile(v881['chat.postMessage']),
    'chat.update': ajv.compile(v881['chat.update']),
    'chat.react': ajv.compile(v881['chat.react']),
    'chat.getMessage': ajv.compile(v881['chat.getMessage(query)']),
    'im.create': ajv.compile(v881['im.create|dm.create'])
  }
  const legacy = {
    ...modern,
    'chat.sendMessage': ajv.compile(loadSchema('rest-typings-6.13.1-chatSendMessageSchema.json')),
    'chat.postMessage': ajv.compile(loadSchema('rest-typings-6.13.1-ChatPostMessageSchema.json')),
    'chat.update': ajv.compile(loadSchema('rest-typings-6.13.1-ChatUpdateSchema.json'))
  }
  return { 8: modern, develop: modern, 6: legacy }
}

/** @type {ReturnType<typeof buildValidators> | undefined} */
let validators

function validatorFor(version, name) {
  validators ??= buildValidators()
  return validators[version][name]
}

// ------------------------------------------------------------------------------------------------
// Body parsing by Content-Type (section 1.1), exactly as the 7.x+ router does it

/**
 * @param {string|undefined} contentType
 * @param {string} text
 */
function parseBodyParams(contentType, text) {
  if (text === '') return {}
  // The router uses a case-sensitive `includes`, so we do too.
  if (contentType?.includes('multipart/form-data')) return {}
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(text)
    } catch {
      return {} // invalid JSON surfaces later as a validation error, not a parse error
    }
  }
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text))
  }
  return { ...text } // raw text spread into {"0":"a","1":"b",...}
}

/** What `requests[i].body` holds: parsed JSON when it parses, otherwise the raw text. */
function recordedBody(contentType, text) {
  if (text !== '' && contentType?.includes('json')) {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}

// ------------------------------------------------------------------------------------------------
// Rate limiting (section 7): Meteor's rate-limit Rule, one per route, counters per client IP

class RateLimiter {
  constructor() {
    /** @type {Map<string, {lastReset: number, counters: Map<string, number>}>} */
    this.rules = new Map()
    this.createdAt = Date.now()
  }

  /**
   * Counts one call. Increment happens before the check, rejected calls count too, and the window is
   * anchored on the rule (all IPs of a route reset together), not on the first call of each IP.
   * @param {string} key route + method, e.g. '/api/v1/chat.sendMessagepost'
   * @param {string} ip
   * @param {{limit: number, intervalMs: number}} opts
   * @param {number} createdAt when the rule came to exist (server start for API routes, first use for hooks)
   */
  hit(key, ip, opts, createdAt) {
    const now = Date.now()
    let rule = this.rules.get(key)
    if (!rule) {
      rule = { lastReset: createdAt, counters: new Map() }
      this.rules.set(key, rule)
    }
    if (now - rule.lastReset > opts.intervalMs) {
      rule.counters.clear()
      rule.lastReset = now
    }
    const n = (rule.counters.get(ip) ?? 0) + 1
    rule.counters.set(ip, n)
    const timeToReset = opts.intervalMs - (now - rule.lastReset)
    const allowed = n <= opts.limit
    return {
      allowed,
      remaining: allowed ? opts.limit - n : 0,
      timeToReset,
      resetAt: now + timeToReset
    }
  }

  reset() {
    this.rules.clear()
    this.createdAt = Date.now()
  }
}

// ------------------------------------------------------------------------------------------------
// Ids and small helpers

const METEOR_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz'

/** Meteor `Random.id()`: 17 chars. */
function randomId() {
  let id = ''
  for (let i = 0; i < 17; i++) id += METEOR_ALPHABET[randomInt(METEOR_ALPHABET.length)]
  return id
}

/** Upload ids are Mongo ObjectIds (24 hex chars). */
function objectId() {
  return randomBytes(12).toString('hex')
}

const isoNow = () => new Date().toISOString()
const ensureArray = (v) => (Array.isArray(v) ? v : [v])
const isEmptyValue = (v) =>
  v === undefined ||
  v === null ||
  v === '' ||
  (typeof v === 'object' && Object.keys(v).length === 0)

/** lodash `removeEmpty` as used by processWebhookMessage: drops only null/undefined. */
function removeNullish(obj) {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && v !== null))
}

/** Message types that chat.sendMessage refuses (a representative subset of the registered ones). */
const SYSTEM_MESSAGE_TYPES = new Set([
  'r',
  'au',
  'ru',
  'ul',
  'ui',
  'uj',
  'ujt',
  'ult',
  'ut',
  'rm',
  'user-muted',
  'user-unmuted',
  'subscription-role-added',
  'subscription-role-removed',
  'room-archived',
  'room-unarchived',
  'room_changed_privacy',
  'room_changed_topic',
  'room_changed_announcement',
  'room_changed_description',
  'room_changed_avatar',
  'room-renamed',
  'discussion-created',
  'message_pinned',
  'command',
  'livechat-close',
  'videoconf',
  'jitsi_call_started'
])

/** Emoji the fake knows (a real server knows the full emojione/joypixels list plus custom ones). */
const EMOJI = new Set([
  'smile',
  'smiley',
  'grinning',
  'joy',
  'laughing',
  'wink',
  'thinking',
  'eyes',
  'heart',
  '+1',
  'thumbsup',
  '-1',
  'thumbsdown',
  'ok_hand',
  'clap',
  'tada',
  'rocket',
  'fire',
  'boom',
  'zap',
  'sparkles',
  'star',
  '100',
  'white_check_mark',
  'heavy_check_mark',
  'x',
  'warning',
  'bug',
  'robot',
  'hourglass',
  'hourglass_flowing_sand',
  'rotating_light',
  'construction',
  'package',
  'ship',
  'hammer',
  'wrench',
  'gear',
  'lock',
  'key',
  'green_circle',
  'red_circle',
  'yellow_circle',
  'large_blue_circle',
  'no_entry',
  'stop_sign',
  'pray',
  'muscle',
  'wave',
  'ghost',
  'memo',
  'bell'
])

const URL_RE = /https?:\/\/[^\s<>"'`]+/g

// ------------------------------------------------------------------------------------------------
// Attachment validation (section 3.2 step 3): Meteor check() semantics, field order matters

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

function typeName(value) {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

/** Meteor's Match.Error text; nested check() calls repeat the prefix. */
function matchError(detail, nested) {
  return plainError(`${nested ? 'Match error: ' : ''}Match error: ${detail}`)
}

/** `validFullURLParam`: absolute http(s)/data URL or a /file-upload/ path, never javascript:. */
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
      if (got !== 'string') throw matchError(`Expected string, got ${got} in field ${field}`, true)
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

function validateAttachment(attachment) {
  if (typeName(attachment) !== 'object')
    throw matchError(`Expected object, got ${typeName(attachment)}`, true)
  checkTypes(attachment, ATTACHMENT_TYPES, '')
  ;(attachment.fields ?? []).forEach((field, i) => {
    if (typeName(field) !== 'object')
      throw matchError(`Expected object, got ${typeName(field)} in field fields[${i}]`, true)
    checkTypes(field, FIELD_TYPES, `fields[${i}].`)
    if (!field.value || !field.title)
      throw plainError('Invalid attachment field, title and value is required')
  })
  ;(attachment.actions ?? []).forEach((action, i) => {
    if (typeName(action) !== 'object') return
    checkTypes(action, ACTION_TYPES, `actions[${i}].`)
  })
}

// ------------------------------------------------------------------------------------------------
// The world: users, tokens, rooms, subscriptions, messages, uploads, integrations, settings

/**
 * @typedef {object} User
 * @property {string} _id
 * @property {string} username
 * @property {string} name
 * @property {string[]} roles
 * @property {boolean} active
 */

function createWorld() {
  return {
    /** @type {Map<string, User>} */
    users: new Map(),
    /** @type {Map<string, {userId: string, type: 'personalAccessToken'|'login', bypassTwoFactor: boolean}>} */
    tokens: new Map(),
    /** @type {Map<string, Record<string, any>>} */
    rooms: new Map(),
    /** @type {Array<{_id: string, _deletedAt: string}>} */
    deletedRooms: [],
    /** @type {Map<string, {rid: string, uid: string}>} key `${rid} ${uid}` */
    subscriptions: new Map(),
    /** @type {Map<string, Record<string, any>>} */
    messages: new Map(),
    /** @type {Map<string, Record<string, any>>} */
    uploads: new Map(),
    /** @type {Map<string, Record<string, any>>} */
    integrations: new Map(),
    /** @type {Record<string, any>} */
    settings: { ...DEFAULT_SETTINGS },
    /** @type {Record<string, string[]>} */
    permissions: structuredClone(PERMISSIONS),
    emoji: new Set(EMOJI)
  }
}

/** @typedef {ReturnType<typeof createWorld>} World */

/** @param {World} world */
function addUserTo(
  world,
  { _id = randomId(), username, name = username, roles = ['user'], active = true, token }
) {
  const user = {
    _id,
    username,
    name,
    roles: [...roles],
    active,
    type: roles.includes('bot') ? 'bot' : 'user'
  }
  world.users.set(_id, user)
  if (token)
    world.tokens.set(token, { userId: _id, type: 'personalAccessToken', bypassTwoFactor: true })
  return user
}

function findUserByUsername(world, username) {
  const wanted = String(username).toLowerCase()
  for (const user of world.users.values()) if (user.username?.toLowerCase() === wanted) return user
  return undefined
}

/** Members may be given as user ids or usernames. */
function resolveUserRef(world, ref) {
  return world.users.get(ref) ?? findUserByUsername(world, ref)
}

const subKey = (rid, uid) => `${rid} ${uid}`

function subscribe(world, rid, uid) {
  world.subscriptions.set(subKey(rid, uid), { rid, uid })
  const room = world.rooms.get(rid)
  if (room) room.usersCount = countMembers(world, rid)
}

function isSubscribed(world, rid, uid) {
  return world.subscriptions.has(subKey(rid, uid))
}

function countMembers(world, rid) {
  let n = 0
  for (const sub of world.subscriptions.values()) if (sub.rid === rid) n++
  return n
}

/** @param {World} world */
function addRoomTo(
  world,
  { _id = randomId(), t = 'c', name, fname = name, members = [], createdAt, ...rest }
) {
  const ts = createdAt ?? isoNow()
  const owner = [...world.users.values()].find((u) => u.roles.includes('admin'))
  const room = {
    _id,
    t,
    ...(name !== undefined && { name, fname }),
    ts,
    msgs: 0,
    usersCount: 0,
    ...(owner && t !== 'd' && { u: { _id: owner._id, username: owner.username } }),
    default: _id === 'GENERAL',
    ro: false,
    sysMes: true,
    _updatedAt: ts,
    ...rest
  }
  world.rooms.set(_id, room)
  for (const ref of members) {
    const user = resolveUserRef(world, ref)
    if (!user) throw new Error(`addRoom: unknown member ${ref}`)
    subscribe(world, _id, user._id)
  }
  return room
}

function findRoomByName(world, name) {
  for (const room of world.rooms.values()) if (room.name === name) return room
  return undefined
}

function findRoomByIdOrName(world, idOrName) {
  return world.rooms.get(idOrName) ?? findRoomByName(world, idOrName)
}

/** Loads seed.mjs: the bot and friends, ~40 rooms, three webhook integrations. */
function loadSeed(world) {
  const seedTime = new Date(Date.now() - 86_400_000).toISOString()
  for (const u of Object.values(SEED.users)) {
    addUserTo(world, {
      _id: u.id,
      username: u.username,
      name: u.name,
      roles: u.roles,
      token: u.token
    })
  }
  for (const r of Object.values(SEED.rooms)) {
    const { id, members, ...fields } = r
    addRoomTo(world, {
      _id: id,
      ...fields,
      members: members.map((key) => SEED.users[key].id),
      createdAt: seedTime
    })
  }
  for (const i of Object.values(SEED.integrations)) {
    addIntegrationTo(world, { ...i, _id: i.id, userId: SEED.users[i.userKey].id })
  }
}

function addIntegrationTo(
  world,
  {
    _id = randomId(),
    token = randomBytes(18).toString('base64url'),
    userId,
    channel,
    enabled = true,
    overrideDestinationChannelEnabled = false,
    alias,
    emoji,
    avatar
  }
) {
  const integration = {
    _id,
    type: 'webhook-incoming',
    token,
    userId,
    channel: ensureArray(channel),
    enabled,
    overrideDestinationChannelEnabled,
    alias,
    emoji,
    avatar,
    path: `/hooks/${_id}/${token}`
  }
  world.integrations.set(_id, integration)
  return integration
}

// ------------------------------------------------------------------------------------------------
// Permissions and room access (sections 3.2, 5.1)

function hasPermission(world, user, permission) {
  const roles = world.permissions[permission] ?? []
  return user.roles.some((r) => roles.includes(r))
}

function canAccessRoom(world, room, user) {
  if (room.t === 'c') return hasPermission(world, user, 'view-c-room')
  return isSubscribed(world, room._id, user._id) // p and d need a subscription
}

/** `validateRoomMessagePermissionsAsync`: plain Errors, in this order. */
function validateRoomMessagePermissions(world, room, user) {
  if (!canAccessRoom(world, room, user)) throw plainError('error-not-allowed')
  if (room.t === 'd' && room.blocked) throw plainError('room_is_blocked')
  if (
    room.ro === true &&
    !hasPermission(world, user, 'post-readonly') &&
    !(room.unmuted ?? []).includes(user.username)
  ) {
    throw plainError("You can't send messages because the room is readonly.")
  }
  if ((room.muted ?? []).includes(user.username)) throw plainError('You_have_been_muted')
}

// ------------------------------------------------------------------------------------------------
// Storing a message: sendMessage() of server/lib/messages/sendMessage.ts (section 3.2 steps 3-6)

/** `validateMessage`: impersonation, basic types, attachments, custom fields. */
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

/** A one-paragraph markdown AST; the real parser produces richer trees (section 13). */
function toMarkdownAst(text) {
  return text ? [{ type: 'PARAGRAPH', value: [{ type: 'PLAIN_TEXT', value: text }] }] : []
}

/** `parseUrlsInMessage`: URL entries, with `ignoreParse` when previews are turned off (section 3.2 step 7). */
function extractUrls(message, previewUrls) {
  if (message.parseUrls === false || !message.msg) return []
  const urls = [...new Set(message.msg.match(URL_RE) ?? [])]
  const noPreviews = urls.length > 5 || (message.attachments?.length ?? 0) > 0
  return urls.map((url) => {
    const ignore = noPreviews || (Array.isArray(previewUrls) && !previewUrls.includes(url))
    return ignore ? { url, ignoreParse: true } : { url }
  })
}

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

function extractChannels(world, text) {
  const channels = []
  for (const [, name] of (text ?? '').matchAll(/(?:^|[\s(])#([\w.-]+)/g)) {
    const room = findRoomByName(world, name)
    if (room) channels.push({ _id: room._id, name: room.name })
  }
  return channels
}

/** What `Message.beforeSave` adds: md, mentions, channels, urls. */
function enrichMessage(world, message, previewUrls) {
  message.urls = extractUrls(message, previewUrls)
  message.mentions = extractMentions(world, message.msg)
  message.channels = extractChannels(world, message.msg)
  message.md = toMarkdownAst(message.msg)
}

/**
 * Validates, prepares and inserts a message. Returns undefined (and changes nothing) when the
 * client-chosen `_id` already exists, exactly as the real function does (section 3.2 step 5).
 */
function storeMessage(world, user, message, room, previewUrls, emit) {
  validateMessage(world, message, user)
  // prepareMessageObject
  message.ts ??= isoNow()
  message.u = { _id: user._id, username: user.username, name: user.name }
  message.rid = room._id
  if (typeof message.msg !== 'string') message.msg = ''
  if (message.tshow !== true) delete message.tshow
  enrichMessage(world, message, previewUrls)
  if (message._id && world.messages.has(message._id)) return undefined
  message._id ??= randomId()
  message._updatedAt = isoNow()
  world.messages.set(message._id, message)
  afterSave(world, message, room, user)
  emit('message', message)
  return message
}

/** Thread counters on the parent and the room's last message, as the after-save hooks do. */
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

// ------------------------------------------------------------------------------------------------
// DMs (section 5.4)

/** Finds the DM whose members are exactly `uids`, or creates it (1:1 id = sorted ids concatenated). */
function getOrCreateDirectRoom(world, members) {
  const existing = findDirectRoom(world, members)
  if (existing) return existing
  const uids = [...new Set(members.map((u) => u._id))].sort()
  const usernames = [...new Set(members.map((u) => u.username))].sort()
  return addRoomTo(world, {
    _id: uids.length === 2 ? uids.join('') : randomId(),
    t: 'd',
    usernames,
    uids,
    default: false,
    members: uids
  })
}

function findDirectRoom(world, members) {
  const uids = [...new Set(members.map((u) => u._id))].sort()
  for (const room of world.rooms.values()) {
    if (
      room.t === 'd' &&
      room.uids.length === uids.length &&
      room.uids.every((id, i) => id === uids[i])
    ) {
      return room
    }
  }
  return undefined
}

/** `createDirectMessage`: Meteor errors with details {method:'createDirectMessage'}. */
function createDirectMessage(world, me, usernames, excludeSelf) {
  const details = { method: 'createDirectMessage' }
  if (
    !world.settings.Message_AllowDirectMessagesToYourself &&
    usernames.length === 1 &&
    usernames[0] === me.username
  ) {
    throw meteorError('error-invalid-user', 'Invalid user', details)
  }
  const others = usernames
    .filter((name) => name !== me.username)
    .map((name) => {
      const to = findUserByUsername(world, name)
      if (!to) throw meteorError('error-invalid-user', 'Invalid user', details)
      return to
    })
  const members = excludeSelf ? others : [me, ...others]
  if (members.length === 0) throw meteorError('error-invalid-user', 'Invalid user', details)
  if (!hasPermission(world, me, 'create-d') && !findDirectRoom(world, members)) {
    throw meteorError('error-not-allowed', 'Not allowed', details)
  }
  return getOrCreateDirectRoom(world, members)
}

// ------------------------------------------------------------------------------------------------
// Target resolution for chat.postMessage and webhooks (section 4.2)

/** Public channels are joined on the way (Room.join); private ones are returned as-is. */
function joinIfPublic(world, room, user) {
  if (room.t === 'c' && !isSubscribed(world, room._id, user._id))
    subscribe(world, room._id, user._id)
  return room
}

function directRoomWith(world, me, other) {
  const existing = findDirectRoom(world, [me, other])
  if (existing) return existing
  if (!hasPermission(world, me, 'create-d')) {
    throw meteorError('error-not-allowed', 'Not allowed', { method: 'createDirectMessage' })
  }
  return getOrCreateDirectRoom(world, [me, other])
}

/** `getRoomByNameOrIdWithOptionToJoin` for '#name', '@user' and bare ids/names. */
function resolveTarget(world, target, user) {
  if (target.startsWith('#')) {
    const room = findRoomByIdOrName(world, target.slice(1))
    if (!room) throw meteorError('invalid-channel')
    return joinIfPublic(world, room, user)
  }
  if (target.startsWith('@')) {
    const ref = target.slice(1)
    const other = world.users.get(ref) ?? findUserByUsername(world, ref)
    if (other) return directRoomWith(world, user, other)
    const room = world.rooms.get(ref)
    if (room) return room
    throw meteorError('invalid-channel')
  }
  const room = findRoomByIdOrName(world, target)
  if (room) return joinIfPublic(world, room, user)
  const other = world.users.get(target) // tryDirectByUserIdOnly
  if (other) return directRoomWith(world, user, other)
  throw meteorError('invalid-channel')
}

/** `buildMessage` of processWebhookMessage (section 4.2 step 3). */
function buildWebhookMessage(body, defaults = {}) {
  const attachments = Array.isArray(body.attachments)
    ? body.attachments.map((a) => {
        if (!a || typeof a !== 'object' || !a.msg) return a
        const { msg, ...rest } = a
        return { ...rest, text: String(msg).trim() }
      })
    : body.attachments
  const message = {
    alias: body.username || body.alias || defaults.alias || '',
    msg: String(body.text || body.msg || '').trim(),
    attachments: attachments || [],
    parseUrls: body.parseUrls !== undefined ? body.parseUrls : !body.attachments,
    bot: body.bot,
    groupable: body.groupable !== undefined ? body.groupable : false,
    tmid: body.tmid,
    customFields: body.customFields
  }
  if (!isEmptyValue(body.icon_url) || !isEmptyValue(body.avatar))
    message.avatar = body.icon_url || body.avatar
  else if (!isEmptyValue(body.icon_emoji) || !isEmptyValue(body.emoji))
    message.emoji = body.icon_emoji || body.emoji
  else if (!isEmptyValue(defaults.avatar)) message.avatar = defaults.avatar
  else if (!isEmptyValue(defaults.emoji)) message.emoji = defaults.emoji
  return removeNullish(message)
}

// ------------------------------------------------------------------------------------------------
// HTTP replies

const JSON_HEADERS = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store',
  Pragma: 'no-cache'
}

/** @typedef {{status: number, headers: Record<string, string>, body: string|Buffer}} Reply */

/** @returns {Reply} */
function jsonReply(status, payload, headers = {}) {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(payload) }
}

/** @returns {Reply} */
function textReply(status, text, contentType = 'text/plain; charset=UTF-8', headers = {}) {
  return { status, headers: { 'Content-Type': contentType, ...headers }, body: text }
}

/** Hono's default answer for unknown routes (section 1, inferred). */
const notFoundReply = () => textReply(404, '404 Not Found')

/** nginx's own wording for its error pages (it differs from Node's STATUS_CODES). */
const NGINX_REASONS = {
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out'
}

/** The page nginx shows when the upstream is down. */
function nginxPage(status) {
  const title = `${status} ${NGINX_REASONS[status] ?? http.STATUS_CODES[status] ?? 'Error'}`
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
}

function unauthorizedBody(version) {
  if (version === '6') return { status: 'error', message: LOGGED_OUT }
  if (version === 'develop') return { success: false, error: LOGGED_OUT }
  return { success: false, error: LOGGED_OUT, status: 'error', message: LOGGED_OUT }
}

// ------------------------------------------------------------------------------------------------
// Route handlers. Each gets a context and returns the success payload (without `success`) or throws
// an ApiError. Auth, rate limiting and schema validation happen before, in runApiRoute().

/**
 * @typedef {object} Ctx
 * @property {World} world
 * @property {ServerVersion} version
 * @property {User} [user]
 * @property {any} body bodyParams after parsing (and coercion by Ajv)
 * @property {Record<string, string>} query
 * @property {string[]} params path parameters after the route name
 * @property {import('node:http').IncomingHttpHeaders} headers
 * @property {Buffer} raw raw request body
 * @property {string} url full request URL
 * @property {(event: string, payload: unknown) => void} emit
 */

/** chat.sendMessage (section 3.2). */
function chatSendMessage(/** @type {Ctx} */ ctx) {
  const message = ctx.body.message
  if (message.t && SYSTEM_MESSAGE_TYPES.has(message.t)) {
    throw plainError("Cannot send system messages using 'chat.sendMessage'")
  }
  return { message: executeSendMessage(ctx, message, ctx.body.previewUrls) }
}

/** `executeSendMessage` of the sendMessage methods file; also used by rooms.mediaConfirm. */
function executeSendMessage(/** @type {Ctx} */ ctx, message, previewUrls) {
  const { world, user, version } = ctx
  const details = { method: 'sendMessage' }
  if (message.tshow && !message.tmid)
    throw meteorError('invalid-params', 'tshow provided but missing tmid', details)
  if (message.tmid && !world.settings.Threads_enabled)
    throw meteorError('error-not-allowed', 'not-allowed', details)
  checkClientTimestamp(message)
  const empty =
    !String(message.msg ?? '').trim() && !message.attachments?.length && !message.blocks?.length
  if (version === 'develop' && empty)
    throw meteorError('error-invalid-message', 'Message cannot be empty', details)
  if (
    typeof message.msg === 'string' &&
    message.msg.length > world.settings.Message_MaxAllowedSize
  ) {
    throw meteorError(
      'error-message-size-exceeded',
      'Message size exceeds Message_MaxAllowedSize',
      details
    )
  }
  if (!user.username) throw meteorError('error-invalid-user', 'Invalid user', details)
  const parent = message.tmid ? world.messages.get(message.tmid) : undefined
  if (parent) {
    message.tmid = parent.tmid ?? parent._id // no nested threads
    message.rid = parent.rid // the rid sent is ignored
  }
  if (!message.rid) throw plainError("The 'rid' property on the message object is missing.")
  const room = world.rooms.get(message.rid)
  if (!room) throw plainError('error-invalid-room')
  validateRoomMessagePermissions(world, room, user)
  if (room.encrypted && !world.settings.E2E_Allow_Unencrypted_Messages && message.t !== 'e2e') {
    throw meteorError(
      'error-not-allowed',
      'Not allowed to send un-encrypted messages in an encrypted room',
      details
    )
  }
  const stored = storeMessage(world, user, message, room, previewUrls, ctx.emit)
  // normalizeMessagesForUser([undefined]) reads `.starred` of undefined: Node >= 16.9 wording on 7.x+.
  if (!stored) {
    throw plainError(
      version === '6'
        ? "Cannot read property 'starred' of undefined"
        : "Cannot read properties of undefined (reading 'starred')"
    )
  }
  return stored
}

/** Client `ts`: > 60 s off is an error, > 10 s off is replaced, otherwise kept. */
function checkClientTimestamp(message) {
  if (message.ts === undefined || message.ts === null) return
  const ts = new Date(message.ts)
  const diff = Math.abs(ts.getTime() - Date.now())
  if (diff > 60_000) {
    throw meteorError('error-message-ts-out-of-sync', 'Message timestamp is out of sync', {
      method: 'sendMessage',
      message_ts: message.ts,
      server_ts: Date.now()
    })
  }
  message.ts = diff > 10_000 ? isoNow() : ts.toISOString()
}

/** chat.postMessage (section 4). */
function chatPostMessage(/** @type {Ctx} */ ctx) {
  const { world, user, body, version } = ctx
  const max = world.settings.Message_MaxAllowedSize
  const tooLong = (t) => typeof t === 'string' && t.length > max
  if (tooLong(body.text) || (body.attachments ?? []).some((a) => tooLong(a?.text))) {
    throw failure('error-message-size-exceeded')
  }
  const targets = [...new Set(ensureArray(body.channel || body.roomId))]
  const fields = { ...body }
  delete fields.channel
  delete fields.roomId
  /** @param {string} target */
  const prepare = (target) => {
    const room = resolveTarget(world, target, user)
    validateRoomMessagePermissions(world, room, user)
    return room
  }
  // develop validates every target first; 7.x/8.x deliver target by target (partial delivery).
  const rooms = version === 'develop' ? targets.map(prepare) : []
  let first
  targets.forEach((target, i) => {
    const room = version === 'develop' ? rooms[i] : prepare(target)
    const message = storeMessage(
      world,
      user,
      buildWebhookMessage(structuredClone(fields)),
      room,
      undefined,
      ctx.emit
    )
    first ??= { channel: target, message }
  })
  if (!first) throw failure('unknown-error')
  return { ts: Date.now(), channel: first.channel, message: first.message }
}

/** chat.update (section 6.1). */
function chatUpdate(/** @type {Ctx} */ ctx) {
  const { world, user, body } = ctx
  const message = world.messages.get(body.msgId)
  if (!message) throw failure(`No message found with the id of "${body.msgId}".`)
  if (body.roomId !== message.rid)
    throw failure('The room id provided does not match where the message is from.')
  if ('content' in body && message.t !== 'e2e')
    throw failure('Only encrypted messages can have content updated.')
  if (message.msg === body.text && !body.previewUrls && !body.customFields) return { message }
  const editOwn = world.settings.Message_AllowEditing && message.u?._id === user._id
  if (!hasPermission(world, user, 'edit-message') && !editOwn) {
    throw meteorError('error-action-not-allowed', 'Message editing not allowed', {
      method: 'updateMessage',
      action: 'Message_editing'
    })
  }
  checkEditWindow(world, message, user)
  validateRoomMessagePermissions(world, world.rooms.get(message.rid), user)
  // Status from the real e2e tests; the text is the fake's own (rocketchat-api.md 6.1 gives none).
  if (typeof body.text === 'string' && !body.text.trim())
    throw meteorError('error-invalid-message', 'Invalid message')
  if (body.customFields && !world.settings.Message_CustomFields_Enabled)
    throw plainError('Custom fields not enabled')
  Object.assign(message, {
    msg: body.text ?? message.msg,
    ...(body.customFields && { customFields: body.customFields }),
    editedAt: isoNow(),
    editedBy: { _id: user._id, username: user.username }
  })
  enrichMessage(world, message, body.previewUrls)
  message._updatedAt = isoNow()
  ctx.emit('message-updated', message)
  return { message }
}

function checkEditWindow(world, message, user) {
  const minutes = world.settings.Message_AllowEditing_BlockEditInMinutes
  if (!minutes || hasPermission(world, user, 'bypass-time-limit-edit-and-delete')) return
  const age = (Date.now() - new Date(message.ts).getTime()) / 60_000
  if (age > minutes) {
    throw meteorError('error-message-editing-blocked', 'Message editing is blocked', {
      method: 'updateMessage'
    })
  }
}

/** chat.getMessage (section 6.2). */
function chatGetMessage(/** @type {Ctx} */ ctx) {
  const { world, user, query } = ctx
  const message = world.messages.get(query.msgId)
  if (!message) throw failure() // {"success":false}, no error key
  const room = world.rooms.get(message.rid)
  if (!room || !canAccessRoom(world, room, user)) {
    throw meteorError('error-not-allowed', 'Not allowed', { method: 'getSingleMessage' })
  }
  return { message }
}

/** chat.react (section 6.4): reactions stored as {":emoji:": {usernames: [...]}}. */
function chatReact(/** @type {Ctx} */ ctx) {
  const { world, user, body } = ctx
  const message = world.messages.get(body.messageId)
  if (!message) {
    throw meteorError(
      'error-message-not-found',
      'The provided "messageId" does not match any existing message.'
    )
  }
  const room = world.rooms.get(message.rid)
  if (!room || !canAccessRoom(world, room, user))
    throw meteorError('not-authorized', 'Not Authorized')
  const name = String(body.emoji ?? body.reaction).replace(/^:|:$/g, '')
  if (!world.emoji.has(name))
    throw meteorError('error-not-allowed', 'Invalid emoji provided.', { method: 'setReaction' })
  const key = `:${name}:`
  const reactions = (message.reactions ??= {})
  const usernames = reactions[key]?.usernames ?? []
  const has = usernames.includes(user.username)
  const add = body.shouldReact ?? !has // omitted toggles
  if (add && !has) reactions[key] = { usernames: [...usernames, user.username] }
  if (!add && has) {
    const rest = usernames.filter((u) => u !== user.username)
    if (rest.length) reactions[key] = { usernames: rest }
    else delete reactions[key]
  }
  if (Object.keys(reactions).length === 0) delete message.reactions
  message._updatedAt = isoNow()
  return {}
}

/** Room fields as rooms.get / rooms.info send them (internal bookkeeping stripped). */
function publicRoom(room) {
  return structuredClone(room)
}

/** rooms.info (section 5.3). */
function roomsInfo(/** @type {Ctx} */ ctx) {
  const { world, user, query, version } = ctx
  const { roomId, roomName } = query
  if (!roomId && !roomName) {
    throw meteorError(
      'error-roomid-param-not-provided',
      'The parameter "roomId" or "roomName" is required'
    )
  }
  const room = roomId ? world.rooms.get(roomId) : findRoomByName(world, roomName)
  if (!room) {
    throw meteorError(
      'error-room-not-found',
      'The required "roomId" or "roomName" param provided does not match any channel'
    )
  }
  if (room.archived && version !== 'develop') {
    throw meteorError('error-room-archived', `The channel, ${room.name}, is archived`)
  }
  if (!canAccessRoom(world, room, user)) throw failure('not-allowed', 'Not Allowed')
  return { room: publicRoom(room) }
}

/** rooms.get (section 5.2): every subscribed room, no pagination. */
function roomsGet(/** @type {Ctx} */ ctx) {
  const { world, user, query } = ctx
  let since
  if (query.updatedSince) {
    since = new Date(query.updatedSince)
    if (Number.isNaN(since.getTime())) {
      throw meteorError(
        'error-updatedSince-param-invalid',
        'The "updatedSince" query parameter must be a valid date.'
      )
    }
  }
  const rooms = [...world.rooms.values()].filter((r) => isSubscribed(world, r._id, user._id))
  const update = rooms.filter((r) => !since || new Date(r._updatedAt) > since).map(publicRoom)
  const remove = since ? world.deletedRooms.filter((r) => new Date(r._deletedAt) > since) : []
  return { update, remove }
}

/** im.create / dm.create (section 5.4): minimal room object. */
function imCreate(/** @type {Ctx} */ ctx) {
  const { world, user, body } = ctx
  const usernames = body.usernames
    ? body.usernames
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [body.username]
  const room = createDirectMessage(world, user, usernames, body.excludeSelf)
  return { room: { t: 'd', rid: room._id, usernames: room.usernames, _id: room._id } }
}

/** settings.public (section 14): `?_id=a,b` from 7.0, `?query={"_id":...}` on 6.x. */
function settingsPublic(/** @type {Ctx} */ ctx) {
  const { world, query, version } = ctx
  let ids = PUBLIC_SETTINGS
  if (version === '6' && query.query) {
    const filter = parseLegacyQuery(query.query)
    const wanted =
      typeof filter?._id === 'string' ? [filter._id] : (filter?._id?.$in ?? PUBLIC_SETTINGS)
    ids = PUBLIC_SETTINGS.filter((id) => wanted.includes(id))
  } else if (version !== '6' && query._id) {
    const wanted = query._id.split(',').map((s) => s.trim())
    ids = PUBLIC_SETTINGS.filter((id) => wanted.includes(id))
  }
  const settings = ids.map((_id) => ({ _id, value: world.settings[_id] }))
  return { settings, count: settings.length, offset: 0, total: settings.length }
}

function parseLegacyQuery(text) {
  try {
    return JSON.parse(text)
  } catch {
    throw failure('Invalid query parameter provided')
  }
}

/** Multipart body through the web Request API (Node's undici). */
async function readForm(/** @type {Ctx} */ ctx) {
  try {
    const request = new Request(ctx.url, {
      method: 'POST',
      headers: { 'content-type': String(ctx.headers['content-type'] ?? '') },
      body: ctx.raw
    })
    return await request.formData()
  } catch {
    return new FormData()
  }
}

/** Stores an uploaded file (not yet a message) and returns its record. */
async function acceptUpload(/** @type {Ctx} */ ctx, rid) {
  const { world, user } = ctx
  const room = world.rooms.get(rid)
  if (!room || !canAccessRoom(world, room, user)) throw forbidden()
  const form = await readForm(ctx)
  const file = form.get('file')
  if (!file || typeof file === 'string')
    throw meteorError('error-no-file-uploaded', 'No file was uploaded')
  const max = world.settings.FileUpload_MaxFileSize
  if (max >= 0 && file.size > max) {
    throw meteorError('error-file-too-large', `File size exceeds allowed size of ${max} bytes`)
  }
  const _id = objectId()
  const upload = {
    _id,
    rid,
    userId: user._id,
    name: file.name,
    type: file.type || 'application/octet-stream',
    size: file.size,
    content: Buffer.from(await file.arrayBuffer()),
    url: `/file-upload/${_id}/${encodeURIComponent(file.name)}`,
    uploadedAt: isoNow(),
    confirmed: false
  }
  world.uploads.set(_id, upload)
  return { upload, form }
}

/** rooms.media/:rid (section 6.5): temporary upload, confirmed later. */
async function roomsMedia(/** @type {Ctx} */ ctx) {
  const { upload } = await acceptUpload(ctx, ctx.params[0])
  return { file: { _id: upload._id, url: upload.url } }
}

/** The file message: `file`, `files` and one attachment describing it. */
function fileMessageFields(upload, description) {
  const format = upload.name.includes('.') ? upload.name.split('.').pop() : ''
  const file = { _id: upload._id, name: upload.name, type: upload.type, size: upload.size, format }
  const attachment = {
    title: upload.name,
    title_link: upload.url,
    title_link_download: true,
    type: 'file',
    ...(description && { description })
  }
  const kind = upload.type.split('/')[0]
  if (kind === 'image')
    Object.assign(attachment, {
      image_url: upload.url,
      image_type: upload.type,
      image_size: upload.size
    })
  if (kind === 'audio')
    Object.assign(attachment, {
      audio_url: upload.url,
      audio_type: upload.type,
      audio_size: upload.size
    })
  if (kind === 'video')
    Object.assign(attachment, {
      video_url: upload.url,
      video_type: upload.type,
      video_size: upload.size
    })
  return { file, files: [file], attachments: [attachment] }
}

/** Turns a stored upload into a message via executeSendMessage (threads, permissions, size). */
function sendFileMessage(/** @type {Ctx} */ ctx, upload, fields) {
  const { world } = ctx
  const description = fields.description
  if (
    typeof description === 'string' &&
    description.length > world.settings.Message_MaxAllowedSize
  ) {
    throw meteorError('error-message-size-exceeded')
  }
  let customFields = fields.customFields
  if (typeof customFields === 'string') {
    try {
      customFields = JSON.parse(customFields)
    } catch {
      throw plainError('Invalid customFields')
    }
  }
  const message = removeNullish({
    rid: upload.rid,
    msg: fields.msg ?? '',
    ...fileMessageFields(upload, description),
    tmid: fields.tmid || undefined,
    alias: fields.alias,
    avatar: fields.avatar,
    emoji: fields.emoji,
    groupable: fields.groupable,
    customFields
  })
  const stored = executeSendMessage(ctx, message, undefined)
  upload.confirmed = true
  return stored
}

/** rooms.mediaConfirm/:rid/:fileId (section 6.5). */
function roomsMediaConfirm(/** @type {Ctx} */ ctx) {
  const { world, user, body } = ctx
  const [rid, fileId] = ctx.params
  const room = world.rooms.get(rid)
  if (!room || !canAccessRoom(world, room, user)) throw forbidden()
  const upload = world.uploads.get(fileId)
  if (!upload || upload.rid !== rid || upload.userId !== user._id || upload.confirmed)
    throw meteorError('invalid-file')
  return { message: sendFileMessage(ctx, upload, body ?? {}) }
}

/** rooms.upload/:rid, 6.x only (removed in 8.0): upload and message in one multipart call. */
async function roomsUpload(/** @type {Ctx} */ ctx) {
  const { upload, form } = await acceptUpload(ctx, ctx.params[0])
  const fields = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string'))
  return { message: sendFileMessage(ctx, upload, fields) }
}

/**
 * @typedef {object} RouteDef
 * @property {string} method
 * @property {number} [params] number of path parameters after the name
 * @property {boolean} auth
 * @property {'body'|'query'} [source] where the schema applies
 * @property {string} [schema] validator name
 * @property {ServerVersion[]} [versions] versions that have the route (default all)
 * @property {(ctx: Ctx) => any} handler
 */

/** @type {Record<string, RouteDef>} */
const ROUTES = {
  'chat.sendMessage': {
    method: 'POST',
    auth: true,
    source: 'body',
    schema: 'chat.sendMessage',
    handler: chatSendMessage
  },
  'chat.postMessage': {
    method: 'POST',
    auth: true,
    source: 'body',
    schema: 'chat.postMessage',
    handler: chatPostMessage
  },
  'chat.update': {
    method: 'POST',
    auth: true,
    source: 'body',
    schema: 'chat.update',
    handler: chatUpdate
  },
  'chat.getMessage': {
    method: 'GET',
    auth: true,
    source: 'query',
    schema: 'chat.getMessage',
    handler: chatGetMessage
  },
  'chat.react': {
    method: 'POST',
    auth: true,
    source: 'body',
    schema: 'chat.react',
    handler: chatReact
  },
  'rooms.info': { method: 'GET', auth: true, handler: roomsInfo },
  'rooms.get': { method: 'GET', auth: true, handler: roomsGet },
  'im.create': {
    method: 'POST',
    auth: true,
    source: 'body',
    schema: 'im.create',
    handler: imCreate
  },
  'dm.create': {
    method: 'POST',
    auth: true,
    source: 'body',
    schema: 'im.create',
    handler: imCreate
  },
  'settings.public': { method: 'GET', auth: false, handler: settingsPublic },
  'rooms.media': { method: 'POST', params: 1, auth: true, handler: roomsMedia },
  'rooms.mediaConfirm': { method: 'POST', params: 2, auth: true, handler: roomsMediaConfirm },
  'rooms.upload': { method: 'POST', params: 1, auth: true, versions: ['6'], handler: roomsUpload }
}

// ------------------------------------------------------------------------------------------------
// The pipeline of one /api/v1 request (section 1.2)

/** Resolves X-User-Id + X-Auth-Token to an active user, or undefined. */
function authenticate(world, headers) {
  const uid = headers['x-user-id']
  const token = headers['x-auth-token']
  if (typeof uid !== 'string' || typeof token !== 'string' || !uid || !token) return undefined
  const entry = world.tokens.get(token)
  if (!entry || entry.userId !== uid) return undefined
  const user = world.users.get(uid)
  return user?.active ? user : undefined
}

/** Validation error shape: legacy "<msgs> [invalid-params]", typed routes without the suffix. */
function validationError(messages, typed, source) {
  if (!typed) return meteorError('invalid-params', messages)
  const errorType = source === 'query' ? 'error-invalid-params' : 'invalid-params'
  return new ApiError(400, { success: false, errorType, error: messages })
}

function validate(ctx, route, typed) {
  if (!route.schema) return
  const validator = validatorFor(ctx.version, route.schema)
  const data = route.source === 'query' ? ctx.query : ctx.body
  if (!validator(data)) {
    throw validationError(validator.errors.map((e) => e.message).join('\n '), typed, route.source)
  }
}

/** Effective limiter options of a route, or null when it is not limited for this caller. */
function limiterFor(server, name, user) {
  const { world } = server
  if (!server.rateLimitEnabled || !world.settings.API_Enable_Rate_Limiter) return null
  if (server.version === 'develop' && name === 'chat.sendMessage') {
    if (user && hasPermission(world, user, 'send-many-messages')) return null
    return { limit: 5, intervalMs: 1000 }
  }
  if (user && hasPermission(world, user, 'api-bypass-rate-limit')) return null
  return {
    limit: world.settings.API_Enable_Rate_Limiter_Limit_Calls_Default,
    intervalMs: world.settings.API_Enable_Rate_Limiter_Limit_Time_Default
  }
}

/** Counts the call; sets the X-RateLimit-* headers on ctx; throws the 429. */
function enforceRateLimit(server, ctx, key, opts, createdAt) {
  const r = server.limiter.hit(key, ctx.ip, opts, createdAt)
  ctx.rateLimitHeaders = {
    'X-RateLimit-Limit': String(opts.limit),
    'X-RateLimit-Remaining': String(r.remaining),
    'X-RateLimit-Reset': String(r.resetAt)
  }
  if (!r.allowed) {
    const seconds = Math.ceil(r.timeToReset / 1000)
    throw meteorError(
      'error-too-many-requests',
      `Error, too many requests. Please slow down. You must wait ${seconds} seconds before trying this endpoint again.`
    )
  }
}

/** Runs a matched /api/v1 route: auth → (typed validation) → rate limit → validation → action. */
async function runApiRoute(server, ctx, name, route) {
  const { world, version } = server
  ctx.user = authenticate(world, ctx.headers)
  if (route.auth && !ctx.user) return jsonReply(401, unauthorizedBody(version))
  const typed = version === 'develop' && TYPED_IN_DEVELOP.has(name)
  try {
    if (typed) validate(ctx, route, true)
    const opts = limiterFor(server, name, ctx.user)
    const pattern = `/api/v1/${name}${':x'.repeat(route.params ?? 0)}`
    if (opts)
      enforceRateLimit(
        server,
        ctx,
        `${pattern}${route.method.toLowerCase()}`,
        opts,
        server.limiter.createdAt
      )
    if (!typed) validate(ctx, route, false)
    const result = await route.handler(ctx)
    return jsonReply(200, { ...result, success: true }, ctx.rateLimitHeaders)
  } catch (err) {
    return errorReply(err, ctx)
  }
}

function errorReply(err, ctx) {
  if (err instanceof ApiError)
    return jsonReply(err.status, err.body, { ...ctx.rateLimitHeaders, ...err.headers })
  // A bug in the fake, not a modelled behaviour: make it loud.
  console.error('[fake-rocketchat] internal error', err)
  return textReply(500, `fake-rocketchat internal error: ${err?.stack ?? err}`)
}

// ------------------------------------------------------------------------------------------------
// /api/info (section 8.1)

function apiInfo(server, ctx) {
  const info = VERSION_INFO[server.version]
  const user = authenticate(server.world, ctx.headers)
  if (user && hasPermission(server.world, user, 'view-statistics')) {
    return jsonReply(200, {
      version: info.full,
      info: {
        version: info.full,
        build: {
          date: '2026-01-01T00:00:00.000Z',
          nodeVersion: 'v22.16.0',
          arch: 'x64',
          platform: 'linux'
        },
        marketplaceApiVersion: '1.56.0',
        commit: { hash: '0000000000000000000000000000000000000000', branch: 'HEAD', tag: info.full }
      },
      minimumClientVersions: MIN_CLIENT_VERSIONS,
      success: true
    })
  }
  return jsonReply(200, {
    version: info.short,
    minimumClientVersions: MIN_CLIENT_VERSIONS,
    success: true
  })
}

// ------------------------------------------------------------------------------------------------
// Incoming webhooks (section 9)

/** Hook bodies: Slack's `payload=` form unwrapping, then the router's parsing (6.x parsed JSON always). */
function parseHookBody(server, ctx) {
  const contentType = ctx.headers['content-type']
  const text = ctx.raw.toString('utf8')
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = Object.fromEntries(new URLSearchParams(text))
    const keys = Object.keys(form)
    if (keys.length === 1) {
      try {
        return JSON.parse(keys[0] === 'payload' ? form.payload : keys[0])
      } catch (e) {
        throw new ApiError(400, { success: false, error: e.message })
      }
    }
  }
  if (server.version === '6' && text !== '' && !contentType?.includes('multipart/form-data')) {
    try {
      return JSON.parse(text)
    } catch {
      return parseBodyParams(contentType, text)
    }
  }
  return parseBodyParams(contentType, text)
}

/** Webhook errors: `failure(e.error || e.message)` → no brackets, no errorType. */
function hookErrorText(err) {
  if (err instanceof ApiError) return err.meteorError ?? err.body.error
  throw err
}

async function runHook(server, ctx, segments) {
  const { world, version } = server
  const [integrationId, ...rest] = segments
  let token = rest.at(-1) ?? ''
  try {
    token = decodeURIComponent(token)
  } catch {
    // keep it raw: it just won't match
  }
  const integration = world.integrations.get(integrationId)
  if (!integration || integration.token !== token) {
    // 6.x answers 404 JSON; 7.x/8.x throw from the auth middleware, which has no handler (inferred).
    if (version === '6')
      return jsonReply(404, { success: false, error: 'Invalid integration id or token provided.' })
    return textReply(500, 'Internal Server Error')
  }
  try {
    const limit = hookLimiter(server)
    if (limit)
      enforceRateLimit(server, ctx, `${ctx.path}${ctx.method.toLowerCase()}`, limit, Date.now())
    if (!integration.enabled)
      return jsonReply(503, { success: false, error: 'Service Unavailable' }, ctx.rateLimitHeaders)
    const body = ctx.method === 'GET' ? {} : parseHookBody(server, ctx)
    const result = executeHook(server, ctx, integration, body)
    return jsonReply(result.status, result.payload, ctx.rateLimitHeaders)
  } catch (err) {
    return errorReply(err, ctx)
  }
}

/** Webhooks cannot bypass the limiter (WebHookAPI ignores permissions). */
function hookLimiter(server) {
  const { settings } = server.world
  if (!server.rateLimitEnabled || !settings.API_Enable_Rate_Limiter) return null
  return {
    limit: settings.API_Enable_Rate_Limiter_Limit_Calls_Default,
    intervalMs: settings.API_Enable_Rate_Limiter_Limit_Time_Default
  }
}

/** `executeIntegrationRest` + `processWebhookMessage`. */
function executeHook(server, ctx, integration, body) {
  const { world } = server
  if (!body || typeof body !== 'object' || Object.keys(body).length === 0)
    return { status: 200, payload: { success: true } }
  if ((body.channel || body.roomId) && !integration.overrideDestinationChannelEnabled) {
    return {
      status: 400,
      payload: {
        success: false,
        error: 'overriding destination channel is disabled for this integration'
      }
    }
  }
  const user = world.users.get(integration.userId)
  const defaults = {
    alias: integration.alias,
    avatar: integration.avatar,
    emoji: integration.emoji
  }
  const targets = [...new Set(ensureArray(body.channel || body.roomId || integration.channel))]
  const fields = { ...body, bot: { i: integration._id } }
  delete fields.channel
  delete fields.roomId
  const deliver = (target) => {
    if (
      typeof fields.text === 'string' &&
      fields.text.length > world.settings.Message_MaxAllowedSize
    ) {
      throw meteorError('error-message-size-exceeded')
    }
    const room = resolveTarget(world, target, user)
    validateRoomMessagePermissions(world, room, user)
    return storeMessage(
      world,
      user,
      buildWebhookMessage(structuredClone(fields), defaults),
      room,
      undefined,
      ctx.emit
    )
  }
  if (body.separateResponse) {
    const responses = targets.map((channel) => {
      try {
        return { channel, message: deliver(channel) }
      } catch (err) {
        return { channel, error: hookErrorText(err) }
      }
    })
    const ok = responses.some((r) => r.message)
    return { status: ok ? 200 : 400, payload: { responses, success: ok } }
  }
  try {
    targets.forEach(deliver)
  } catch (err) {
    return { status: 400, payload: { success: false, error: hookErrorText(err) } }
  }
  return { status: 200, payload: { success: true } }
}

// ------------------------------------------------------------------------------------------------
// Routing

/** Name used to match faults: the /api/v1 route name, 'info' for /api/info, 'hooks' for webhooks. */
function routeNameOf(path) {
  if (path.startsWith('/api/v1/')) return path.slice('/api/v1/'.length).split('/')[0]
  if (path === '/api/info') return 'info'
  if (path.startsWith('/hooks/')) return 'hooks'
  return path
}

async function dispatch(server, ctx) {
  if (ctx.method === 'OPTIONS') return textReply(200, 'OK')
  const { path } = ctx
  if (path === '/api/info' && ctx.method === 'GET') return apiInfo(server, ctx)
  if (path.startsWith('/hooks/')) {
    const segments = path.slice('/hooks/'.length).split('/')
    if ((segments.length === 2 || segments.length === 3) && ['POST', 'GET'].includes(ctx.method)) {
      return runHook(server, ctx, segments)
    }
    return notFoundReply()
  }
  if (!path.startsWith('/api/v1/')) return notFoundReply()
  const [name, ...params] = path.slice('/api/v1/'.length).split('/')
  const route = Object.hasOwn(ROUTES, name) ? ROUTES[name] : undefined
  if (!route || route.method !== ctx.method || (route.params ?? 0) !== params.length)
    return notFoundReply()
  if (route.versions && !route.versions.includes(server.version)) return notFoundReply()
  ctx.params = params.map((p) => decodeURIComponent(p))
  ctx.body = parseBodyParams(ctx.headers['content-type'], ctx.raw.toString('utf8'))
  return runApiRoute(server, ctx, name, route)
}

// ------------------------------------------------------------------------------------------------
// Faults

const PRE_FAULTS = new Set(['reset-before', 'status', 'delay', 'hang', 'html'])
const POST_FAULTS = new Set(['reset-after', 'status-after', 'invalid-json'])

/** Default body of an injected status: nginx pages for gateway errors, Rocket.Chat JSON otherwise. */
function faultReply(server, fault, fallbackStatus) {
  const status = fault.status ?? fallbackStatus
  const headers = fault.headers ?? {}
  if (fault.kind === 'html' || (fault.body === undefined && [502, 503, 504].includes(status))) {
    return textReply(status, fault.body ?? nginxPage(status), fault.contentType ?? 'text/html', {
      Server: 'nginx',
      ...headers
    })
  }
  if (fault.body !== undefined) {
    return textReply(status, fault.body, fault.contentType ?? 'application/json', headers)
  }
  return jsonReply(status, defaultErrorBody(server, status), headers)
}

function defaultErrorBody(server, status) {
  switch (status) {
    case 401:
      return unauthorizedBody(server.version)
    case 403:
      return { success: false, error: 'unauthorized' }
    case 404:
      return { success: false, error: 'Resource not found' }
    case 429:
      return {
        success: false,
        error:
          'Error, too many requests. Please slow down. You must wait 60 seconds before trying this endpoint again. [error-too-many-requests]'
      }
    case 500:
      return {
        success: false,
        error: server.version === '6' ? 'Internal error occured' : 'Internal server error'
      }
    default:
      return { success: false, error: http.STATUS_CODES[status] ?? 'Error' }
  }
}

/** Takes the first queued fault for this route, consuming one of its `times`. */
function takeFault(server, routeName) {
  const index = server.faults.findIndex((f) => f.route === '*' || f.route === routeName)
  if (index < 0) return undefined
  const fault = server.faults[index]
  fault.remaining -= 1
  if (fault.remaining <= 0) server.faults.splice(index, 1)
  return fault
}

function validateFault(fault) {
  const kinds = [...PRE_FAULTS, ...POST_FAULTS]
  if (!fault || typeof fault.route !== 'string' || !kinds.includes(fault.kind)) {
    throw new TypeError(`inject(): need {route, kind} with kind one of ${kinds.join(', ')}`)
  }
  if (fault.kind === 'delay' && !(fault.ms >= 0)) throw new TypeError('inject(): delay needs ms')
}

// ------------------------------------------------------------------------------------------------
// HTTP plumbing

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** @param {import('node:http').ServerResponse} res @param {Reply} reply */
function send(res, reply) {
  if (res.destroyed || res.writableEnded) return
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(body.length) })
  res.end(body)
}

function destroySocket(req, res) {
  res.socket?.destroy()
  req.socket.destroy()
}

/**
 * Handles one HTTP exchange: record it, apply any fault, dispatch, apply post-faults, answer.
 * @param {any} server internal server state
 */
async function handle(server, req, res) {
  const url = new URL(req.url ?? '/', server.url)
  const raw = await readBody(req)
  const contentType = req.headers['content-type']
  /** @type {RequestRecord} */
  const record = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    body: recordedBody(contentType, raw.toString('utf8')),
    status: null
  }
  server.requests.push(record)
  server.events.emit('request', record)
  const fault = takeFault(server, routeNameOf(url.pathname))
  if (fault) record.fault = fault.kind
  if (fault?.kind === 'reset-before') return destroySocket(req, res)
  if (fault?.kind === 'hang') return // the socket stays open until the client gives up or close()
  if (fault?.kind === 'status' || fault?.kind === 'html')
    return finish(server, res, record, faultReply(server, fault, 502))
  if (fault?.kind === 'delay') await server.sleep(fault.ms)
  if (server.closed) return

  const ctx = {
    world: server.world,
    version: server.version,
    method: record.method,
    path: url.pathname,
    url: url.href,
    query: record.query,
    headers: req.headers,
    raw,
    ip: req.socket.remoteAddress ?? '',
    params: [],
    body: {},
    emit: (event, payload) => server.events.emit(event, payload)
  }
  const reply = await dispatch(server, ctx)
  if (fault?.kind === 'reset-after') return destroySocket(req, res)
  if (fault?.kind === 'status-after')
    return finish(server, res, record, faultReply(server, fault, 500))
  if (fault?.kind === 'invalid-json') {
    const text =
      fault.body ?? String(reply.body).slice(0, Math.max(1, Math.floor(reply.body.length / 2)))
    return finish(server, res, record, { status: 200, headers: { ...JSON_HEADERS }, body: text })
  }
  finish(server, res, record, reply)
}

function finish(server, res, record, reply) {
  record.status = reply.status
  send(res, reply)
  server.events.emit('response', record, reply)
}

/**
 * Starts a fake Rocket.Chat server.
 * @param {FakeOptions} [options]
 */
export async function startFakeRocketChat(options = {}) {
  const {
    version = '8',
    host = '127.0.0.1',
    port = 0,
    tls,
    rateLimit,
    settings = {},
    seed = true
  } = options
  assertVersion(version)
  const world = createWorld()
  if (seed) loadSeed(world)
  if (rateLimit) {
    world.settings.API_Enable_Rate_Limiter_Limit_Calls_Default = rateLimit.limit
    world.settings.API_Enable_Rate_Limiter_Limit_Time_Default = rateLimit.intervalMs
  }
  Object.assign(world.settings, settings)

  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set()
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()
  const state = {
    world,
    version,
    url: '',
    rateLimitEnabled: rateLimit !== false,
    limiter: new RateLimiter(),
    /** @type {Array<Fault & {remaining: number}>} */
    faults: [],
    /** @type {RequestRecord[]} */
    requests: [],
    events: new EventEmitter(),
    closed: false,
    sleep: (ms) =>
      new Promise((resolve) => {
        const t = setTimeout(() => {
          timers.delete(t)
          resolve(undefined)
        }, ms)
        timers.add(t)
      })
  }

  const onRequest = (req, res) => {
    handle(state, req, res).catch((err) => {
      console.error('[fake-rocketchat] request failed', err)
      if (!res.headersSent) send(res, textReply(500, 'fake-rocketchat internal error'))
    })
  }
  const server = tls
    ? https.createServer({ key: tls.key, cert: tls.cert }, onRequest)
    : http.createServer(onRequest)
  // Track raw TCP sockets too: closeAllConnections() does not see TLS handshakes still in flight.
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve(undefined))
  })
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address
  state.url = `${tls ? 'https' : 'http'}://${hostPart}:${address.port}`
  state.limiter.reset() // windows of API routes are anchored at server start

  return createHandle(state, server, sockets, timers)
}

function assertVersion(version) {
  if (!Object.hasOwn(VERSION_INFO, version))
    throw new TypeError(`version must be '8', '6' or 'develop', got ${version}`)
}

/** The public object tests use. */
function createHandle(state, server, sockets, timers) {
  const { world } = state
  return {
    /** Base URL, no trailing slash. */
    url: state.url,
    /** Every stored message by _id, as the database holds it. */
    messages: world.messages,
    /** Uploaded files by _id (rooms.media / rooms.upload), with `content` as a Buffer. */
    uploads: world.uploads,
    users: world.users,
    rooms: world.rooms,
    integrations: world.integrations,
    settings: world.settings,
    permissions: world.permissions,
    /** Every request received, in arrival order. */
    requests: state.requests,
    get version() {
      return state.version
    },
    /** Stored messages of a room, in insertion order. */
    messagesIn(roomId) {
      return [...world.messages.values()].filter((m) => m.rid === roomId)
    },
    /** Queues a fault; see the Fault typedef. */
    inject(/** @type {Fault} */ fault) {
      validateFault(fault)
      state.faults.push({ ...fault, remaining: fault.times ?? 1 })
    },
    /** Drops queued faults that have not fired. */
    clearFaults() {
      state.faults.length = 0
    },
    setVersion(/** @type {ServerVersion} */ version) {
      assertVersion(version)
      state.version = version
    },
    setSetting(id, value) {
      world.settings[id] = value
    },
    /** Grants a permission to exactly these roles. */
    setPermission(permission, roles) {
      world.permissions[permission] = [...roles]
    },
    /** Forgets all rate-limit counters; windows restart now. */
    resetRateLimits() {
      state.limiter.reset()
    },
    /** @param {{_id?: string, username: string, name?: string, roles?: string[], active?: boolean, token?: string}} user */
    addUser(user) {
      return addUserTo(world, user)
    },
    /**
     * @param {{_id?: string, t?: 'c'|'p'|'d', name?: string, fname?: string, ro?: boolean, encrypted?: boolean,
     *   archived?: boolean, muted?: string[], blocked?: boolean, members?: string[], [key: string]: unknown}} room
     *   members are user ids or usernames
     */
    addRoom(room) {
      return addRoomTo(world, room)
    },
    /** Deletes a room; rooms.get?updatedSince= lists it in `remove`. */
    removeRoom(rid) {
      world.rooms.delete(rid)
      for (const [key, sub] of world.subscriptions)
        if (sub.rid === rid) world.subscriptions.delete(key)
      world.deletedRooms.push({ _id: rid, _deletedAt: isoNow() })
    },
    /** Subscribes a user (id or username) to a room. */
    subscribe(rid, userRef) {
      const user = resolveUserRef(world, userRef)
      if (!user) throw new Error(`subscribe: unknown user ${userRef}`)
      subscribe(world, rid, user._id)
    },
    isSubscribed(rid, userRef) {
      const user = resolveUserRef(world, userRef)
      return !!user && isSubscribed(world, rid, user._id)
    },
    /**
     * @param {{_id?: string, token?: string, userId: string, channel: string|string[], enabled?: boolean,
     *   overrideDestinationChannelEnabled?: boolean, alias?: string, emoji?: string, avatar?: string}} integration
     */
    addIntegration(integration) {
      return addIntegrationTo(world, integration)
    },
    /** Adds a custom emoji name accepted by chat.react. */
    addEmoji(name) {
      world.emoji.add(name.replace(/^:|:$/g, ''))
    },
    /**
     * Events: 'request' (record) on arrival, 'response' (record, reply) when answered,
     * 'message' (message) when stored, 'message-updated' (message) after chat.update.
     */
    on(event, listener) {
      state.events.on(event, listener)
      return this
    },
    off(event, listener) {
      state.events.off(event, listener)
      return this
    },
    /** Stops listening and destroys every socket, including hung and delayed exchanges. */
    async close() {
      if (state.closed) return
      state.closed = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
      const closed = new Promise((resolve) => server.close(() => resolve(undefined)))
      for (const socket of sockets) socket.destroy()
      server.closeAllConnections?.()
      await closed
    }
  }
}

/** @typedef {Awaited<ReturnType<typeof startFakeRocketChat>>} FakeRocketChat */

export { SEED } from './seed.mjs'
