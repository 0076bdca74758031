import { createHash } from 'node:crypto'
import { ALPHABET } from './ids.js'

// Part of the hashed text, so that a future change of scheme cannot collide with today's ids.
const SCHEME = 'rocketchat-notify-action/message-key/v1'

/**
 * The message id a `message-key` stands for: the same key, server and room always give the
 * same 17-character id in the server's own alphabet, so steps in other jobs and runs find the
 * message without passing ids around, and chat.sendMessage refuses a second message with it.
 *
 * The mapping is a stored contract: messages posted with a key are found again only while it
 * stays the same, so a change here orphans every keyed message on every server.
 */
export function keyedMessageId(serverUrl: URL | string, roomId: string, key: string): string {
  const digest = createHash('sha256')
    // JSON, not a separator: no key can make its parts read as another room's.
    .update(JSON.stringify([SCHEME, serverIdentity(serverUrl), roomId, key]))
    .digest('hex')
  // 17 symbols of 55 carry 98 bits: chance collisions need about 2^49 keys in one room.
  let n = BigInt(`0x${digest}`)
  const base = BigInt(ALPHABET.length)
  let id = ''
  for (let i = 0; i < 17; i++) {
    id += ALPHABET[Number(n % base)]
    n /= base
  }
  return id
}

// The spellings a workflow may use for one server (case, default port, trailing slash) agree.
function serverIdentity(serverUrl: URL | string): string {
  const url = new URL(serverUrl)
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}
