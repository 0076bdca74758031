import { afterAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'dotenv'
import { INPUTS } from '../../src/action/inputs.js'
import { ROOT } from '../helpers/action.js'
import { fakeRocketChat } from '../helpers/fake.js'

const fake = fakeRocketChat()
const dir = mkdtempSync(join(tmpdir(), 'rc-local-'))
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

const example = readFileSync(join(ROOT, '.env.example'), 'utf8')

describe('npm run local (@github/local-action with .env.example)', () => {
  it('reads every value of .env.example as meant: # and {{ }} survive dotenv', () => {
    const env = parse(example)
    expect(env['INPUT_ROOM']).toBe('#general')
    expect(env['INPUT_MESSAGE']).toContain('{{ github.repository }}')
    for (const name of Object.keys(env).filter((n) => n.startsWith('INPUT_'))) {
      const input = name.slice('INPUT_'.length).toLowerCase()
      expect([input, input in INPUTS]).toEqual([input, true])
    }
    // Without a status input, the status preset would say "unknown" outside a workflow.
    expect(env['INPUT_STATUS']).toBe('success')
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.env')
  })

  it('posts the example message through local-action, as the README says', async () => {
    const envFile = join(dir, '.env')
    writeFileSync(envFile, example.replace('http://127.0.0.1:3000', fake.url))
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    expect(pkg.scripts.local).toBe('local-action . src/action/main.ts .env')
    const bin = join(ROOT, 'node_modules', '.bin', 'local-action')
    const child = spawn(bin, ['.', 'src/action/main.ts', envFile], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c))
    const killer = setTimeout(() => child.kill('SIGKILL'), 90_000)
    const code = await new Promise<number | null>((done) => child.on('close', done))
    clearTimeout(killer)
    expect({ code, errors: out.split('\n').filter((l) => /^::(error|warning)/.test(l)) }).toEqual({
      code: 0,
      errors: []
    })
    const stored = fake.messagesIn('GENERAL') as { msg: string }[]
    expect(stored.map((m) => m.msg)).toContain(
      'Hello from Codertocat/Hello-World on master, run locally'
    )
  }, 120_000)
})
