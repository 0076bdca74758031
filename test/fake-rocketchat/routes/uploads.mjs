// @ts-check
/**
 * rooms.media, rooms.mediaConfirm and (6.x only) rooms.upload.
 *
 * Sources (RocketChat/Rocket.Chat): `apps/meteor/server/api/v1/rooms.ts` at 04f79fdd (the confirm:
 * the upload is found by id, user and room with no "already confirmed" condition, so a second
 * confirm of the same file posts a second message and answers 200; the answer's message is
 * `Messages.getMessageByFileIdAndUsername`, a `findOne` by `file._id` and user, null when an app
 * prevented the message); `apps/meteor/app/file-upload/server/methods/sendFileMessage.ts` at
 * 0085ab5e (`msgData` is checked against a closed pattern: no client `_id`);
 * `apps/meteor/app/api/server/lib/getUploadFormData.ts` at aa405742 (an over-size file:
 * `MeteorError('error-file-too-large')`, no reason). rooms.upload is declared by npm
 * `@rocket.chat/rest-typings` 6.13.1 and gone from 8.0.0 (EmbeddedChat issues #1069 and #1173).
 */
import { forbidden, meteorError, plainError } from '../errors.mjs'
import { matchError, typeName } from '../attachments.mjs'
import { canAccessRoom } from '../permissions.mjs'
import { executeSendMessage } from '../send-message.mjs'
import { isoNow, objectId, removeNullish } from '../helpers.mjs'

/** @typedef {import('../types.mjs').AuthedCtx} AuthedCtx */
/** @typedef {import('../types.mjs').RouteDef} RouteDef */
/** @typedef {import('../state.mjs').Upload} Upload */

/** Multipart body through the web Request API (Node's undici). @param {AuthedCtx} ctx */
async function readForm(ctx) {
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

/**
 * Stores an uploaded file (not yet a message) and returns its record.
 * @param {AuthedCtx} ctx
 * @param {string} rid
 */
async function acceptUpload(ctx, rid) {
  const { world, user } = ctx
  const room = world.rooms.get(rid)
  if (!room || !canAccessRoom(world, room, user)) throw forbidden()
  const form = await readForm(ctx)
  const file = form.get('file')
  if (!file || typeof file === 'string')
    throw meteorError('error-no-file-uploaded', 'No file was uploaded')
  const max = world.settings.FileUpload_MaxFileSize
  if (max >= 0 && file.size > max) throw meteorError('error-file-too-large')
  const _id = objectId()
  /** @type {Upload} */
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

/** rooms.media/:rid: temporary upload, confirmed later. @param {AuthedCtx} ctx */
async function roomsMedia(ctx) {
  const { upload } = await acceptUpload(ctx, ctx.params[0])
  return { file: { _id: upload._id, url: upload.url } }
}

/**
 * The file message: `file`, `files` and one attachment describing it.
 * @param {Upload} upload
 * @param {any} description
 */
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

/** `sendFileMessage`'s `check(msgData, Match.Maybe({...}))`: these keys and no others. */
const MSG_DATA = {
  avatar: 'string',
  emoji: 'string',
  alias: 'string',
  groupable: 'boolean',
  msg: 'string',
  tmid: 'string',
  customFields: 'string',
  t: 'string',
  content: 'object'
}

/**
 * Meteor's check of a closed object pattern: an unknown key (a client `_id` too) or a wrong type
 * fails before anything is stored.
 * @param {Record<string, any>} msgData
 */
function checkMsgData(msgData) {
  for (const [key, value] of Object.entries(msgData)) {
    const type = MSG_DATA[/** @type {keyof typeof MSG_DATA} */ (key)]
    if (!type) throw matchError(`Unknown key in field ${key}`, false)
    if (value !== undefined && typeName(value) !== type)
      throw matchError(`Expected ${type}, got ${typeName(value)} in field ${key}`, false)
  }
}

/**
 * Turns a stored upload into a message via executeSendMessage (threads, permissions, size).
 * Returns undefined when nothing was stored (an app prevented it).
 * @param {AuthedCtx} ctx
 * @param {Upload} upload
 * @param {Record<string, any>} fields description, fileName, fileContent for the upload, the rest is msgData
 */
function sendFileMessage(ctx, upload, fields) {
  const { world } = ctx
  const { description, fileName, fileContent, ...msgData } = fields
  void fileName
  void fileContent
  checkMsgData(msgData)
  if (
    typeof description === 'string' &&
    description.length > world.settings.Message_MaxAllowedSize
  ) {
    throw meteorError('error-message-size-exceeded')
  }
  let customFields = msgData.customFields
  if (typeof customFields === 'string') {
    try {
      customFields = JSON.parse(customFields)
    } catch {
      throw plainError('Invalid customFields')
    }
  }
  const message = removeNullish({
    rid: upload.rid,
    msg: msgData.msg ?? '',
    ...fileMessageFields(upload, description),
    tmid: msgData.tmid || undefined,
    alias: msgData.alias,
    avatar: msgData.avatar,
    emoji: msgData.emoji,
    groupable: msgData.groupable ?? false,
    customFields
  })
  executeSendMessage(ctx, message, undefined)
  upload.confirmed = true
  return fileMessageOf(ctx, upload)
}

/**
 * `Messages.getMessageByFileIdAndUsername`: the first message with this file by this user, or
 * null (the real `findOne` picks one; the first stored is assumed, inferred).
 * @param {AuthedCtx} ctx
 * @param {Upload} upload
 */
function fileMessageOf(ctx, upload) {
  for (const message of ctx.world.messages.values()) {
    if (message.file?._id === upload._id && message.u?._id === ctx.user._id) return message
  }
  return null
}

/** rooms.mediaConfirm/:rid/:fileId. @param {AuthedCtx} ctx */
function roomsMediaConfirm(ctx) {
  const { world, user, body } = ctx
  const [rid, fileId] = ctx.params
  const room = world.rooms.get(rid)
  if (!room || !canAccessRoom(world, room, user)) throw forbidden()
  const upload = world.uploads.get(fileId)
  // No "already confirmed" condition: a second confirm posts the file again, as the real one does.
  if (!upload || upload.rid !== rid || upload.userId !== user._id) throw meteorError('invalid-file')
  return { message: sendFileMessage(ctx, upload, body ?? {}) }
}

/** rooms.upload/:rid, 6.x only (removed in 8.0): upload and message in one multipart call. @param {AuthedCtx} ctx */
async function roomsUpload(ctx) {
  const { upload, form } = await acceptUpload(ctx, ctx.params[0])
  const fields = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string'))
  return { message: sendFileMessage(ctx, upload, fields) }
}

/** @type {Record<string, RouteDef>} */
export const UPLOAD_ROUTES = {
  'rooms.media': { method: 'POST', params: 1, auth: true, handler: roomsMedia },
  'rooms.mediaConfirm': { method: 'POST', params: 2, auth: true, handler: roomsMediaConfirm },
  'rooms.upload': { method: 'POST', params: 1, auth: true, versions: ['6'], handler: roomsUpload }
}
