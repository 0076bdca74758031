/**
 * Hostile text through dist/index.js and the fake server: a PR body, a file name, a room name
 * or a server's answer that tries to become a workflow command, a flood, or a way out of the
 * workspace. Every run is checked the same way (expectSafe): no command takes effect that the
 * action did not issue, no secret appears anywhere, and a refused input posts nothing.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SEED, USERS } from '../../test/fake-rocketchat/seed.mjs'
import { asBot, runAction, withoutMaskCommands, type ActionRun } from '../helpers/action.js'
import { runnerCommands, stoppedBlocks } from '../helpers/runner.js'
import { fakeRocketChat } from '../helpers/fake.js'

interface Stored {
  _id: string
  msg: string
  tmid?: string
}

// Every line of it tries, in another way, to act on the runner; each command's data starts
// with PWNED, which no command the action issues does.
const PAYLOAD = [
  '::error title=Pwned::PWNED error',
  '  ::notice::PWNED indented notice',
  '\u00a0\u2003::add-mask::PWNED after Unicode spaces',
  'text before ##[warning]PWNED old-style command mid-line',
  '::set-output name=x::PWNED output',
  '::stop-commands::PWNED-token',
  '::PWNED-token::',
  '::endgroup::PWNED',
  'carriage\r::error::PWNED after a lone CR'
].join('\n')

const fake = fakeRocketChat()
let workspace: string

function freshWorkspace(): string {
  workspace = mkdtempSync(join(tmpdir(), 'rc-hostile-'))
  return workspace
}

async function run(inputs: Record<string, string>, options: { env?: Record<string, string> } = {}) {
  const before = new Set(fake.messages.keys())
  const requests = fake.requests.length
  const result = await runAction({
    inputs: { ...asBot(fake.url), room: '#general', ...inputs },
    cwd: workspace ?? freshWorkspace(),
    env: options.env
  })
  const stored = [...fake.messages.values()].filter((m: Stored) => !before.has(m._id)) as Stored[]
  const sent = fake.requests.slice(requests) as { path: string }[]
  return { run: result, stored, sent }
}

/**
 * The checks every hostile run must pass: only the action's own commands (add-mask, debug, one
 * error, warnings), none carrying the payload, no block left open,
 * no secret anywhere, no stack trace.
 */
function expectSafe(
  result: { run: ActionRun; stored: Stored[] },
  secrets: string[] = [USERS.bot.token, USERS.bot.id]
): void {
  const { run, stored } = result
  const { commands, open } = runnerCommands(run.stdout)
  expect(open).toBe(false)
  for (const command of commands) {
    expect(['add-mask', 'debug', 'warning', 'error']).toContain(command.name)
    expect(command.data.startsWith('PWNED')).toBe(false)
  }
  expect(commands.filter((c) => c.name === 'error').length).toBeLessThanOrEqual(1)
  // What was posted: its text and attachments (the stored message's u._id is the user id, rightly).
  const posted = `${withoutMaskCommands(run.all)}\n${JSON.stringify(stored.map((m) => m.msg))}`
  for (const secret of secrets) expect(posted).not.toContain(secret)
  expect(run.all).not.toMatch(/\n\s+at .+:\d+:\d+/)
}

function refusedWithNothingSent(
  result: { run: ActionRun; stored: Stored[]; sent: { path: string }[] },
  pattern: RegExp
): void {
  expect(result.run.code).toBe(1)
  expect(result.run.annotations.find((a) => a.level === 'error')?.message).toMatch(pattern)
  expect(result.stored).toEqual([])
  expect(result.sent.filter((r) => !r.path.startsWith('/api/info'))).toEqual([])
}

describe('workflow commands through the log', () => {
  it('prints the full text of a truncated message inside a stop-commands block', async () => {
    freshWorkspace()
    const message = `${PAYLOAD}\n${'x'.repeat(300)}`
    const result = await run({ message, 'max-message-length': '200' })
    expect(result.run.code).toBe(0)
    expectSafe(result)
    expect(result.stored).toHaveLength(1)
    // The whole text is in the log, as it was, where the runner reads no command.
    expect(stoppedBlocks(result.run.stdout)).toContain(message)
  })

  it('prints the dry-run request, which holds the text, inside a block', async () => {
    freshWorkspace()
    const result = await run({ message: PAYLOAD, 'dry-run': 'true' })
    expect(result.run.code).toBe(0)
    expectSafe(result)
    expect(result.stored).toEqual([])
    expect(stoppedBlocks(result.run.stdout).join('\n')).toContain('Dry run: nothing is sent.')
  })

  it('escapes file names in the upload lines and the dry-run report', async () => {
    const dir = freshWorkspace()
    mkdirSync(join(dir, 'logs'))
    const name = 'r\n::error::PWNED file\n##[notice]PWNED.log'
    writeFileSync(join(dir, 'logs', name), 'log text')
    const real = await run({ message: 'logs attached', files: 'logs/*.log' })
    expect(real.run.code).toBe(0)
    expectSafe(real)
    expect(real.run.stdout).toContain(
      'Uploading "logs/r\\n::error::PWNED file\\n#\\u0023[notice]PWNED.log"'
    )
    const dry = await run({ message: 'logs attached', files: 'logs/*.log', 'dry-run': 'true' })
    expect(dry.run.code).toBe(0)
    expectSafe(dry)
  })

  it('escapes a room name from the server in "Posted to" and the summary', async () => {
    freshWorkspace()
    const room = fake.addRoom({
      t: 'c',
      name: 'evil\n::error::PWNED room ##[warning]PWNED<img src=x onerror=alert(1)>',
      members: [USERS.bot.id]
    })
    const result = await run({ room: room._id, message: 'hello' })
    expect(result.run.code).toBe(0)
    expectSafe(result)
    expect(result.run.stdout).toContain('Posted to #evil\\n::error::PWNED room #\\u0023[warning]')
    // The summary is HTML: the name is text there, never markup.
    expect(result.run.summary).toContain('PWNED&#60;img src=x onerror=alert(1)&#62;')
    expect(result.run.summary).not.toContain('<img')
  })

  it('quotes a server error body in retry lines and the failure: one line, capped, no credentials', async () => {
    freshWorkspace()
    const echo = `boom\n::error::PWNED retry line ${USERS.bot.token} ${USERS.bot.id} ${'y'.repeat(2000)}`
    fake.inject({
      route: 'chat.sendMessage',
      kind: 'status',
      status: 500,
      times: 3,
      body: JSON.stringify({ success: false, error: echo })
    })
    const result = await run({ message: 'hello', retries: '2' })
    fake.clearFaults()
    expect(result.run.code).toBe(1)
    expectSafe(result)
    const error = result.run.annotations.find((a) => a.level === 'error')?.message ?? ''
    expect(error).toContain('boom ::error::PWNED retry line *** ***')
    expect(error.length).toBeLessThan(800)
    expect(error).not.toContain('\n')
  })

  it('reduces an HTML page to its title, escaped', async () => {
    freshWorkspace()
    fake.inject({
      route: 'chat.sendMessage',
      kind: 'status',
      status: 418,
      contentType: 'text/html',
      body: `<html><title>Denied ::error::PWNED\n##[error]PWNED ${USERS.bot.token}</title><body>${'<p>x</p>'.repeat(5000)}</body></html>`
    })
    const result = await run({ message: 'hello', retries: '0' })
    fake.clearFaults()
    expect(result.run.code).toBe(1)
    expectSafe(result)
    const error = result.run.annotations.find((a) => a.level === 'error')?.message ?? ''
    expect(error).toMatch(/HTML page \("Denied ::error::PWNED #\\u0023\[error\]PWNED \*\*\*"\)/)
    expect(error).not.toContain('<p>')
  })
})

describe('floods', () => {
  it('posts at most max-parts messages (default 10); the last says how much was left out', async () => {
    // Over what an environment variable holds: the flood comes from a template file.
    const dir = freshWorkspace()
    const message = 'word '.repeat(180_000) // 900 kB
    writeFileSync(join(dir, 'flood.json'), JSON.stringify({ message }))
    const started = Date.now()
    const result = await run({
      'template-file': 'flood.json',
      template: 'false',
      'long-message': 'split',
      'max-message-length': '1000'
    })
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(result.run.code).toBe(0)
    expectSafe(result)
    expect(result.stored).toHaveLength(10)
    const last = result.stored[9].msg
    expect(last.length).toBeLessThanOrEqual(1000)
    expect(last).toMatch(/\n\n… \(\d+ more characters not posted: full text in the run log, https:/)
    expect(result.stored.slice(1).every((m) => m.tmid === result.stored[0]._id)).toBe(true)
    // The run log holds the whole text, once, in a block.
    expect(stoppedBlocks(result.run.stdout)).toContain(message)
  })

  it('honours max-parts, and refuses one out of range before posting', async () => {
    freshWorkspace()
    const three = await run({
      message: 'z'.repeat(5000),
      'long-message': 'split',
      'max-message-length': '1000',
      'max-parts': '3'
    })
    expect(three.run.code).toBe(0)
    expect(three.stored).toHaveLength(3)
    const refused = await run({ message: 'hi', 'long-message': 'split', 'max-parts': '101' })
    expectSafe(refused)
    refusedWithNothingSent(refused, /max-parts.*1 to 100/)
  })
})

describe('secrets in every form', () => {
  it.each([
    [
      'a / in the password',
      'http://u:Pa/ss-s3cret@proxy.invalid:3128',
      ['Pa/ss-s3cret', 'Pa%2Fss-s3cret']
    ],
    [
      'an @ in the password',
      'http://u:p@ss-s3cret@proxy.invalid:notaport',
      ['p@ss-s3cret', 'p%40ss-s3cret']
    ],
    [
      'a percent-encoded password',
      'http://u:pa%2Fss-s3cret@proxy.invalid:x',
      ['pa%2Fss-s3cret', 'pa/ss-s3cret']
    ]
  ])('keeps a proxy password with %s out of the malformed-proxy error', async (_, proxy, forms) => {
    freshWorkspace()
    const result = await run({ message: 'hi', proxy })
    expectSafe(result, [USERS.bot.token, USERS.bot.id, ...forms])
    refusedWithNothingSent(result, /proxy.*is not an http\(s\) proxy URL.*percent-encoded/)
    const masked = runnerCommands(result.run.stdout)
      .commands.filter((c) => c.name === 'add-mask')
      .map((c) => c.data)
    for (const form of forms) expect(masked).toContain(form)
  })

  it('masks user-id, half of the credentials pair', async () => {
    freshWorkspace()
    const result = await run({ message: 'hi' })
    expect(result.run.code).toBe(0)
    const masked = runnerCommands(result.run.stdout).commands.filter((c) => c.name === 'add-mask')
    expect(masked.map((c) => c.data)).toContain(USERS.bot.id)
    expectSafe(result)
  })

  it('keeps a webhook token out of everything, whatever the server answers', async () => {
    freshWorkspace()
    const hook = SEED.integrations.default
    const token = hook.path.split('/').pop() as string
    fake.inject({
      route: 'hooks',
      kind: 'status',
      status: 400,
      body: JSON.stringify({ success: false, error: `no ${token}\n::error::PWNED hook` })
    })
    const result = await runAction({
      inputs: { 'webhook-url': `${fake.url}${hook.path}`, message: 'hi' },
      cwd: freshWorkspace()
    })
    fake.clearFaults()
    expect(result.code).toBe(1)
    expectSafe({ run: result, stored: [] }, [token, `${fake.url}${hook.path}`])
    expect(result.annotations.find((a) => a.level === 'error')?.message).toContain(
      '"no *** ::error::PWNED hook"'
    )
  })
})

describe('files stay in the workspace', () => {
  it('refuses a glob through a link to / before walking, naming nothing outside', async () => {
    const dir = freshWorkspace()
    symlinkSync('/', join(dir, 'rootlink'))
    const started = Date.now()
    const result = await run({ message: 'hi', files: 'rootlink/usr/**' })
    expect(Date.now() - started).toBeLessThan(5_000)
    expectSafe(result)
    refusedWithNothingSent(result, /"rootlink\/usr\/\*\*" is outside the workspace/)
    expect(result.run.all).not.toMatch(/\/usr\/(bin|lib|share)/)
  })

  it('does not follow a link to a directory that a wildcard meets', async () => {
    const dir = freshWorkspace()
    const outside = mkdtempSync(join(tmpdir(), 'rc-outside-'))
    writeFileSync(join(outside, 'secret.log'), 'outside')
    symlinkSync(outside, join(dir, 'escape'))
    const result = await run({ message: 'hi', files: '*/*.log' })
    expectSafe(result)
    refusedWithNothingSent(result, /matches no file in the workspace/)
    expect(result.run.all).not.toContain(outside)
    rmSync(outside, { recursive: true, force: true })
  })

  it.each(['../**', '/etc/*', 'a/*/../../../*'])('refuses %s before walking', async (files) => {
    freshWorkspace()
    const result = await run({ message: 'hi', files })
    expectSafe(result)
    refusedWithNothingSent(result, /is outside the workspace/)
  })
})

describe('deep JSON', () => {
  it('refuses attachments nested past 32 levels, naming the input and the depth', async () => {
    freshWorkspace()
    const deep = `[{"title":"x","fields":${'['.repeat(5000)}${']'.repeat(5000)}}]`
    const result = await run({ message: 'hi', attachments: deep })
    expectSafe(result)
    refusedWithNothingSent(result, /Input "attachments": nests .* more than 32 levels deep/)
  })

  it('refuses invalid JSON nested deep without a stack overflow', async () => {
    freshWorkspace()
    const result = await run({ message: 'hi', attachments: '['.repeat(100_000) })
    expectSafe(result)
    refusedWithNothingSent(result, /Input "attachments".*more than 32 levels deep/)
  })

  it.each([
    ['deep.json', `{"message":"x","attachments":[${'{"a":'.repeat(100)}1${'}'.repeat(100)}]}`],
    ['deep.yml', `message: x\nattachments:\n  - ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`]
  ])('refuses a template-file %s nested too deep', async (name, text) => {
    const dir = freshWorkspace()
    writeFileSync(join(dir, name), text)
    const result = await run({ 'template-file': name })
    expectSafe(result)
    refusedWithNothingSent(result, /Input "template-file".*more than 32 levels deep/)
  })
})

describe('plain http', () => {
  it.each([
    [
      { 'server-url': 'http://chat.example.com' },
      /server-url.*plain http.*allow-insecure-http: true/
    ],
    [
      {
        'server-url': '',
        'auth-token': '',
        'user-id': '',
        room: '',
        'webhook-url': 'http://chat.example.com/hooks/abcdefgh/ijklmnopqrstuvwx'
      },
      /webhook-url.*plain http.*allow-insecure-http: true/
    ]
  ])('refuses a non-loopback http URL and sends nothing', async (inputs, pattern) => {
    freshWorkspace()
    const result = await run({ message: 'hi', ...inputs })
    expectSafe(result, [USERS.bot.token, USERS.bot.id, 'ijklmnopqrstuvwx'])
    refusedWithNothingSent(result, pattern)
  })
})
