import { InputError } from '../errors.js'

// Line and column for errors about text people wrote: JSON inputs, template files, templates.

/** "line L, column C" (1-based) of a UTF-16 offset. */
export function position(text: string, offset: number): string {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  const column = offset - before.lastIndexOf('\n')
  return `line ${line}, column ${column}`
}

/** Explains a JSON.parse failure by line and column; V8 does not always give a position. */
export function describeJsonError(text: string, error: Error): string {
  // The scanner below recurses; a text nested this deep gets the depth error instead.
  const depth = bracketDepth(text)
  if (depth > MAX_DEPTH) {
    return `it nests arrays and objects more than ${MAX_DEPTH} levels deep (at least ${depth}); at most ${MAX_DEPTH} are accepted.`
  }
  const detail = error.message
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/, ".*" is not valid JSON$/s, '')
  const match = /position (\d+)/.exec(error.message)
  const offset = match ? Number(match[1]) : firstJsonErrorOffset(text)
  return `${detail} at ${position(text, offset)}.`
}

/** Offset of the first character that makes `text` invalid JSON (a small recursive scanner). */
export function firstJsonErrorOffset(text: string): number {
  let i = 0
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++
  }
  const fail = (): never => {
    throw i
  }
  const literal = (word: string): void => {
    for (const ch of word) if (text[i++] !== ch) fail()
  }
  const string = (): void => {
    i++
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++
      else if (text[i] < ' ') fail()
      i++
    }
    if (i >= text.length) fail()
    i++
  }
  const value = (): void => {
    ws()
    const ch = text[i]
    if (ch === '{') {
      i++
      ws()
      if (text[i] === '}') return void i++
      for (;;) {
        ws()
        if (text[i] !== '"') fail()
        string()
        ws()
        if (text[i] !== ':') fail()
        i++
        value()
        ws()
        if (text[i] === ',') i++
        else if (text[i] === '}') return void i++
        else fail()
      }
    } else if (ch === '[') {
      i++
      ws()
      if (text[i] === ']') return void i++
      for (;;) {
        value()
        ws()
        if (text[i] === ',') i++
        else if (text[i] === ']') return void i++
        else fail()
      }
    } else if (ch === '"') string()
    else if (ch === 't') literal('true')
    else if (ch === 'f') literal('false')
    else if (ch === 'n') literal('null')
    else {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i))
      if (!m) fail()
      i += (m as RegExpExecArray)[0].length
    }
  }
  try {
    value()
    ws()
    if (i < text.length) fail()
  } catch (at) {
    if (typeof at === 'number') return Math.min(at, text.length)
    throw at
  }
  return text.length
}

/** How deep arrays and objects may nest in a JSON or YAML input; real attachments use 4. */
export const MAX_DEPTH = 32

/**
 * The nesting depth of `value` (a scalar is 0), counted without recursion and only up to
 * `stopAt`, so that a hostile document cannot exhaust the stack here or anywhere later.
 */
export function nestingDepth(value: unknown, stopAt = MAX_DEPTH + 1): number {
  let deepest = 0
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number]
    if (typeof item !== 'object' || item === null) continue
    const inner = depth + 1
    deepest = Math.max(deepest, inner)
    if (deepest >= stopAt) return deepest
    for (const child of Object.values(item)) stack.push([child, inner])
  }
  return deepest
}

/** Text for an InputError when `value` nests deeper than MAX_DEPTH; undefined when it does not. */
export function tooDeep(value: unknown): string | undefined {
  const depth = nestingDepth(value)
  return depth > MAX_DEPTH
    ? `nests arrays and objects more than ${MAX_DEPTH} levels deep (at least ${depth}); at most ${MAX_DEPTH} are accepted.`
    : undefined
}

// The deepest nesting of [ and { outside strings, by a flat scan.
function bracketDepth(text: string): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
    } else if (ch === '"') inString = true
    else if (ch === '[' || ch === '{') deepest = Math.max(deepest, ++depth)
    else if (ch === ']' || ch === '}') depth--
  }
  return deepest
}

/**
 * A JSON input that holds one object or a list of them, as a list; undefined when empty.
 * Errors name the input: invalid JSON with line and column, and nesting past MAX_DEPTH.
 */
export function parseJsonList(raw: string, input: string): unknown[] | undefined {
  if (!raw.trim()) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (error) {
    throw new InputError(input, `is not valid JSON: ${describeJsonError(raw, error as Error)}`)
  }
  const deep = tooDeep(parsed)
  if (deep) throw new InputError(input, deep)
  return Array.isArray(parsed) ? parsed : [parsed]
}

/** A JSON object (not null, not a list). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** How an error names the member `key` of a path: `.title`, or `["odd key"]`. */
export function memberPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
}
