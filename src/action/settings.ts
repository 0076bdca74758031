import { readFileSync } from 'node:fs'
import type { DeliveryOptions, KeyMode } from '../delivery/options.js'
import { InputError, quote } from '../errors.js'
import { parseAttachmentsInput, type Attachment } from '../message/attachments.js'
import { parseBlocksInput, type Block } from '../message/blocks.js'
import type { AllowedMentions, Layout, LinkPreviews, Preset } from '../message/content.js'
import type { LongMessage } from '../message/fit.js'
import { proxyUrl, ProxyUrlError, redactProxyText } from '../rocketchat/proxy.js'
import type { RoomRef } from '../rocketchat/types.js'
import { parseWebhookUrl, WebhookUrlError, type Webhook } from '../rocketchat/webhook.js'
import {
  SETTING_NAMES,
  readBoolean,
  readChoice,
  readInteger,
  readOptionalInteger,
  type GetInput
} from './inputs.js'

/** Every input, read once, validated and typed; what delivery needs is a part of it. */
export interface Settings extends DeliveryOptions {
  message: string
  attachments?: Attachment[]
  blocks?: Block[]
  alias: string
  /** Paths and globs in the workspace, one per line of the input. */
  files: string[]
  filesMaxBytes: number
  template: boolean
  templateFile: string
  /** Names and globs of the variables templates may read (template-env). */
  templateEnv: string[]
  preset: Preset
  layout: Layout
  status: string
  /** For preset run: reads the jobs of this run from GitHub. */
  githubToken: string
  mention: string
  mentionIf: string[]
  allowedMentions: AllowedMentions
  linkPreviews: LinkPreviews
  failOnError: boolean
  dryRun: boolean
  /** Problems worth a warning that do not stop the step. */
  warnings: string[]
}

/**
 * Reads and validates every input. `getInput` must return raw values; the secret is
 * masked by the caller before anything can be printed.
 */
export function readSettings(getInput: GetInput): Settings {
  // The secrets are read first so that they are masked before any other input can fail.
  const authToken = getInput('auth-token')
  const webhookUrl = getInput('webhook-url')
  // Read early, so that run() can honour it even when another input is bad.
  const failOnError = readBoolean(getInput, 'fail-on-error')
  try {
    return readRest(getInput, authToken, webhookUrl, failOnError)
  } catch (error) {
    if (error instanceof InputError) error.failOnError = failOnError
    throw error
  }
}

function readRest(
  getInput: GetInput,
  authToken: string,
  webhookUrl: string,
  failOnError: boolean
): Settings {
  const warnings: string[] = []
  const dryRun = readBoolean(getInput, 'dry-run')

  const userId = getInput('user-id')
  const webhook = webhookUrl ? readWebhookUrl(webhookUrl) : undefined
  if (webhook) {
    for (const [input, given] of [
      ['auth-token', authToken],
      ['user-id', userId]
    ]) {
      if (given) {
        throw new InputError(
          input,
          'cannot be used with webhook-url: give auth-token and user-id to post through the REST API, or webhook-url alone.'
        )
      }
    }
  } else if (!dryRun) {
    if (!authToken)
      throw new InputError(
        'auth-token',
        'is required (or webhook-url): a personal access token of the posting user.'
      )
    if (!userId)
      throw new InputError('user-id', 'is required: the id of the user the token belongs to.')
  }

  const insecure = readBoolean(getInput, 'allow-insecure-http')
  const serverUrl = webhook
    ? webhookServer(webhook, getInput('server-url'), warnings, insecure)
    : readServerUrl(getInput('server-url'), warnings, insecure)
  const threadId = getInput('thread-id')
  const messageKey = readMessageKey(getInput('message-key'))
  const keyMode = readChoice(getInput, 'key-mode')
  const updateMessageId = readUpdateMessageId(getInput('update-message-id'))
  const longMessage = readChoice(getInput, 'long-message')
  checkAddressing({ messageKey, keyMode, updateMessageId, threadId, longMessage })
  const threadBroadcast = readBoolean(getInput, 'thread-broadcast')
  if (threadBroadcast && !threadId && !(messageKey && keyMode === 'thread')) {
    throw new InputError(
      'thread-broadcast',
      'is true but thread-id is empty: broadcast only applies to a thread reply (thread-id, or message-key with key-mode thread).'
    )
  }
  const rawRoom = getInput('room')
  if (webhook && rawRoom) {
    throw new InputError(
      'room',
      "cannot be used with webhook-url: a webhook posts to its integration's channel (Administration > Integrations), and the server refuses another unless the integration allows overriding it. Remove room, or use auth-token and user-id to choose the room."
    )
  }
  // update-message-id alone: the message's room, found from the message.
  const room = webhook || (updateMessageId && !rawRoom) ? undefined : readRoom(rawRoom)
  const reaction = readEmoji(getInput('reaction'), 'reaction')
  const files = getInput('files')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
  const layout = readChoice(getInput, 'layout')
  const preset = readChoice(getInput, 'preset')
  if (preset === 'run' && layout === 'blocks') {
    refuseUpdatedBlocks(
      messageKey && keyMode === 'update' ? 'message-key' : updateMessageId && 'update-message-id'
    )
  }
  const blocks = parseBlocksInput(getInput('blocks'))
  if (webhook) {
    refuseWithWebhook({
      blocks: blocks ? 'given' : '',
      layout: layout === 'blocks' ? 'blocks' : '',
      'message-key': messageKey,
      'update-message-id': updateMessageId,
      reaction,
      files: files.join(','),
      'thread-broadcast': threadBroadcast ? 'true' : '',
      'long-message': longMessage === 'split' ? 'split' : ''
    })
  }
  const avatar = getInput('avatar')
  if (avatar && /^\s*javascript:/i.test(avatar)) {
    throw new InputError('avatar', `${quote(avatar)} is not an image URL.`)
  }

  return {
    serverUrl,
    authToken,
    userId,
    room,
    message: getInput('message'),
    attachments: parseAttachmentsInput(getInput('attachments')),
    blocks,
    alias: getInput('alias'),
    emoji: readEmoji(getInput('emoji')),
    avatar,
    threadId,
    threadBroadcast,
    messageKey,
    keyMode,
    updateMessageId,
    reaction,
    files,
    filesMaxBytes: readInteger(getInput, 'files-max-mb') * 1024 * 1024,
    webhook,
    template: readBoolean(getInput, 'template'),
    templateFile: getInput('template-file'),
    templateEnv: readTemplateEnv(getInput('template-env')),
    preset,
    layout,
    status: getInput('status').toLowerCase(),
    githubToken: getInput('github-token'),
    mention: getInput('mention'),
    mentionIf: readMentionIf(getInput('mention-if')),
    allowedMentions: readChoice(getInput, 'allowed-mentions'),
    linkPreviews: readChoice(getInput, 'link-previews'),
    retries: readInteger(getInput, 'retries'),
    timeoutMs: readInteger(getInput, 'timeout-seconds') * 1000,
    proxy: readProxy(getInput('proxy')),
    caCert: readCaCert(getInput('ca-cert')),
    longMessage,
    maxMessageLength: readOptionalInteger(getInput, 'max-message-length'),
    maxParts: readInteger(getInput, 'max-parts'),
    failOnError,
    dryRun,
    warnings,
    names: SETTING_NAMES
  }
}

/** Variable names or `*` / `?` globs, one per line or comma-separated. */
function readTemplateEnv(raw: string): string[] {
  const names = raw
    .split(/[\n,]/)
    .map((name) => name.trim())
    .filter(Boolean)
  for (const name of names) {
    if (!/^[^\s=]+$/.test(name)) {
      throw new InputError(
        'template-env',
        `${quote(name)} is not a variable name or glob. Expected names such as DEPLOY_ENV or DEPLOY_*, one per line or comma-separated.`
      )
    }
  }
  return names
}

function readWebhookUrl(raw: string): Webhook {
  try {
    return parseWebhookUrl(raw)
  } catch (error) {
    if (error instanceof WebhookUrlError) throw new InputError('webhook-url', error.message)
    throw error
  }
}

function readServerUrl(raw: string, warnings: string[], insecure: boolean): URL {
  if (!raw) throw new InputError('server-url', 'is required, for example https://chat.example.com.')
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InputError(
      'server-url',
      `${quote(raw)} is not a URL. Expected for example https://chat.example.com.`
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(
      'server-url',
      `${quote(raw)} uses ${url.protocol.slice(0, -1)}; only http and https are supported.`
    )
  }
  if (url.username || url.password) {
    throw new InputError(
      'server-url',
      'must not contain credentials; pass the token in auth-token.'
    )
  }
  if (url.search || url.hash) {
    // Not quoted: a query string is where people put tokens.
    throw new InputError(
      'server-url',
      `has a query (?…) or fragment (#…); give the server's base URL only, for example ${url.origin}${url.pathname}.`
    )
  }
  // "//" in the path would later read as a protocol-relative URL and send the token elsewhere.
  url.pathname = url.pathname.replace(/\/{2,}/g, '/').replace(/\/+$/, '')
  checkPlainHttp('server-url', url, warnings, insecure)
  return url
}

// The webhook URL names the server; server-url may repeat it, not contradict it.
function webhookServer(webhook: Webhook, raw: string, warnings: string[], insecure: boolean): URL {
  checkPlainHttp('webhook-url', webhook.server, warnings, insecure)
  if (raw) {
    const given = readServerUrl(raw, [], insecure)
    if (given.href.replace(/\/$/, '') !== webhook.server.href.replace(/\/$/, '')) {
      throw new InputError(
        'server-url',
        `${quote(raw)} is not the server of webhook-url (${webhook.server.host}). Leave server-url empty with webhook-url.`
      )
    }
  }
  return webhook.server
}

// Anyone on the network path between the runner and the server reads what plain http sends:
// the token and user id in every request's headers, or the webhook's token in its path.
function checkPlainHttp(input: string, url: URL, warnings: string[], insecure: boolean): void {
  if (url.protocol !== 'http:' || isLoopback(url.hostname)) return
  const [what, travels] =
    input === 'webhook-url'
      ? ["the webhook's token", 'travels']
      : ['auth-token and user-id', 'travel']
  if (insecure) {
    warnings.push(
      `${input} uses plain http to ${url.hostname} (allow-insecure-http is true): ${what} ${travels} in clear text. Use https.`
    )
    return
  }
  throw new InputError(
    input,
    `uses plain http to ${url.hostname}: ${what} would travel in clear text, for anyone on the network path to read and post as this user. Use https://${url.host}${url.pathname === '/' ? '' : '…'}; if the network is trusted and the server has no https, set allow-insecure-http: true.`
  )
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

function readRoom(raw: string): RoomRef {
  if (!raw) {
    throw new InputError('room', 'is required: #channel, a room name, @username or a room id.')
  }
  if (/\s/.test(raw) && /^[#@]/.test(raw)) {
    throw new InputError(
      'room',
      `${quote(raw)} contains white space; channel names and usernames cannot. A display name goes without # or @.`
    )
  }
  if (raw.startsWith('#')) {
    if (raw.length === 1)
      throw new InputError('room', '"#" needs a channel name after it, for example #general.')
    return { kind: 'name', name: raw.slice(1), given: raw }
  }
  if (raw.startsWith('@')) {
    if (raw.length === 1)
      throw new InputError('room', '"@" needs a username after it, for example @alice.')
    return { kind: 'user', username: raw.slice(1), given: raw }
  }
  return { kind: 'id-or-name', value: raw, given: raw }
}

function readEmoji(raw: string, input = 'emoji'): string {
  if (!raw) return ''
  const name = raw.replace(/^:|:$/g, '')
  if (!/^[\w+-]+$/.test(name)) {
    throw new InputError(
      input,
      `${quote(raw)} is not an emoji short code. Expected for example :rocket:.`
    )
  }
  return `:${name}:`
}

function readMessageKey(raw: string): string {
  if (/[\r\n]/.test(raw)) {
    throw new InputError('message-key', `${quote(raw)} spans lines; a key is one line.`)
  }
  if (raw.length > 200) {
    throw new InputError(
      'message-key',
      `is ${raw.length} characters; at most 200. Keys like deploy-\${{ github.run_id }} or pr-42 are enough.`
    )
  }
  return raw
}

function readUpdateMessageId(raw: string): string {
  // Ids are letters and digits (Meteor's, or this action's chosen ones), sometimes - _ or .
  if (raw && !/^[\w.-]{1,128}$/.test(raw)) {
    throw new InputError(
      'update-message-id',
      `${quote(raw)} is not a message id: expected the message-id output of the step that posted it.`
    )
  }
  return raw
}

/** Inputs that pick the message must agree on one way of finding it. */
function checkAddressing(given: {
  messageKey: string
  keyMode: KeyMode
  updateMessageId: string
  threadId: string
  longMessage: LongMessage
}): void {
  const { messageKey, keyMode, updateMessageId, threadId, longMessage } = given
  if (keyMode === 'thread' && !messageKey) {
    throw new InputError(
      'key-mode',
      'is thread but message-key is empty: the thread is the message the key names.'
    )
  }
  if (updateMessageId && messageKey) {
    throw new InputError(
      'update-message-id',
      'cannot be combined with message-key: each names the message to update; give one.'
    )
  }
  if (threadId && (updateMessageId || (messageKey && keyMode === 'thread'))) {
    throw new InputError(
      'thread-id',
      updateMessageId
        ? 'cannot be combined with update-message-id: an update leaves the message where it is.'
        : 'cannot be combined with message-key in thread mode: the keyed message is the thread.'
    )
  }
  if (longMessage === 'split' && (updateMessageId || (messageKey && keyMode === 'update'))) {
    throw new InputError(
      'long-message',
      'split cannot be used when a message is updated (update-message-id, or message-key in update mode): an update changes one message. Use truncate or fail.'
    )
  }
}

// processWebhookMessage copies text, alias, emoji, avatar, attachments, tmid and a few more
// fields into the message it posts, never blocks (RocketChat/Rocket.Chat
// apps/meteor/app/lib/server/functions/processWebhookMessage.ts at 0066124e, 7.x; the same in
// the .js of 6.x and apps/meteor/server/lib/messages/processWebhookMessage.ts at 412cd3e8).
const WEBHOOK_NO_BLOCKS =
  'an incoming webhook drops blocks (the server copies only text, attachments and a few other fields into the message it posts), so they would never arrive; layout: attachments works with a webhook'

// What a webhook cannot do: it posts new messages only and answers without the message.
const WEBHOOK_CANNOT: Record<string, string> = {
  blocks: WEBHOOK_NO_BLOCKS,
  layout: WEBHOOK_NO_BLOCKS,
  'message-key': 'the webhook does not say which message it posted, so no later step can find it',
  'update-message-id': 'a webhook can only post new messages',
  reaction: 'the webhook does not say which message it posted, so there is nothing to react to',
  files: 'a webhook takes no files',
  'thread-broadcast': 'a webhook cannot show a thread reply in the room',
  'long-message':
    'split posts the rest as replies to the first part, whose id a webhook does not return; use truncate or fail'
}

/**
 * preset run with layout: blocks on a message that later steps update: chat.update takes only
 * the text on every supported server, and the web client shows a message's blocks instead of
 * its text (see conversation.ts), so the room would show the first report forever.
 */
function refuseUpdatedBlocks(by: string): void {
  if (!by) return
  const how =
    by === 'message-key'
      ? 'with message-key in update mode (a live board), later steps update the message'
      : 'with update-message-id, the step updates a message'
  throw new InputError(
    'layout',
    `blocks cannot be used with preset: run ${how}, and an update changes only the text: chat.update takes no blocks, and Rocket.Chat's web client shows a message's blocks instead of its text, so the room would show the first version of the report forever. Use layout: attachments (the default) for a report that is updated; layout: blocks is for a report posted once, for example by a last job with needs: and if: always().`
  )
}

function refuseWithWebhook(given: Record<string, string>): void {
  for (const [input, value] of Object.entries(given)) {
    if (value) {
      throw new InputError(
        input,
        `cannot be used with webhook-url: ${WEBHOOK_CANNOT[input]}. Use auth-token and user-id for it.`
      )
    }
  }
}

function readMentionIf(raw: string): string[] {
  const allowed = ['success', 'failure', 'cancelled', 'always']
  const values = (raw || 'failure')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean)
  for (const v of values) {
    if (!allowed.includes(v)) {
      throw new InputError(
        'mention-if',
        `${quote(v)} is not one of ${allowed.join(', ')} (a comma list).`
      )
    }
  }
  return values
}

// Checked as the client will read it (curl's rules), so that nothing is sent first.
function readProxy(raw: string): string {
  if (!raw) return ''
  try {
    proxyUrl(raw, SETTING_NAMES.proxy)
  } catch (error) {
    if (!(error instanceof ProxyUrlError)) throw error
    if (error.problem === 'percent') throw new InputError('proxy', error.detail)
    // The password is masked already (inputs.ts); it is also left out here in every spelling.
    const encode =
      raw.lastIndexOf('@') > 0
        ? ' A password with / ? # or @ in it must be percent-encoded (/ as %2F).'
        : ''
    throw new InputError(
      'proxy',
      `${quote(redactProxyText(raw))} is not an http(s) proxy URL, for example http://proxy.internal:3128.${encode}`
    )
  }
  return raw
}

function readCaCert(raw: string): string {
  if (!raw) return ''
  if (raw.includes('-----BEGIN CERTIFICATE-----')) return raw
  let text: string
  try {
    text = readFileSync(raw, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new InputError(
      'ca-cert',
      `is neither PEM text nor a readable file: ${quote(raw)} (${code}).`
    )
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new InputError(
      'ca-cert',
      `the file ${quote(raw)} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`
    )
  }
  return text
}
