#!/usr/bin/env node
// Runs the committed action (dist/index.js) for real against the local fake Rocket.Chat
// server, the way a runner would, and shows what the server stored and the step outputs.
//
//   npm run demo
//   npm run demo -- --room @alice --message 'Deploy of {{ github.repository }} done'
//   npm run demo -- --message '' --input status=failure --input mention=@ops
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startFakeRocketChat } from '../test/fake-rocketchat/server.mjs'
import { USERS } from '../test/fake-rocketchat/seed.mjs'
import { FIXTURE_RUNNER_ENV, FIXTURE_RUNS, RUNNER_ENV } from '../test/runner-env.mjs'

const { values } = parseArgs({
  options: {
    room: { type: 'string', default: '#general' },
    message: {
      type: 'string',
      default:
        'Build {{ github.run_number }} of *{{ github.repository }}* passed on `{{ github.ref_name }}` :white_check_mark:'
    },
    attachments: { type: 'string' },
    input: { type: 'string', multiple: true, default: [] }
  }
})

const root = new URL('..', import.meta.url).pathname
const fake = await startFakeRocketChat({ rateLimit: false })
const dir = mkdtempSync(join(tmpdir(), 'rc-demo-'))
const files = {
  output: join(dir, 'output'),
  summary: join(dir, 'summary'),
  event: join(dir, 'event.json')
}
writeFileSync(files.output, '')
writeFileSync(files.summary, '')
writeFileSync(files.event, readFileSync(join(root, '__tests__/fixtures/events/push.json'), 'utf8'))

const inputs = {
  'server-url': fake.url,
  'auth-token': USERS.bot.token,
  'user-id': USERS.bot.id,
  room: values.room,
  message: values.message,
  ...(values.attachments && { attachments: values.attachments }),
  status: 'success'
}
for (const pair of values.input) {
  const at = pair.indexOf('=')
  if (at < 1) throw new Error(`--input takes name=value, got ${pair}`)
  inputs[pair.slice(0, at)] = pair.slice(at + 1)
}
// The recorded push event with the variables the runner sets beside it, so the repository,
// branch and commit in the message all belong to that push.
const env = {
  ...RUNNER_ENV,
  ...FIXTURE_RUNNER_ENV,
  ...FIXTURE_RUNS.push,
  PATH: process.env.PATH,
  GITHUB_OUTPUT: files.output,
  GITHUB_STEP_SUMMARY: files.summary,
  GITHUB_EVENT_PATH: files.event,
  GITHUB_WORKSPACE: process.cwd()
}
for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value

console.log(
  `Fake Rocket.Chat listening on ${fake.url}; running dist/index.js as user ${USERS.bot.username}\n`
)
// The action's first lines ask the runner to mask the token (::add-mask::<token>); a runner
// swallows them, and so does the demo, so the token never shows in its output.
let masked = 0
const code = await new Promise((done) => {
  const child = spawn(process.execPath, [join(root, 'dist/index.js')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let pending = ''
  const show = (line) => {
    if (line.startsWith('::add-mask::')) masked++
    else process.stdout.write(`${line}\n`)
  }
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    const lines = (pending + chunk).split('\n')
    pending = lines.pop()
    lines.forEach(show)
  })
  child.on('close', (status) => {
    if (pending) show(pending)
    done(status)
  })
})
if (masked)
  console.log(
    `(${masked} ::add-mask:: line${masked === 1 ? '' : 's'} for the runner, holding the token, not shown)`
  )

console.log('\n--- What the server stored ---')
for (const message of fake.messages.values()) {
  const { _id, rid, msg, alias, emoji, attachments, tmid, u } = message
  console.log(JSON.stringify({ _id, rid, msg, alias, emoji, tmid, attachments, u }, null, 2))
}
console.log('\n--- Step outputs (GITHUB_OUTPUT) ---')
console.log(
  readFileSync(files.output, 'utf8')
    .replace(/<<ghadelimiter_[^\n]+\n/g, '=')
    .replace(/\nghadelimiter_[^\n]+/g, '')
)
rmSync(dir, { recursive: true, force: true })
await fake.close()
process.exit(code ?? 1)
