/** Rocket.Chat's default Message_MaxAllowedSize, in UTF-16 code units. */
export const DEFAULT_MAX_LENGTH = 5000

// Created on first use: loading the ICU segmenter costs start-up time most runs never need.
let segmenter: Intl.Segmenter | undefined

/**
 * The longest prefix of `text` of at most `max` UTF-16 units that ends on a grapheme
 * boundary, so no surrogate pair or emoji sequence is cut in half.
 */
export function cutAt(text: string, max: number): string {
  if (text.length <= max) return text
  // Only the graphemes around the cut matter; segmenting a window keeps this cheap.
  const from = Math.max(0, max - 64)
  let end = from
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' })
  for (const { index } of segmenter.segment(text.slice(from, max + 64))) {
    if (from + index > max) break
    end = from + index
  }
  return text.slice(0, end)
}

/** Cuts `text` to `max` units, ending with `marker` (which must fit). */
export function truncate(text: string, max: number, marker: string): string {
  if (text.length <= max) return text
  const room = Math.max(0, max - marker.length)
  return cutAt(text, room).trimEnd() + marker
}

/**
 * Splits `text` into parts of at most `max` units, preferring to break at a line end,
 * then at a space, in the last fifth of each part.
 */
export function split(text: string, max: number): string[] {
  return splitHead(text, max, Infinity).parts
}

/**
 * The first `count` parts of `text` as `split` makes them, and what is left after them
 * (''), without splitting the rest: a flood-sized text costs only the parts kept.
 */
export function splitHead(
  text: string,
  max: number,
  count: number
): { parts: string[]; rest: string } {
  const parts: string[] = []
  let rest = text
  while (rest.length > max && parts.length < count) {
    // A grapheme longer than the limit cannot be kept whole: cut it by code points, so the
    // loop always moves on.
    const head =
      cutAt(rest, max) || [...rest.slice(0, max)].slice(0, -1).join('') || rest.slice(0, max)
    const floor = Math.floor(head.length * 0.8)
    const newline = head.lastIndexOf('\n')
    const space = head.lastIndexOf(' ')
    const at = newline >= floor ? newline + 1 : space >= floor ? space + 1 : head.length
    const part = rest.slice(0, at).trimEnd()
    // A run of blank space at a cut would make an empty reply: drop it.
    if (part.trim()) parts.push(part)
    rest = rest.slice(at)
  }
  if (rest.length <= max && parts.length < count) {
    if (rest.trim() || parts.length === 0) parts.push(rest)
    rest = ''
  }
  return { parts, rest }
}
