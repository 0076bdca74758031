#!/usr/bin/env node
/**
 * Runs the fake Rocket.Chat server from the command line (README demo, benchmark).
 *
 *   node test/fake-rocketchat/cli.mjs [--port N] [--host H] [--version 8|6|6.3|develop]
 *                                     [--no-rate-limit] [--print-messages]
 *
 * stdout: first line {"url","userId","token"} (the seeded bot) once listening; with
 * --print-messages, then one JSON line per stored message. stderr: one line per request.
 * Runs until SIGTERM / SIGINT.
 */
import { parseArgs } from 'node:util'
import { startFakeRocketChat, SEED } from './server.mjs'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    version: { type: 'string', default: '8' },
    'print-messages': { type: 'boolean', default: false },
    'no-rate-limit': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false }
  }
})

if (values.help) {
  process.stderr.write(
    'usage: cli.mjs [--port N] [--host H] [--version 8|6|6.3|develop] [--no-rate-limit] [--print-messages]\n'
  )
  process.exit(0)
}

const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`invalid --port ${values.port}\n`)
  process.exit(2)
}

/** @type {'8'|'6'|'develop'} */
const version = /** @type {any} */ (values.version)
const fake = await startFakeRocketChat({
  port,
  host: values.host,
  version,
  ...(values['no-rate-limit'] && { rateLimit: false })
})

fake.on('request', (record) => {
  const body = record.method === 'POST' ? ` ${JSON.stringify(record.body)}` : ''
  const query = Object.keys(record.query).length ? `?${new URLSearchParams(record.query)}` : ''
  process.stderr.write(`${record.method} ${record.path}${query}${body}\n`)
})
if (values['print-messages']) {
  fake.on('message', (message) => process.stdout.write(`${JSON.stringify(message)}\n`))
}

process.stdout.write(
  `${JSON.stringify({ url: fake.url, userId: SEED.users.bot.id, token: SEED.users.bot.token })}\n`
)

const stop = async () => {
  await fake.close()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
