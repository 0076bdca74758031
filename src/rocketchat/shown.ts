// How text the action did not write (a file name, a room name, a server's answer) is shown
// in a log line or an error: on one line, with nothing in it that the runner or a terminal
// could act on, and cut short.

// Control characters (C0, DEL, C1), the Unicode line and paragraph separators, and the
// invisible marks that reorder or hide text (bidi controls, zero-width characters, BOM).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g

/** `text` without control characters and invisible marks, for a one-line display name. */
export function withoutHidden(text: string): string {
  return text.replace(HIDDEN, '')
}

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/**
 * `text` on one line: backslashes doubled, hidden and control characters as `\n`, `\uXXXX`
 * escapes, "##[" (the runner's older command prefix, honoured anywhere in a line) broken as
 * `#\u0023[`, a leading "::" broken as `\u003a:`, and at most `max` characters of the
 * original kept (never half a surrogate pair), with how many there were when cut.
 */
export function oneLine(text: string, max = 300): string {
  let kept = text
  let cut = ''
  if (text.length > max) {
    let end = max
    if (/[\ud800-\udbff]/.test(text[end - 1] ?? '')) end -= 1
    kept = text.slice(0, end)
    cut = `… (${text.length} characters)`
  }
  const escaped = kept
    .replace(/\\/g, '\\\\')
    .replace(HIDDEN, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/##\[/g, '#\\u0023[')
    .replace(/^(\s*):(?=:)/, '$1\\u003a')
  return escaped + cut
}

/** `text` in double quotes, on one line as oneLine makes it, quotes inside escaped. */
export function quoted(text: string, max = 300): string {
  return `"${oneLine(text, max).replace(/"/g, '\\"')}"`
}

/** A server's answer, quoted on one line: its secrets (the token, the user id) as ***. */
export function quoteAnswer(text: string, secrets: readonly string[] = [], max = 300): string {
  let clean = text
  for (const secret of secrets) {
    if (secret.length >= 4) clean = clean.split(secret).join('***')
  }
  return oneLine(clean.replace(/\s+/g, ' ').trim(), max)
}

/**
 * Every spelling of a secret from a URL that a log could show: as written, decoded, encoded
 * by encodeURIComponent, and as the URL parser writes it in a user-info part.
 */
export function spellings(part: string): string[] {
  const forms = new Set([part])
  let decoded = part
  try {
    decoded = decodeURIComponent(part)
  } catch {
    // A stray % that is no escape: the part reads as written.
  }
  forms.add(decoded)
  forms.add(encodeURIComponent(decoded))
  const url = new URL('http://host')
  url.password = decoded
  forms.add(url.password)
  return [...forms].filter(Boolean)
}
