#!/usr/bin/env node
// The benchmark, whole processes measured side by side in one run, in two parts:
//
// 1. Start-up, on loopback: the action posting to #general and to a room id, against the
//    physical floor (node:http posting one chat.sendMessage) and @actions/core loaded alone.
//    Interleaved rounds (the order rotates each round); medians; peak RSS from one more run.
// 2. Network: the fake server over TLS (ca-cert) behind a proxy that delays each way
//    (test/delay-proxy.mjs), for six cases, each against a floor script that makes the fewest
//    requests the case needs on one kept-alive connection (bench/floor-net.mjs). Counted at the
//    server and the proxy: requests, TLS handshakes, round trips; timed: the whole process, and
//    the network span (first connection to last byte) that a far runner pays.
//
//   npm run bench                      short run (10 loopback rounds, 3 runs per network case)
//   npm run bench -- --full            30 loopback rounds, 10 runs per case
//   DELAY_MS=50 npm run bench          one-way delay of the simulated network (default 25 ms)
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDelayProxy } from '../test/delay-proxy.mjs'
import { job, startFakeGitHub } from '../test/fake-github/server.mjs'
import { startFakeRocketChat } from '../test/fake-rocketchat/server.mjs'
import { INTEGRATIONS, ROOMS, USERS } from '../test/fake-rocketchat/seed.mjs'
import { RUNNER_ENV } from '../test/runner-env.mjs'

const root = new URL('..', import.meta.url).pathname
const dist = join(root, 'dist/index.js')
const full = process.argv.includes('--full')
const rounds = Number(process.env.ROUNDS ?? (full ? 30 : 10))
const netRuns = Number(process.env.NET_RUNS ?? (full ? 10 : 3))
const delayMs = Number(process.env.DELAY_MS ?? 25)
const dir = mkdtempSync(join(tmpdir(), 'rc-bench-'))
const event = join(dir, 'event.json')
const output = join(dir, 'output')
writeFileSync(event, '{}')
writeFileSync(join(dir, 'report.txt'), 'all green\n')
const tls = (name) => readFileSync(join(root, '__tests__/fixtures/tls', name), 'utf8')
const caFile = join(root, '__tests__/fixtures/tls/ca.pem')

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function actionEnv(inputs) {
  writeFileSync(output, '')
  return {
    ...RUNNER_ENV,
    PATH: process.env.PATH,
    GITHUB_OUTPUT: output,
    GITHUB_EVENT_PATH: event,
    GITHUB_WORKSPACE: dir,
    INPUT_STATUS: 'success',
    INPUT_RETRIES: '2',
    'INPUT_TIMEOUT-SECONDS': '30',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
  }
}

function outputs() {
  const found = {}
  for (const m of readFileSync(output, 'utf8').matchAll(/^([\w-]+)<<(\S+)\n([^]*?)\n\2$/gm))
    found[m[1]] = m[3]
  return found
}

/** Runs `node args` once; its wall time in ms and, with `withRss`, its peak RSS in KiB. */
function runOnce({ args, env }, withRss = false) {
  const preload = withRss ? ['--require', join(root, 'bench/rss.cjs')] : []
  const started = process.hrtime.bigint()
  const child = spawn(process.execPath, [...preload, ...args], {
    env,
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe', withRss ? 'pipe' : 'ignore']
  })
  let rss = ''
  let out = ''
  child.stderr.on('data', (d) => (out += d))
  child.stdout.on('data', (d) => (out += d))
  if (withRss) child.stdio[3].on('data', (d) => (rss += d))
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      if (code !== 0 || /::error::/.test(out)) reject(new Error(`${args[0]} failed: ${out}`))
      else resolve({ ms, rssKb: Number(rss.trim()) })
    })
  )
}

// ---------------------------------------------------------------------------------------------
// 1. Start-up on loopback

async function startup() {
  const fake = await startFakeRocketChat({ rateLimit: false })
  const bot = { 'server-url': fake.url, 'auth-token': USERS.bot.token, 'user-id': USERS.bot.id }
  // preset run reads the run's jobs from GitHub: @actions/github is loaded for it alone, so
  // the plain posts above must not pay for it (compare their rows with this one).
  const github = await startFakeGitHub({
    token: 'ghs_bench',
    attempts: {
      [`${RUNNER_ENV.GITHUB_RUN_ID}/1`]: [
        job({ id: 1, name: 'build' }),
        job({ id: 2, name: 'test', conclusion: 'failure', failedStep: 'Run tests' }),
        job({ id: 3, name: 'notify', status: 'in_progress', runner: RUNNER_ENV.RUNNER_NAME })
      ]
    }
  })
  const contenders = {
    'floor (node:http, 1 request)': () => ({
      args: [join(root, 'bench/floor.mjs'), fake.url, USERS.bot.id, USERS.bot.token],
      env: { PATH: process.env.PATH }
    }),
    'action, #general (2 requests)': () => ({
      args: [dist],
      env: actionEnv({ ...bot, room: '#general', message: 'Build {{ sha7 }} passed' })
    }),
    'action, room id (2 at once)': () => ({
      args: [dist],
      env: actionEnv({ ...bot, room: 'GENERAL', message: 'Build {{ sha7 }} passed' })
    }),
    'action, preset run (+ GitHub API)': () => ({
      args: [dist],
      env: {
        ...actionEnv({ ...bot, room: 'GENERAL', preset: 'run', 'github-token': 'ghs_bench' }),
        GITHUB_API_URL: github.url
      }
    }),
    '@actions/core alone': () => ({
      args: [join(root, 'bench/core-only.mjs')],
      env: { PATH: process.env.PATH }
    })
  }
  const names = Object.keys(contenders)
  for (const name of names) await runOnce(contenders[name]())
  const times = Object.fromEntries(names.map((n) => [n, []]))
  for (let i = 0; i < rounds; i++) {
    // Rotate the order so that drift on the machine hits every contender alike.
    const order = names.map((_, j) => names[(i + j) % names.length])
    for (const name of order) times[name].push((await runOnce(contenders[name]())).ms)
  }
  const rss = {}
  for (const name of names) rss[name] = (await runOnce(contenders[name](), true)).rssKb
  await fake.close()
  await github.close()

  const floor = names[0]
  console.log(
    `\n1. Start-up on loopback: ${rounds} interleaved rounds, medians, node ${process.version}`
  )
  console.log('| command | median ms | x floor (per-round ratio, median) | peak RSS |')
  console.log('|---|---|---|---|')
  for (const name of names) {
    const ratios = times[name].map((t, i) => t / times[floor][i])
    console.log(
      `| ${name} | ${median(times[name]).toFixed(1)} | ${median(ratios).toFixed(2)} | ${(rss[name] / 1024).toFixed(1)} MiB |`
    )
  }
  console.log(`dist/index.js ${(statSync(dist).size / 1024).toFixed(0)} KiB`)
}

// ---------------------------------------------------------------------------------------------
// 2. Network: TLS behind a delaying proxy

async function network() {
  const fake = await startFakeRocketChat({
    rateLimit: false,
    tls: { cert: tls('server.pem'), key: tls('server.key') }
  })
  const proxy = await startDelayProxy({
    target: { host: '127.0.0.1', port: Number(new URL(fake.url).port) },
    delayMs
  })
  const server = `https://127.0.0.1:${proxy.port}`
  const bot = {
    'server-url': server,
    'auth-token': USERS.bot.token,
    'user-id': USERS.bot.id,
    'ca-cert': tls('ca.pem')
  }
  const hook = `${server}${INTEGRATIONS.default.path}`
  const key = `bench-${Date.now()}`
  let thread = ''

  const floorArgs = (name, extra = '') => ({
    args: [
      join(root, 'bench/floor-net.mjs'),
      name,
      server,
      caFile,
      USERS.bot.id,
      USERS.bot.token,
      extra
    ],
    env: { PATH: process.env.PATH }
  })
  const cases = [
    {
      name: 'post to #general',
      action: () => ({ ...bot, room: '#general', message: 'net #name' }),
      floor: () => floorArgs('name'),
      floorShape: '2 one after the other'
    },
    {
      name: 'post to a room id',
      action: () => ({ ...bot, room: ROOMS['ci-builds'].id, message: 'net id' }),
      floor: () => floorArgs('id'),
      floorShape: '1'
    },
    {
      name: 'post to @alice',
      action: () => ({ ...bot, room: '@alice', message: 'net dm' }),
      floor: () => floorArgs('user'),
      floorShape: '2 one after the other'
    },
    {
      name: 'keyed update',
      action: () => ({
        ...bot,
        room: '#general',
        message: `net keyed ${Date.now()}`,
        'message-key': key
      }),
      floor: (ids) => floorArgs('keyed', ids.keyed),
      floorShape: '3 one after the other'
    },
    {
      name: 'reply with a file',
      action: () => ({
        ...bot,
        room: '#general',
        message: 'net file',
        'thread-id': thread,
        files: 'report.txt'
      }),
      floor: () => floorArgs('file', thread),
      floorShape: '3 at once, then 3'
    },
    {
      name: 'webhook post',
      action: () => ({ 'webhook-url': hook, 'ca-cert': tls('ca.pem'), message: 'net hook' }),
      floor: () => floorArgs('webhook', INTEGRATIONS.default.path),
      floorShape: '1'
    }
  ]

  // Setup: the thread to reply in, and the keyed message the update case finds.
  await runOnce({ args: [dist], env: actionEnv({ ...bot, room: '#general', message: 'thread' }) })
  thread = outputs()['message-id']
  await runOnce({ args: [dist], env: actionEnv(cases[3].action()) })
  const ids = { keyed: outputs()['message-id'] }

  const measure = async (command) => {
    const from = fake.requests.length
    proxy.reset()
    const { ms } = await runOnce(command)
    const t = proxy.traffic
    return {
      ms,
      netMs: t.lastAt - t.firstAt,
      requests: fake.requests.length - from,
      handshakes: t.handshakes,
      roundTrips: t.roundTrips
    }
  }
  const rows = []
  for (const c of cases) {
    const actionCmd = () => ({ args: [dist], env: actionEnv(c.action()) })
    await measure(actionCmd())
    await measure(c.floor(ids))
    const a = []
    const f = []
    for (let i = 0; i < netRuns; i++) {
      if (i % 2) {
        f.push(await measure(c.floor(ids)))
        a.push(await measure(actionCmd()))
      } else {
        a.push(await measure(actionCmd()))
        f.push(await measure(c.floor(ids)))
      }
    }
    const m = (xs, k) => median(xs.map((x) => x[k]))
    const ratio = (k) => median(a.map((x, i) => x[k] / f[i][k]))
    rows.push(
      `| ${c.name} | ${m(a, 'requests')} / ${m(f, 'requests')} (${c.floorShape}) | ${m(a, 'handshakes')} / ${m(f, 'handshakes')} | ${m(a, 'roundTrips')} / ${m(f, 'roundTrips')} | ${m(a, 'netMs').toFixed(0)} / ${m(f, 'netMs').toFixed(0)} | ${ratio('netMs').toFixed(2)} | ${ratio('ms').toFixed(2)} |`
    )
  }
  await proxy.close()
  await fake.close()

  console.log(
    `\n2. Network: TLS through a proxy adding ${delayMs} ms each way (${2 * delayMs} ms round trips), ${netRuns} interleaved runs per case, medians; action / floor`
  )
  console.log(
    '| case | requests (floor) | TLS handshakes | round trips | network ms | x floor, network | x floor, whole process |'
  )
  console.log('|---|---|---|---|---|---|---|')
  for (const row of rows) console.log(row)
  console.log(
    'Round trips include the TCP and TLS handshakes; "network" is from the first connection to the last byte.'
  )
}

try {
  await startup()
  await network()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
