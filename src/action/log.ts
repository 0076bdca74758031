import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import type { Logger } from '../rocketchat/types.js'

// The one way the action writes to the job log. The runner reads every line of stdout for
// workflow commands (actions/runner, src/Runner.Common/ActionCommand.cs and
// src/Runner.Worker/ActionCommandManager.cs): a line split at \r or \n is a command when,
// after .NET's TrimStart, it starts with "::name", or when it holds "##[name" anywhere (the
// older form). Between "::stop-commands::TOKEN" and "::TOKEN::" (the token compared
// case-insensitively, in either form) no line is one. Text the action did not write goes
// through here only: on one escaped line (oneLine, src/rocketchat/shown.ts), or in a block.

// What .NET's Char.IsWhiteSpace accepts (JavaScript's \s plus NEL), which TrimStart removes.
const LEADING_SPACE = /^[\s\u0085]*/

/** Whether the runner would read `line` as a workflow command. */
export function isCommandLine(line: string): boolean {
  return line.replace(LEADING_SPACE, '').startsWith('::') || line.includes('##[')
}

/** The lines the runner sees in `text`. */
export function runnerLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/)
}

// A block is the whole untrusted text, but a log is no place for a flood.
export const MAX_BLOCK = 1_000_000

/**
 * `text` between ::stop-commands:: and its resume line, with a token found nowhere in it,
 * so that none of its lines can act as a command or end the block early.
 */
export function stopCommandsBlock(text: string): string {
  const shown =
    text.length > MAX_BLOCK
      ? `${text.slice(0, MAX_BLOCK)}\n… (${text.length - MAX_BLOCK} more characters not shown)`
      : text
  const lower = shown.toLowerCase()
  let token: string
  do token = randomBytes(16).toString('hex')
  while (lower.includes(token))
  return `::stop-commands::${token}\n${shown}\n::${token}::`
}

/**
 * An annotation's text (a warning, the failure): @actions/core writes it as one command, with
 * \r, \n and % escaped (%0D, %0A, %25), so it cannot end early; control characters other than
 * line ends are shown as escapes, so that no terminal sequence reaches the page.
 */
export function annotationText(message: string, max = 4000): string {
  const cut = message.length > max ? `${message.slice(0, max)}…` : message
  return cut.replace(/\r\n?/g, '\n').replace(
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}

/** Writes lines to stdout; the runner is the only reader. */
export type Sink = (text: string) => void

/**
 * The action's log: what delivery and the client print goes here too, so that a line that
 * would act as a command is printed in a block even if a caller forgot to escape it.
 */
export class ActionLog implements Logger {
  constructor(private readonly write: Sink = (text) => core.info(text)) {}

  info(message: string): void {
    if (runnerLines(message).some(isCommandLine)) this.block(message)
    else this.write(message)
  }

  block(text: string): void {
    this.write(stopCommandsBlock(text))
  }

  warning(message: string): void {
    core.warning(annotationText(message))
  }

  debug(message: string): void {
    core.debug(annotationText(message))
  }

  notice(message: string): void {
    core.notice(annotationText(message))
  }

  /** Fails the step with `message` as its error annotation. */
  fail(message: string): void {
    core.setFailed(annotationText(message))
  }
}

export const log = new ActionLog()
