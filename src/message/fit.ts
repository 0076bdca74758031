import { split, splitHead, truncate } from './length.js'

/** What to do with a text over the server's limit. */
export type LongMessage = 'truncate' | 'split' | 'fail'

/** How many messages a split text becomes at most, when max-parts is not given. */
export const DEFAULT_MAX_PARTS = 10

export interface Fitted {
  /** The texts to post: one, or the parts of a split text in order. */
  parts: string[]
  /** What was done to make the text fit, for the log; absent when it fit as it was. */
  note?: string
  /** True when text was left out (truncate, or split past maxParts): the full text belongs in the run log. */
  cut: boolean
}

/** A text longer than `limit` under `long-message: fail`; nothing is sent. */
export class TooLongError extends Error {
  constructor(
    readonly length: number,
    readonly limit: number
  ) {
    super(
      `The message is ${length} characters, over the server's limit of ${limit} (long-message is fail). Shorten it, or set long-message to truncate or split.`
    )
    this.name = 'TooLongError'
  }
}

/**
 * Makes `text` fit in `limit` UTF-16 units as `mode` says: cut with a marker that points to
 * the run log (`runUrl`), split into at most `maxParts` parts, or refuse.
 */
export function fitText(
  text: string,
  limit: number,
  mode: LongMessage,
  runUrl = '',
  maxParts = DEFAULT_MAX_PARTS
): Fitted {
  if (text.length <= limit) return { parts: [text], cut: false }
  switch (mode) {
    case 'fail':
      throw new TooLongError(text.length, limit)
    case 'split': {
      const capped = splitCapped(text, limit, maxParts, runUrl)
      if (capped) return capped
      const parts = split(text, limit)
      return {
        parts,
        cut: false,
        note: `The message is ${text.length} characters, over the limit of ${limit}: posting it in ${parts.length} parts, the rest as thread replies.`
      }
    }
    default: {
      const full = `\n\n… (truncated${runUrl ? `: full text in the run log, ${runUrl}` : ''})`
      // A tiny limit still gets a marker, just a shorter one, and never goes over.
      const marker = full.length * 2 <= limit ? full : '…'
      return {
        parts: [truncate(text, limit, marker)],
        cut: true,
        note: `The message is ${text.length} characters, over the limit of ${limit}: posting it truncated.`
      }
    }
  }
}

// A flood (a 10 MB PR body) must not become thousands of messages: past maxParts, the last
// part ends with how much was left out and where the whole text is.
function splitCapped(
  text: string,
  limit: number,
  maxParts: number,
  runUrl: string
): Fitted | undefined {
  const { parts, rest } = splitHead(text, limit, maxParts - 1)
  if (rest.length <= limit) return undefined
  const marker = (left: number): string =>
    `\n\n… (${left} more characters not posted${runUrl ? `: full text in the run log, ${runUrl}` : ''})`
  // The marker's longest form bounds the cut; the count it then shows is never longer.
  const longest = marker(rest.length)
  const last =
    longest.length * 2 <= limit
      ? truncate(rest, limit, longest).slice(0, -longest.length)
      : truncate(rest, limit, '…').slice(0, -1)
  const left = rest.length - last.length
  const ending = longest.length * 2 <= limit ? marker(left) : '…'
  return {
    parts: [...parts, last + ending],
    cut: true,
    note: `The message is ${text.length} characters, over the limit of ${limit}: posting it in ${maxParts} parts (max-parts), the rest as thread replies; the last ${left} characters are left out.`
  }
}
