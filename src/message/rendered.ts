import { ZWSP, type AllowedMentions } from './neutralise.js'

/**
 * Rendered text as pieces that remember where they came from: written in the template, a
 * substituted value, or a link the action built itself (run_url and the like: values, but
 * their host is GITHUB_SERVER_URL). Rules that depend on who wrote a character (mentions,
 * link previews) are judged on the whole text with this knowledge, because values put side
 * by side can build what neither holds alone (`{{ branch }}{{ body }}` → " @" + "all").
 */
export type Origin = 'template' | 'value' | 'link'

export interface Piece {
  text: string
  origin: Origin
}

// Whatever can start a mention for the server (MentionsParser's `(^|\s|>)@name`) or the
// message parser: an @ not inside a word or an e-mail address, then name characters.
const MENTION = /(?<![\p{L}\p{N}\p{M}_.%+-])@([\p{L}\p{N}\p{M}_.-]+)/gu
const ROOM_WIDE = /^(?:all|here|channel|everyone)(?![\p{L}\p{N}])/iu

/** The text of the pieces, joined. */
export function joined(pieces: readonly Piece[]): string {
  return pieces.map((piece) => piece.text).join('')
}

/**
 * Neutralises (a zero-width space after the @) every mention whose @ or a letter of its name
 * came from a value: with `users`, the room-wide ones; with `none`, all. Mentions written
 * wholly in the template stay, as the workflow's author wrote them.
 */
export function judgeMentions(pieces: readonly Piece[], allowed: AllowedMentions): Piece[] {
  if (allowed === 'all' || !pieces.some((piece) => piece.text.includes('@'))) return [...pieces]
  const text = joined(pieces)
  const fromValue = valueMask(pieces, text.length)
  const cuts = new Set<number>()
  for (const match of text.matchAll(MENTION)) {
    const name = match[1]
    const roomWide = ROOM_WIDE.exec(name)
    if (allowed === 'users' && !roomWide) continue
    const end = match.index + 1 + (allowed === 'none' ? name.length : roomWide![0].length)
    if (fromValue.subarray(match.index, end).includes(1)) cuts.add(match.index)
  }
  return cuts.size ? insertAfter(pieces, cuts, ZWSP) : [...pieces]
}

/** 1 for every UTF-16 unit that came from a value (links included). */
export function valueMask(pieces: readonly Piece[], length: number): Uint8Array {
  const mask = new Uint8Array(length)
  let at = 0
  for (const piece of pieces) {
    if (piece.origin !== 'template') mask.fill(1, at, at + piece.text.length)
    at += piece.text.length
  }
  return mask
}

// Inserts `mark` after each position in `after`, inside the piece that holds that position.
function insertAfter(pieces: readonly Piece[], after: Set<number>, mark: string): Piece[] {
  let at = 0
  return pieces.map((piece) => {
    const start = at
    at += piece.text.length
    let text = ''
    let last = 0
    for (let i = 0; i < piece.text.length; i++) {
      if (!after.has(start + i)) continue
      text += piece.text.slice(last, i + 1) + mark
      last = i + 1
    }
    return last === 0 ? piece : { ...piece, text: text + piece.text.slice(last) }
  })
}
