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

/** Every output of the action, by name, as action.yml declares them. */
export function outputsOf(delivery: Delivery, serverUrl: URL): Record<string, string> {
  const { message, room } = delivery
  return {
    'message-id': message._id,
    'room-id': room.id,
    'room-name': room.name,
    'room-type': room.type,
    'thread-id': delivery.threadId,
    ts: isoTime(message.ts),
    'message-url': messageUrl(serverUrl, room, message._id),
    action: delivery.action
  }
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
  return Number.isNaN(date.getTime()) ? String(raw) : date.toISOString()
}

/** Sets the step outputs and, where the runner offers one, writes the job summary. */
export async function writeOutputs(
  delivery: Delivery,
  settings: Settings
): Promise<Record<string, string>> {
  const outputs = outputsOf(delivery, settings.serverUrl)
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
