import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './action.js'

export interface ReadmeBlock {
  /** The heading the block sits under, with ` (2)`, ` (3)` … for later blocks of that name. */
  key: string
  lang: string
  text: string
  /** 1-based line of the opening fence. */
  line: number
  /** The README text after the block up to the next heading, where it says what it posts. */
  after: string
}

/** Every fenced code block of README.md, named after its heading. */
export function readmeBlocks(
  readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
): ReadmeBlock[] {
  const lines = readme.split('\n')
  const blocks: ReadmeBlock[] = []
  const seen = new Map<string, number>()
  let heading = ''
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)\s*$/.exec(lines[i])
    if (!fence) {
      const h = /^#{1,6} (.+)$/.exec(lines[i])
      if (h) heading = h[1].trim()
      continue
    }
    const start = i
    const body: string[] = []
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i])
    const count = (seen.get(heading) ?? 0) + 1
    seen.set(heading, count)
    const rest: string[] = []
    for (let j = i + 1; j < lines.length && !/^#{1,6} /.test(lines[j]); j++) rest.push(lines[j])
    blocks.push({
      key: count === 1 ? heading : `${heading} (${count})`,
      lang: fence[1],
      text: `${body.join('\n')}\n`,
      line: start + 1,
      after: rest.join('\n')
    })
  }
  return blocks
}

/** A `…` in the README stands for text left out: a pattern that matches the full text. */
export function elided(shown: string): RegExp {
  const parts = shown.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${parts.join('.*?')}$`, 's')
}
