// @ts-check
/**
 * `executeSendMessage`, the step between the chat.sendMessage / rooms.mediaConfirm routes and
 * `sendMessage()` (messages.mjs): threads, client `ts`, size, room and E2E checks.
 *
 * Sources (RocketChat/Rocket.Chat): `apps/meteor/app/lib/server/methods/sendMessage.ts` at 026bdc00
 * (7.x/8.x) and `apps/meteor/server/meteor-methods/messages/sendMessage.ts` at 006388d1 (develop: the
 * empty-message check); `apps/meteor/app/authorization/server/functions/canSendMessage.ts` at 03b3ef89.
 */
import { meteorError, plainError } from './errors.mjs'
import { validateRoomMessagePermissions } from './permissions.mjs'
import { storeMessage } from './messages.mjs'
import { isoNow } from './helpers.mjs'

/** @typedef {import('./types.mjs').AuthedCtx} AuthedCtx */
/** @typedef {import('./state.mjs').Message} Message */

/**
 * `executeSendMessage` of the sendMessage methods file; also used by rooms.mediaConfirm.
 * @param {AuthedCtx} ctx
 * @param {Message} message
 * @param {unknown} previewUrls
 * @returns {Message|undefined}
 */
export function executeSendMessage(ctx, message, previewUrls) {
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
  // Undefined when nothing was stored (an app prevented it, or the `_id` exists): each route
  // answers that its own way.
  return storeMessage(world, user, message, room, previewUrls, ctx.emit)
}

/**
 * Client `ts`: > 60 s off is an error, > 10 s off is replaced, otherwise kept.
 * @param {Message} message
 */
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
