import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { INPUTS, type InputSpec } from '../../src/action/inputs.js'
import { outputsOf } from '../../src/action/outputs.js'
import { ROOT, actionYml } from '../helpers/action.js'
import { withTables } from '../../scripts/docs.mjs'

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')

function tableRows(marker: string): string[] {
  const block =
    new RegExp(`<!-- ${marker}:start -->([\\s\\S]*?)<!-- ${marker}:end -->`).exec(readme)?.[1] ?? ''
  return [...block.matchAll(/^\| `([^`]+)`\s+\|/gm)].map((m) => m[1])
}

describe('action.yml, README and code agree', () => {
  it('lists in INPUTS exactly the inputs action.yml declares, in its order', () => {
    expect(Object.keys(INPUTS)).toEqual(Object.keys(actionYml.inputs))
  })

  it('gives each input the default and the choices action.yml documents', () => {
    const inputs = actionYml.inputs as Record<string, { default?: string; description: string }>
    for (const [name, spec] of Object.entries(INPUTS) as [string, InputSpec][]) {
      const yml = inputs[name]
      const declared = spec.kind === 'text' ? undefined : spec.default
      // A text input's default, when it has one, is an expression the runner fills in.
      if (spec.kind !== 'text') {
        expect([name, yml.default]).toEqual([
          name,
          declared === undefined ? undefined : String(declared)
        ])
      }
      if (spec.kind === 'choice') {
        for (const choice of spec.choices)
          expect([name, yml.description]).toEqual([name, expect.stringContaining(choice)])
      }
    }
  })

  it('reads every input through the table: no input name is read as a bare string elsewhere', () => {
    const settings = readFileSync(join(ROOT, 'src', 'action', 'settings.ts'), 'utf8')
    const read = [
      ...settings.matchAll(/getInput\('([a-z-]+)'\)|read\w+\(getInput, '([a-z-]+)'/g)
    ].map((m) => m[1] ?? m[2])
    expect(read.length).toBeGreaterThan(20)
    for (const name of read) expect([name, name in INPUTS]).toEqual([name, true])
  })

  it('lists every input and output in the README tables, as generated from action.yml', async () => {
    expect(tableRows('inputs')).toEqual(Object.keys(actionYml.inputs))
    expect(tableRows('outputs')).toEqual(Object.keys(actionYml.outputs))
    expect(await withTables(readme)).toBe(readme)
  })

  it('sets exactly the outputs action.yml declares', () => {
    const outputs = outputsOf(
      {
        message: { _id: 'm1', rid: 'GENERAL', ts: 0 },
        room: { id: 'GENERAL', name: 'general', type: 'c' },
        threadId: '',
        parts: 1,
        action: 'posted'
      },
      new URL('https://chat.example.com')
    )
    expect(Object.keys(outputs).sort()).toEqual(Object.keys(actionYml.outputs).sort())
  })

  it('uses only real inputs in every README example', () => {
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1])
    const steps: { uses?: unknown; with?: Record<string, unknown> }[] = []
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect)
      else if (node && typeof node === 'object') {
        const step = node as { uses?: unknown; with?: Record<string, unknown> }
        if (typeof step.uses === 'string' && step.uses.includes('rocketchat-notify-action'))
          steps.push(step)
        Object.values(node).forEach(collect)
      }
    }
    for (const block of blocks) {
      try {
        collect(parse(block))
      } catch {
        // A fragment of a step (a `with:` excerpt) is not a whole document.
      }
    }
    expect(steps.length).toBeGreaterThan(10)
    const known = new Set(Object.keys(actionYml.inputs))
    for (const step of steps) {
      for (const name of Object.keys(step.with ?? {}))
        expect([name, known.has(name)]).toEqual([name, true])
    }
  })

  it('runs on node24 from dist/index.js', () => {
    const yml = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
      runs: { using: string; main: string }
    }
    expect(yml.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(readFileSync(join(ROOT, '.node-version'), 'utf8').trim()).toMatch(/^24\./)
  })
})
