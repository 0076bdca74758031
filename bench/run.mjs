#!/usr/bin/env node
// Start-up benchmark: the action's whole process posting to #general against the local fake
// server, side by side with a floor (Node posting one chat.sendMessage with fetch), in one run.
//
//   npm run bench              (ROUNDS=30 npm run bench for more rounds)
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeRocketChat } from '../test/fake-rocketchat/server.mjs'
import { USERS } from '../test/fake-rocketchat/seed.mjs'
import { RUNNER_ENV } from '../test/runner-env.mjs'

const root = new URL('..', import.meta.url).pathname
const dist = join(root, 'dist/index.js')
const rounds = Number(process.env.ROUNDS ?? 20)
const fake = await startFakeRocketChat({ rateLimit: false })
const dir = mkdtempSync(join(tmpdir(), 'rc-bench-'))
const event = join(dir, 'event.json')
writeFileSync(event, '{}')

function actionEnv() {
  const output = join(dir, 'output')
  writeFileSync(output, '')
  return {
    ...RUNNER_ENV,
    PATH: process.env.PATH,
    GITHUB_OUTPUT: output,
    GITHUB_EVENT_PATH: event,
    'INPUT_SERVER-URL': fake.url,
    'INPUT_AUTH-TOKEN': USERS.bot.token,
    'INPUT_USER-ID': USERS.bot.id,
    INPUT_ROOM: '#general',
    INPUT_MESSAGE: 'Build {{ sha7 }} passed',
    INPUT_STATUS: 'success'
  }
}

const contenders = {
  action: () => ({ args: [dist], env: actionEnv() }),
  floor: () => ({
    args: [join(root, 'bench/floor.mjs'), fake.url, USERS.bot.id, USERS.bot.token],
    env: { PATH: process.env.PATH }
  })
}

function runOnce(name, withRss = false) {
  const { args, env } = contenders[name]()
  const preload = withRss ? ['--require', join(root, 'bench/rss.cjs')] : []
  const started = process.hrtime.bigint()
  const child = spawn(process.execPath, [...preload, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe', withRss ? 'pipe' : 'ignore']
  })
  let rss = ''
  let err = ''
  child.stderr.on('data', (d) => (err += d))
  child.stdout.resume()
  if (withRss) child.stdio[3].on('data', (d) => (rss += d))
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      if (code !== 0) reject(new Error(`${name} exited ${code}: ${err}`))
      else resolve({ ms, rssKb: Number(rss.trim()) })
    })
  )
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]

for (let i = 0; i < 3; i++) for (const name of Object.keys(contenders)) await runOnce(name)
const times = { action: [], floor: [] }
for (let i = 0; i < rounds; i++) {
  // Alternate the order so drift on the machine hits both sides alike.
  const order = i % 2 ? ['floor', 'action'] : ['action', 'floor']
  for (const name of order) times[name].push((await runOnce(name)).ms)
}
const rss = {}
for (const name of Object.keys(contenders)) rss[name] = (await runOnce(name, true)).rssKb

const stored = fake.messages.size
await fake.close()
rmSync(dir, { recursive: true, force: true })

const row = (name) =>
  `${name.padEnd(8)} median ${median(times[name]).toFixed(1).padStart(6)} ms   p90 ${p90(times[name]).toFixed(1).padStart(6)} ms   peak RSS ${(rss[name] / 1024).toFixed(1)} MiB`
console.log(
  `Whole-process time to post one message to #general on loopback, ${rounds} rounds each, node ${process.version}`
)
console.log(row('action'))
console.log(row('floor'))
console.log(
  `ratio    ${(median(times.action) / median(times.floor)).toFixed(2)}x  (action median / floor median; target at most 1.5x)`
)
console.log(`memory   ${(rss.action / rss.floor).toFixed(2)}x  (action peak RSS / floor peak RSS)`)
console.log(`dist/index.js ${(statSync(dist).size / 1024).toFixed(0)} KiB`)
console.log(`messages stored by the fake server: ${stored}`)
