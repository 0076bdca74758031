import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { ROOT } from './helpers/action.js'

// The layers of src/, top to bottom; a module may import its own layer and those below it.
// errors.ts (InputError, quote) is shared by the layers above the client.
const LAYERS = ['action', 'delivery', 'message', 'shared', 'rocketchat'] as const
const SRC = join(ROOT, 'src')

function layerOf(file: string): string {
  const [first] = relative(SRC, file).split('/')
  if (first === 'errors.ts' || first === 'errors.js') return 'shared'
  if (first === 'index.ts') return 'entry'
  return first
}

function imports(): { from: string; to: string; spec: string }[] {
  const out: { from: string; to: string; spec: string }[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8')
        for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from '([^']+)'/g)) {
          const spec = m[1]
          out.push({
            from: path,
            spec,
            to: spec.startsWith('.') ? join(dirname(path), spec) : spec
          })
        }
        for (const m of text.matchAll(/import\('([^']+)'\)/g)) {
          out.push({ from: path, spec: m[1], to: join(dirname(path), m[1]) })
        }
      }
    }
  }
  walk(SRC)
  return out
}

describe('src/ layers', () => {
  const all = imports()

  it('finds the imports it checks', () => {
    expect(all.length).toBeGreaterThan(80)
  })

  it('has arrows only downward: action -> delivery -> message -> errors.ts, all -> rocketchat', () => {
    const upward = all
      .filter((i) => i.spec.startsWith('.'))
      .filter((i) => {
        const from = layerOf(i.from)
        const to = layerOf(i.to)
        if (from === 'entry') return to !== 'action'
        return LAYERS.indexOf(to as never) < LAYERS.indexOf(from as never)
      })
      .map((i) => `${relative(SRC, i.from)} -> ${i.spec}`)
    expect(upward).toEqual([])
  })

  it('keeps the Rocket.Chat client to itself, Node and undici', () => {
    const outside = all
      .filter((i) => layerOf(i.from) === 'rocketchat')
      .filter((i) =>
        i.spec.startsWith('.') ? layerOf(i.to) !== 'rocketchat' : !/^(node:|undici$)/.test(i.spec)
      )
      .map((i) => `${relative(SRC, i.from)} -> ${i.spec}`)
    expect(outside).toEqual([])
  })

  it('keeps GitHub Actions to the action layer', () => {
    const leaks = all
      .filter((i) => /^@actions\//.test(i.spec) && layerOf(i.from) !== 'action')
      .map((i) => `${relative(SRC, i.from)} -> ${i.spec}`)
    expect(leaks).toEqual([])
  })
})
