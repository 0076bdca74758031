import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import {
  ActionLog,
  annotationText,
  isCommandLine,
  stopCommandsBlock
} from '../../src/action/log.js'
import { oneLine, quoteAnswer } from '../../src/rocketchat/shown.js'
import { ROOT } from '../helpers/action.js'
import { runnerCommands, stoppedBlocks } from '../helpers/runner.js'

const HOSTILE = [
  '::error::PWNED',
  ' \u00a0::add-mask::PWNED',
  'x ##[warning]PWNED',
  'a\rb::notice::PWNED',
  '\r::notice::PWNED'
].join('\n')

describe('the runner reading helper (proof that the checks can fail)', () => {
  it('finds the commands in raw hostile text', () => {
    const names = runnerCommands(HOSTILE).commands.map((c) => c.name)
    expect(names).toEqual(['error', 'add-mask', 'warning', 'notice'])
  })

  it('finds none inside a stop-commands block, and sees it closed', () => {
    expect(runnerCommands(stopCommandsBlock(HOSTILE))).toEqual({ commands: [], open: false })
  })

  it('sees a block left open by a guessed token as open', () => {
    expect(runnerCommands('::stop-commands::abc\n::error::x').open).toBe(true)
    expect(runnerCommands('::stop-commands::abc\n##[ABC]\n::error::x').commands).toHaveLength(1)
  })
})

describe('oneLine', () => {
  it('shows line ends and control characters as escapes', () => {
    expect(oneLine('a\nb\rc\td\u0007e\u001b[31mf\u2028g\u202eh\\i')).toBe(
      'a\\nb\\rc\\td\\u0007e\\u001b[31mf\\u2028g\\u202eh\\\\i'
    )
  })

  it('breaks the runner command forms', () => {
    expect(oneLine('::error::x')).toBe('\\u003a:error::x')
    expect(oneLine('\u00a0 ::error::x')).toBe('\u00a0 \\u003a:error::x')
    expect(oneLine('a ##[error]x')).toBe('a #\\u0023[error]x')
    expect(isCommandLine(oneLine('  ::warning::x ##[error]y'))).toBe(false)
    // A single colon, as in an emoji short code, stays.
    expect(oneLine(':rocket:')).toBe(':rocket:')
  })

  it('caps the length without splitting a surrogate pair, saying how long it was', () => {
    expect(oneLine('x'.repeat(500))).toBe(`${'x'.repeat(300)}… (500 characters)`)
    expect(oneLine(`ab😀cd`, 3)).toBe('ab… (6 characters)')
  })

  it('quotes an answer on one line without the credentials', () => {
    expect(quoteAnswer('bad  token\nTOKEN123 for USERID9', ['TOKEN123', 'USERID9'])).toBe(
      'bad token *** for ***'
    )
  })
})

describe('ActionLog', () => {
  it('prints a trusted line as it is, and a line that would be a command in a block', () => {
    const out: string[] = []
    const log = new ActionLog((text) => out.push(text))
    log.info('Posted to #general')
    log.info(`Note.\n${HOSTILE}`)
    expect(out[0]).toBe('Posted to #general')
    expect(stoppedBlocks(out[1])).toEqual([`Note.\n${HOSTILE}`])
    expect(runnerCommands(out.join('\n'))).toEqual({ commands: [], open: false })
  })

  it('picks a block token found nowhere in the text, in any case', () => {
    const block = stopCommandsBlock('text')
    const token = /^::stop-commands::([0-9a-f]{32})\n/.exec(block)?.[1] as string
    expect(block.endsWith(`\n::${token}::`)).toBe(true)
  })

  it('keeps terminal sequences out of annotations, and line ends for core to encode', () => {
    expect(annotationText('a\u001b[2Jb\r\nc')).toBe('a\\u001b[2Jb\nc')
  })
})

describe('nothing else prints', () => {
  it('only src/action/log.ts writes to stdout or calls core.info, warning, error, debug or setFailed', () => {
    const offenders: string[] = []
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) walk(path)
        else if (path.endsWith('.ts') && !path.endsWith(join('action', 'log.ts'))) {
          const text = readFileSync(path, 'utf8')
          if (
            /core\.(info|warning|error|notice|debug|setFailed)\(|process\.stdout|console\./.test(
              text
            )
          )
            offenders.push(relative(ROOT, path))
        }
      }
    }
    walk(join(ROOT, 'src'))
    expect(offenders).toEqual([])
  })
})
