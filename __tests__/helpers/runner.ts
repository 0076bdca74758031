// Reads a step's stdout the way the runner does (actions/runner, src/Runner.Common/ActionCommand.cs
// TryParseV2 and TryParse, src/Runner.Worker/ActionCommandManager.cs TryProcessCommand), so that a
// test can list the workflow commands that would take effect.

/** The commands the runner knows (its command extensions); names compare case-insensitively. */
export const RUNNER_COMMANDS = [
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'warning',
  'error',
  'notice',
  'debug',
  'group',
  'endgroup',
  'echo'
]

export interface RunnerCommand {
  name: string
  data: string
  line: string
}

function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

// .NET's String.TrimStart: Char.IsWhiteSpace, which is JavaScript's \s plus NEL.
const LEADING_SPACE = /^[\s\u0085]*/

function parseV2(line: string, known: Set<string>): RunnerCommand | undefined {
  const message = line.replace(LEADING_SPACE, '')
  if (!message.startsWith('::')) return undefined
  const end = message.indexOf('::', 2)
  if (end < 0) return undefined
  const info = message.slice(2, end)
  const name = info.split(' ')[0]
  if (!known.has(name.toLowerCase())) return undefined
  return { name: name.toLowerCase(), data: unescapeData(message.slice(end + 2)), line }
}

function parseV1(line: string, known: Set<string>): RunnerCommand | undefined {
  const at = line.indexOf('##[')
  if (at < 0) return undefined
  const close = line.indexOf(']', at)
  if (close < 0) return undefined
  const name = line.slice(at + 3, close).split(' ')[0]
  if (!known.has(name.toLowerCase())) return undefined
  return { name: name.toLowerCase(), data: line.slice(close + 1), line }
}

/**
 * The commands that would take effect, in order, honouring ::stop-commands::; `open` is true
 * when a stop-commands block was never closed (every later command of the job would be lost).
 */
export function runnerCommands(stdout: string): { commands: RunnerCommand[]; open: boolean } {
  const known = new Set(RUNNER_COMMANDS)
  const commands: RunnerCommand[] = []
  let stopToken: string | undefined
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    if (!line) continue
    const command = parseV2(line, known) ?? parseV1(line, known)
    if (!command) continue
    if (stopToken !== undefined) {
      if (command.name === stopToken.toLowerCase()) {
        known.delete(stopToken.toLowerCase())
        stopToken = undefined
      }
      continue
    }
    if (command.name === 'stop-commands') {
      stopToken = command.data
      known.add(stopToken.toLowerCase())
      continue
    }
    commands.push(command)
  }
  return { commands, open: stopToken !== undefined }
}

/**
 * The blocks printed between ::stop-commands::TOKEN and ::TOKEN::, each as its text.
 */
export function stoppedBlocks(stdout: string): string[] {
  const blocks: string[] = []
  const re = /^::stop-commands::([0-9a-f]+)\n([\s\S]*?)\n::\1::$/gm
  for (const m of stdout.matchAll(re)) blocks.push(m[2])
  return blocks
}
