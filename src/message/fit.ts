import { split, truncate } from './length.js'

/** What to do with a text over the server's limit. */
export type LongMessage = 'truncate' | 'split' | 'fail'

export interface Fitted {
  /** The texts to post: one, or the parts of a split text in order. */
  parts: string[]
  /** What was done to make the text fit, for the log; absent when it fit as it was. */
  note?: string
  /** True when text was left out (truncate): the full text belongs in the run log. */
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
 * the run log (`runUrl`), split into parts, or refuse.
 */
export function fitText(text: string, limit: number, mode: LongMessage, runUrl = ''): Fitted {
  if (text.length <= limit) return { parts: [text], cut: false }
  switch (mode) {
    case 'fail':
      throw new TooLongError(text.length, limit)
    case 'split': {
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
