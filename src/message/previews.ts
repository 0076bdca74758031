import { valueMask, type Piece } from './rendered.js'

/** Which links of the text get a preview card (the server fetches them to build it). */
export type LinkPreviews = 'template' | 'none' | 'all'

// The server's own URL pattern, so that each URL here is exactly the string the server
// compares with `previewUrls`: apps/meteor/lib/getMessageUrlRegex.ts in RocketChat/Rocket.Chat
// at 0226236b, used by parseUrlsInMessage.
const MESSAGE_URL =
  /([A-Za-z]{3,9}):\/\/([-;:&=+$,\w]+@{1})?([-A-Za-z0-9.]+)+:?(\d+)?((\/[-+=!:~%/.@,\w]*)?\??([-+=&!:;%@/.,\w]+)?(?:#([^\s)]+))?)?/g
// Scheme, user part, host and port: who answers when the server fetches the URL.
const ORIGIN = /^[A-Za-z]{3,9}:\/\/(?:[-;:&=+$,\w]+@)?[-A-Za-z0-9.]+(?::\d+)?/

/** Every URL the server finds in `text`, once each. */
export function urlsIn(text: string): string[] {
  return [...new Set(text.match(MESSAGE_URL) ?? [])]
}

/**
 * The URLs of rendered text whose origin (scheme, host, port) was written in the template or
 * is a link the action built: a value may add a path to them, never choose the host. A URL
 * inside a value (a PR title's) is left out, so the server does not fetch it.
 */
export function templateUrls(pieces: readonly Piece[]): string[] {
  const text = pieces.map((piece) => piece.text).join('')
  const mask = valueMask(
    pieces.map((piece) => (piece.origin === 'link' ? { ...piece, origin: 'template' } : piece)),
    text.length
  )
  const urls = new Set<string>()
  for (const match of text.matchAll(MESSAGE_URL)) {
    const origin = ORIGIN.exec(match[0])?.[0] ?? match[0]
    if (!mask.subarray(match.index, match.index + origin.length).includes(1)) urls.add(match[0])
  }
  return [...urls]
}
