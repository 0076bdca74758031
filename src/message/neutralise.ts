/**
 * Makes untrusted text (PR titles, commit messages, branch names, release notes)
 * safe to drop into a Rocket.Chat message: it can neither ping a room nor start a
 * markdown construct that reaches past its own end.
 *
 * Why zero-width spaces and look-alike characters rather than backslashes: Rocket.Chat's
 * message parser (@rocket.chat/message-parser) has no dependable backslash escape. Some
 * versions honour `\*` `\_` `\~` `` \` `` `\#` `\.`, the current grammar defines that rule
 * but no longer uses it, and the mobile app never did (RocketChat/Rocket.Chat#8989,
 * #26580, Rocket.Chat.ReactNative#2666), so a backslash either shows up in the room or
 * fails to stop the construct. A ZERO WIDTH SPACE (U+200B) is invisible everywhere and
 * is not a name character for either mention matcher: the server's
 * `(^|\s|>)@([0-9a-zA-Z-_.]+)` (MentionsParser, on the raw text) and the parser's
 * UserMention rule. `@\u200Ball` therefore stays readable as "@all" but notifies
 * nobody. Emphasis and inline code cannot be stopped by an invisible character (the
 * grammar accepts any content between the markers), so an unpaired marker is swapped
 * for a look-alike that is not markup.
 */

/** Which `@mentions` inside substituted values may notify people. */
export type AllowedMentions = 'users' | 'none' | 'all'

/** How much markdown a value may keep. */
export type MarkdownPolicy = 'neutralise' | 'keep'

export interface NeutraliseOptions {
  allowedMentions: AllowedMentions
  /** 'keep' for markdown written by maintainers (release notes); mentions are still handled. */
  markdown?: MarkdownPolicy
}

export const ZWSP = '\u200B'

// A mention starts at an @ that is not inside a word or an e-mail address.
const MENTION = /(?<![\p{L}\p{N}\p{M}_.%+-])@(?=[\p{L}\p{N}\p{M}_.-])/gu
const ROOM_MENTION =
  /(?<![\p{L}\p{N}\p{M}_.%+-])@(?=(?:all|here|channel|everyone)(?![\p{L}\p{N}]))/giu

const LOOKALIKE: Record<string, string> = {
  '`': '\u02CB', // MODIFIER LETTER GRAVE ACCENT
  '*': '\u2217', // ASTERISK OPERATOR
  _: '\u02CD', // MODIFIER LETTER LOW MACRON
  '~': '\u223C' // TILDE OPERATOR
}

/** Neutralises mentions (per `allowedMentions`) and, unless kept, markdown in one value. */
export function neutralise(value: string, opts: NeutraliseOptions): string {
  const text = opts.markdown === 'keep' ? value : neutraliseMarkdown(value)
  return neutraliseMentions(text, opts.allowedMentions)
}

/** Puts a zero-width space after the @ of every mention `allowed` does not permit. */
export function neutraliseMentions(value: string, allowed: AllowedMentions): string {
  if (allowed === 'all' || !value.includes('@')) return value
  return value.replace(allowed === 'none' ? MENTION : ROOM_MENTION, `@${ZWSP}`)
}

/**
 * Stops a value from opening markdown that would run past it: links and `<url|title>`,
 * code fences, unpaired inline code and emphasis, spoilers and KaTeX blocks. Constructs
 * that open and close within one line of the value (`code`, *bold*) are left to render.
 */
export function neutraliseMarkdown(value: string): string {
  return value
    .split('\n')
    .map((line) => neutraliseLine(line))
    .join('\n')
}

function neutraliseLine(line: string): string {
  if (!/[`*_~[\]<|$\\]/.test(line)) return line
  // Links: [title](url), ![alt](url) and <url|title> need "](" or "<" right before the URL.
  let out = line.replace(/\]\(/g, `]${ZWSP}(`).replace(/<(?=[\p{L}\p{N}])/gu, `<${ZWSP}`)
  // Block spoilers (||), KaTeX ($$ and \[ \( ) can span lines until their closing mark.
  out = out
    .replace(/\|\|/g, () => `|${ZWSP}|`)
    .replace(/\$\$/g, () => `$${ZWSP}$`)
    .replace(/\\(?=[[(])/g, () => `\\${ZWSP}`)
  return neutraliseInline(out)
}

// Inline code is a single backtick pair on one line; everything else made of backticks
// (fences, lone ticks) becomes a look-alike. Emphasis is then paired run by run outside
// the kept code spans, and an odd one out is swapped so it cannot pair with text after it.
function neutraliseInline(line: string): string {
  const parts: { text: string; code: boolean }[] = []
  let last = 0
  for (const match of line.matchAll(/(?<!`)`[^`]+`(?!`)/g)) {
    parts.push({ text: line.slice(last, match.index), code: false })
    parts.push({ text: match[0], code: true })
    last = match.index + match[0].length
  }
  parts.push({ text: line.slice(last), code: false })
  for (const part of parts) {
    if (!part.code) part.text = part.text.replace(/`/g, LOOKALIKE['`'])
  }
  for (const marker of ['*', '_', '~']) balanceMarker(parts, marker)
  return parts.map((part) => part.text).join('')
}

function balanceMarker(parts: { text: string; code: boolean }[], marker: string): void {
  const escaped = marker === '*' ? '\\*' : marker
  const runs = new RegExp(`${escaped}+`, 'g')
  let lastRun: { part: number; index: number; length: number } | undefined
  let count = 0
  parts.forEach((part, i) => {
    if (part.code) return
    for (const match of part.text.matchAll(runs)) {
      // snake_case and the like are not emphasis; only free-standing underscores are.
      if (marker === '_' && isIntraword(part.text, match.index, match[0].length)) continue
      count += 1
      lastRun = { part: i, index: match.index, length: match[0].length }
    }
  })
  if (count % 2 === 0 || !lastRun) return
  const part = parts[lastRun.part]
  part.text =
    part.text.slice(0, lastRun.index) +
    LOOKALIKE[marker].repeat(lastRun.length) +
    part.text.slice(lastRun.index + lastRun.length)
}

function isIntraword(text: string, index: number, length: number): boolean {
  const before = text[index - 1] ?? ''
  const after = text[index + length] ?? ''
  return /[\p{L}\p{N}]/u.test(before) && /[\p{L}\p{N}]/u.test(after)
}

/** Wraps a value in inline code: mentions neutralised, backticks swapped so it cannot close early. */
export function inlineCode(value: string, allowed: AllowedMentions): string {
  if (!value) return ''
  const inner = neutraliseMentions(value.replace(/`/g, LOOKALIKE['`']).replace(/\n/g, ' '), allowed)
  return `\`${inner}\``
}
