import { randomInt } from 'node:crypto'

// Meteor's Random.id() alphabet: the ids the server itself would generate.
export const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz'

/** A fresh message id in the server's own format, chosen by us so retries stay idempotent. */
export function newMessageId(length = 17): string {
  let id = ''
  for (let i = 0; i < length; i++) id += ALPHABET[randomInt(ALPHABET.length)]
  return id
}

/** True for values shaped like a server-generated id (17 chars) or a 1:1 DM id (two of them). */
export function looksLikeRoomId(value: string): boolean {
  return value === 'GENERAL' || new RegExp(`^([${ALPHABET}]{17}){1,2}$`).test(value)
}
