import { quote } from '../errors.js'
import type { Content } from '../message/content.js'
import { fitText, TooLongError, type Fitted } from '../message/fit.js'
import { DEFAULT_MAX_LENGTH } from '../message/length.js'
import { megabytes, type LocalFile } from '../rocketchat/uploads.js'
import { webhookBody } from '../rocketchat/webhook.js'
import type { DeliveryOptions } from './options.js'
import { outgoing, restDraft, webhookMessage } from './outgoing.js'

/**
 * What a dry run prints: the request a real run would make, built by the same functions as
 * the real send (outgoing, restDraft, webhookMessage), with the room left as given.
 */
export function dryRunReport(
  options: DeliveryOptions,
  content: Content,
  files: LocalFile[] = [],
  runUrl = ''
): string {
  const header = 'Dry run: nothing is sent. This request would be made:'
  const { fitted, note } = fitForDryRun(options, content.text, runUrl)
  const message = outgoing(options, content, fitted.parts[0])
  if (options.webhook) {
    const body = webhookBody(webhookMessage(message))
    // The path holds the webhook's token: never printed.
    const url = `${options.webhook.server.href.replace(/\/$/, '')}/hooks/***`
    return [`${header}\nPOST ${url}\n${JSON.stringify(body, null, 2)}`, note]
      .filter(Boolean)
      .join('\n')
  }
  const rid = options.room
    ? `(room ${options.room.given}, resolved when sending)`
    : '(the room of update-message-id)'
  const _id = options.updateMessageId
    ? options.updateMessageId
    : options.messageKey
      ? `(derived from message-key ${quote(options.messageKey)} and the room)`
      : '(generated per message)'
  const { previewUrls, ...draft } = restDraft(message, rid)
  const body = { message: { _id, ...draft }, ...(previewUrls && { previewUrls }) }
  const url = `${options.serverUrl.href.replace(/\/$/, '')}/api/v1/chat.sendMessage`
  const notes = [
    note,
    options.updateMessageId &&
      'update-message-id: only the text is sent, with chat.update, to the message with this id.',
    options.messageKey &&
      (options.keyMode === 'thread'
        ? 'message-key, thread mode: the first step posts this message; later steps post it as a reply in its thread.'
        : 'message-key, update mode: the first step posts this message; later steps update its text with chat.update.'),
    message.blocks?.length &&
      (options.updateMessageId || (options.messageKey && options.keyMode === 'update')) &&
      "The blocks are not sent when the message already exists: chat.update changes only the text, which Rocket.Chat's web client does not show for a message with blocks.",
    options.reaction && `Then the reaction ${options.reaction} is added.`,
    files.length &&
      `Then ${files.length} file${files.length === 1 ? ' is' : 's are'} uploaded: ${files.map((f) => `${quote(f.shown)} (${megabytes(f.size)})`).join(', ')}.`
  ].filter(Boolean)
  return [`${header}\nPOST ${url}\n${JSON.stringify(body, null, 2)}`, ...notes].join('\n')
}

// A dry run asks the server nothing: the limit is max-message-length or the default, and a
// text over it is reported, not refused, since the server's own limit may be higher.
function fitForDryRun(
  options: DeliveryOptions,
  text: string,
  runUrl: string
): { fitted: Fitted; note?: string } {
  const limit = options.maxMessageLength ?? DEFAULT_MAX_LENGTH
  const assumed =
    options.maxMessageLength === undefined
      ? ` (the default limit; a real run reads the server's Message_MaxAllowedSize)`
      : ''
  try {
    const fitted = fitText(text, limit, options.longMessage, runUrl, options.maxParts)
    const parts =
      fitted.parts.length > 1 ? ` Only the first of ${fitted.parts.length} parts is shown.` : ''
    return { fitted, note: fitted.note && `${fitted.note}${assumed}${parts}` }
  } catch (error) {
    if (!(error instanceof TooLongError)) throw error
    return {
      fitted: { parts: [text], cut: false },
      note: `A real run would fail if the server's limit is ${limit}${assumed}: ${error.message}`
    }
  }
}
