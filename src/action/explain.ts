import { PartialDeliveryError } from '../delivery/deliver.js'
import { quote } from '../errors.js'
import { RocketChatError } from '../rocketchat/errors.js'
import { FileTooLargeError, UploadError } from '../rocketchat/uploads.js'

export interface FailureContext {
  /** The room as the user gave it, for messages. */
  room?: string
  /** Whether the message used alias or avatar (which need message-impersonate). */
  impersonates?: boolean
}

/**
 * Turns a server refusal into a sentence that says what to fix. Errors that are not
 * server refusals keep their own message.
 */
export function explainFailure(error: unknown, context: FailureContext = {}): string {
  // What happened before the failure, then the failure itself, explained.
  if (error instanceof PartialDeliveryError) {
    const { action, message } = error.delivery
    const what = error.what ? ` ${error.what}` : ''
    return `The message was ${action} (id ${message._id}), but${what}: ${explainFailure(error.cause, context)}`
  }
  if (error instanceof UploadError) {
    return `Could not upload ${quote(error.file.shown)}: ${explainFailure(error.cause, context)}`
  }
  if (error instanceof FileTooLargeError) return `Input "files": ${error.message}`
  if (!(error instanceof RocketChatError))
    return error instanceof Error ? error.message : String(error)
  const said = error.serverError ? ` ("${error.serverError}")` : ''
  const room = context.room ?? 'the room'
  const status = `HTTP ${error.status}${error.serverError ? `: "${error.serverError}"` : ''}`
  if (error.status === 401) {
    return `Rocket.Chat refused the credentials (${status}). Check that auth-token is a valid personal access token of the user whose id is in user-id, and that it has not expired or been revoked.`
  }
  if (error.serverError === 'Not enough permission') {
    return context.impersonates
      ? `The user may not post with alias or avatar${said}: that needs the message-impersonate permission, which the bot role has. Give the user the bot role, or drop alias and avatar.`
      : `The user lacks a permission ${error.endpoint} needs${said}.`
  }
  // Several refusals share the error-not-allowed type; only the bare text means membership.
  if (error.serverError === 'not-allowed [error-not-allowed]') {
    return `The server refused a thread reply${said}: threads are turned off on this server (Threads_enabled). Drop thread-id, key-mode: thread and long-message: split.`
  }
  if (/un-encrypted/.test(error.serverError)) {
    return `${room} is end-to-end encrypted and refuses unencrypted messages${said}: this action cannot post there.`
  }
  if (error.serverError === 'error-not-allowed') {
    return `The user is not allowed to post in ${room}${said}: it is a private room or direct message the user is not a member of. Invite the user to the room.`
  }
  if (
    error.errorType === 'error-message-size-exceeded' ||
    error.serverError === 'error-message-size-exceeded'
  ) {
    return `The message is longer than the server allows${said}: the limit is the server's Message_MaxAllowedSize setting (5000 characters by default). Set long-message to split or truncate, or max-message-length to the server's limit.`
  }
  if (error.errorType === 'error-room-archived') {
    return `${room} is archived${said}: nobody can post there. Unarchive it in the room's settings, or post to another room.`
  }
  if (error.serverError === 'error-invalid-room') {
    return `The room ${room} no longer exists on the server${said}.`
  }
  if (/room is readonly/.test(error.serverError)) {
    return `${room} is read-only${said}: only users with the post-readonly permission (owners, moderators, admins) can post there.`
  }
  if (error.serverError === 'You_have_been_muted') {
    return `The user is muted in ${room}${said}. Unmute the user in the room's settings.`
  }
  if (error.serverError === 'Invalid href value provided') {
    return `The server refused a link in the attachments${said}: URL fields must be absolute http(s) URLs.`
  }
  if (error.status === 403) {
    return `Rocket.Chat refused ${error.endpoint} (${status}): the user lacks the permission for it.`
  }
  return error.message
}
