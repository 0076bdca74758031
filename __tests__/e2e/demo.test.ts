import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { USERS } from '../../test/fake-rocketchat/seed.mjs'
import { ROOT } from '../helpers/action.js'

describe('npm run demo', () => {
  it('posts the status of the recorded push, consistently, and never shows the token', () => {
    const demo = spawnSync(process.execPath, [join(ROOT, 'scripts', 'demo.mjs'), '--message', ''], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000
    })
    expect(demo.status).toBe(0)
    const all = `${demo.stdout}\n${demo.stderr}`
    expect(all).not.toContain(USERS.bot.token)
    expect(all).not.toMatch(/^::add-mask::/m)
    // The card names the push's own commit with that commit's message, on its branch.
    expect(demo.stdout).toContain(
      '[6113728](https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246) Initial commit — Codertocat'
    )
    expect(demo.stdout).toContain('on master in [Codertocat/Hello-World]')
    expect(demo.stdout).toContain('action=posted')
  })
})
