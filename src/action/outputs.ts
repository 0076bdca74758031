import * as core from '@actions/core'
import type { Action } from '../delivery/conversation.js'
import type { Delivery } from '../delivery/deliver.js'
import { oneLine } from '../rocketchat/shown.js'
import { log } from './log.js'
import type { Settings } from './settings.js'

const DONE: Record<Action, string> = {
  posted: 'Posted to',
  replied: 'Replied in',
  updated: 'Updated in'
}

// What each output may hold. The values come from the server's answers, and a workflow may
// put an output into a shell command (`run: echo ${{ steps.x.outputs.room-name }}`), so a
// value that is not what the output promises is left empty rather than passed on.
const ID = /^[A-Za-z0-9_-]{1,128}$/
const SHAPES: Record<string, RegExp> = {
  'message-id': ID,
  'room-id': ID,
  'thread-id': ID,
  // Room names and DM usernames (joined by commas): letters, digits, . _ - and @ only.
  'room-name': /^[\p{L}\p{N}._@,-]{1,200}$/u,
  'room-type': /^[a-z]$/,
  ts: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/
}

/**
 * Every output of the action, by name, as action.yml declares them; `refused` lists the
 * outputs left empty because the server's value did not have their shape.
 */
export function outputsOf(
  delivery: Delivery,
  serverUrl: URL,
  refused: string[] = []
): Record<string, string> {
  const { message, room } = delivery
  const outputs: Record<string, string> = {
    'message-id': message._id,
    'room-id': room.id,
    'room-name': room.name,
    'room-type': room.type,
    'thread-id': delivery.threadId,
    ts: isoTime(message.ts),
    'message-url': '',
    action: delivery.action
  }
  for (const [name, shape] of Object.entries(SHAPES)) {
    const value = outputs[name]
    if (value && !shape.test(value)) {
      outputs[name] = ''
      refused.push(name)
    }
  }
  // Built from checked parts only: encoded, on the configured server.
  if (outputs['message-id'] && (outputs['room-id'] || outputs['room-name'])) {
    outputs['message-url'] = messageUrl(
      serverUrl,
      { id: outputs['room-id'], name: outputs['room-name'], type: outputs['room-type'] },
      outputs['message-id']
    )
  }
  return outputs
}

/** A link that opens the message in the web client. */
export function messageUrl(
  serverUrl: URL,
  room: { id: string; name: string; type: string },
  messageId: string
): string {
  const base = serverUrl.href.replace(/\/$/, '')
  const msg = `?msg=${encodeURIComponent(messageId)}`
  if (room.type === 'c') return `${base}/channel/${encodeURIComponent(room.name)}${msg}`
  if (room.type === 'p') return `${base}/group/${encodeURIComponent(room.name)}${msg}`
  return `${base}/direct/${encodeURIComponent(room.id)}${msg}`
}

function isoTime(ts: unknown): string {
  const raw =
    typeof ts === 'object' && ts !== null && '$date' in ts ? (ts as { $date: number }).$date : ts
  if (typeof raw !== 'string' && typeof raw !== 'number') return ''
  const date = new Date(raw)
  return Number.isNaN(date.getTime()) ? '' : date.toISOString()
}

/** Sets the step outputs and, where the runner offers one, writes the job summary. */
export async function writeOutputs(
  delivery: Delivery,
  settings: Settings
): Promise<Record<string, string>> {
  const refused: string[] = []
  const outputs = outputsOf(delivery, settings.serverUrl, refused)
  if (refused.length) {
    log.warning(
      `The server's answer gave ${refused.join(', ')} in a form ${refused.length === 1 ? 'that output does' : 'those outputs do'} not take (an id of letters and digits, a room name, an ISO time), so ${refused.length === 1 ? 'it is' : 'they are'} left empty. The message was ${delivery.action}.`
    )
  }
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
  const where = delivery.room.type === 'd' ? `@${delivery.room.name}` : `#${delivery.room.name}`
  // The room's name is the server's: one escaped line.
  log.info(`${DONE[delivery.action]} ${oneLine(where, 200)}: ${outputs['message-url']}`)
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(summaryHtml(outputs, where), true).write()
  }
  return outputs
}

/**
 * The job summary: the outputs in a table and a link to the message. Written by hand rather
 * than with core.summary's table, which leaves an empty cell unclosed (`<td></tr>`); an empty
 * output shows as a dash, and every value is escaped, since room names and ids come from
 * the server.
 */
export function summaryHtml(outputs: Record<string, string>, where: string): string {
  const row = (cells: string[], tag: 'th' | 'td'): string =>
    `<tr>${cells.map((cell) => `<${tag}>${cell}</${tag}>`).join('')}</tr>`
  const rows = Object.entries(outputs).map(([name, value]) =>
    row([escapeHtml(name), value ? escapeHtml(value) : '—'], 'td')
  )
  return [
    `<h3>Rocket.Chat message ${escapeHtml(outputs.action)}</h3>`,
    `<table>${row(['Output', 'Value'], 'th')}${rows.join('')}</table>`,
    `<p><a href="${escapeHtml(outputs['message-url'])}">Open the message in ${escapeHtml(where)}</a></p>`
  ].join('\n')
}

/**
 * A webhook answers without the message, so only `action` is set; the message outputs stay
 * empty, and the summary says why.
 */
export async function writeWebhookOutputs(): Promise<void> {
  core.setOutput('action', 'posted')
  const why =
    'An incoming webhook does not say which message it posted: message-id, room-id and the other message outputs are empty.'
  log.info(`Posted through the incoming webhook. ${why}`)
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary
      .addRaw(
        `<h3>Rocket.Chat message posted through an incoming webhook</h3>\n<p>${why}</p>`,
        true
      )
      .write()
  }
}

// The summary is HTML, and room names and ids come from the server.
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
