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
