import { withPreviewUrls } from './api.js'
import type { RocketChatClient } from './client.js'
import { RocketChatError } from './errors.js'
import type { Message } from './types.js'

/**
 * Replaces the text of a message with `chat.update`. Only the text: the endpoint refuses
 * attachments, alias and emoji, so a message keeps the ones it was posted with.
 *
 * Safe to retry: sending the same text again changes nothing, and when two steps update one
 * message the last to arrive wins, whichever attempt it was.
 */
export async function updateMessage(
  client: RocketChatClient,
  target: { roomId: string; msgId: string },
  text: string,
  previewUrls?: string[]
): Promise<Message> {
  try {
    const { message } = await withPreviewUrls(client, previewUrls, (extra) =>
      client.post<{ message: Message }>('chat.update', {
        roomId: target.roomId,
        msgId: target.msgId,
        text,
        ...extra
      })
    )
    return message
  } catch (error) {
    throw explainEditRefusal(error, target.msgId)
  }
}

/**
 * Adds `emoji` (`:name:` or `name`) as the user's reaction to a message. `shouldReact: true`
 * only ever adds: without it the server toggles, and a retried or repeated step would take
 * the reaction away again.
 */
export async function addReaction(
  client: RocketChatClient,
  messageId: string,
  emoji: string
): Promise<void> {
  try {
    await client.post('chat.react', { messageId, emoji, shouldReact: true })
  } catch (error) {
    // Its errorType is error-not-allowed, which elsewhere means "not a member of the room".
    if (error instanceof RocketChatError && /Invalid emoji/.test(error.serverError)) {
      throw new Error(
        `The server does not know the emoji ${emoji} (reaction). Use a short code the server's emoji picker offers, or a custom emoji's name.`,
        { cause: error }
      )
    }
    throw error
  }
}

function explainEditRefusal(error: unknown, msgId: string): unknown {
  if (!(error instanceof RocketChatError)) return error
  const said = `("${error.serverError}")`
  if (error.errorType === 'error-action-not-allowed') {
    return new Error(
      `The server does not let this user edit the message ${msgId} ${said}: Message_AllowEditing is off, or the message is another user's and this user lacks the edit-message permission.`,
      { cause: error }
    )
  }
  if (error.errorType === 'error-message-editing-blocked') {
    return new Error(
      `The message ${msgId} is too old to edit ${said}: the server blocks edits after Message_AllowEditing_BlockEditInMinutes, unless the user has bypass-time-limit-edit-and-delete.`,
      { cause: error }
    )
  }
  return error
}
