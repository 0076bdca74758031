/** The fake Rocket.Chat server: its command line, cli.mjs, used by the demo and the benchmark. */
import { describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { bot } from './fixtures.js'

describe('cli.mjs', () => {
  it('prints the connection line, logs requests and prints stored messages', async () => {
    const cli = fileURLToPath(new URL('../../test/fake-rocketchat/cli.mjs', import.meta.url))
    const child = spawn(process.execPath, [cli, '--port', '0', '--print-messages'], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stderr = ''
    child.stderr.on('data', (c) => (stderr += c))
    try {
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
      const hello = JSON.parse(String((await lines.next()).value))
      expect(hello).toEqual({
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        userId: bot.id,
        token: bot.token
      })
      const res = await fetch(`${hello.url}/api/v1/chat.sendMessage`, {
        method: 'POST',
        headers: {
          'X-User-Id': hello.userId,
          'X-Auth-Token': hello.token,
          'Content-Type': 'application/json'
        },
        body: JSON.stringify({ message: { rid: 'GENERAL', msg: 'from the demo' } })
      })
      expect(res.status).toBe(200)
      const printed = JSON.parse(String((await lines.next()).value))
      expect(printed).toMatchObject({
        rid: 'GENERAL',
        msg: 'from the demo',
        u: { username: bot.username }
      })
      // stderr is a separate pipe: give it a moment to catch up with stdout.
      for (let i = 0; i < 50 && !stderr.includes('chat.sendMessage'); i++) {
        await new Promise((r) => setTimeout(r, 20))
      }
      expect(stderr).toContain(
        'POST /api/v1/chat.sendMessage {"message":{"rid":"GENERAL","msg":"from the demo"}}'
      )
    } finally {
      child.kill('SIGTERM')
    }
    const [code] = await once(child, 'exit')
    expect(code).toBe(0)
  })
})
