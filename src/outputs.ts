import * as core from '@actions/core'
import type { Delivery } from './post.js'
import type { Settings } from './settings.js'

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
    'message-url': messageUrl(serverUrl, room, message._id)
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
  core.info(`Posted to ${where}: ${outputs['message-url']}`)
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary
      .addHeading('Rocket.Chat message posted', 3)
      .addTable([
        [
          { data: 'Output', header: true },
          { data: 'Value', header: true }
        ],
        ...Object.entries(outputs).map(([name, value]) => [name, value])
      ])
      .addLink(`Open the message in ${where}`, outputs['message-url'])
      .write()
  }
  return outputs
}
