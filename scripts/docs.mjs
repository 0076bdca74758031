#!/usr/bin/env node
// Regenerates the input and output tables of README.md from action.yml, the one source of
// truth, between the <!-- inputs --> and <!-- outputs --> markers. `--check` only compares.
import { readFileSync, writeFileSync } from 'node:fs'
import * as prettier from 'prettier'
import { parse } from 'yaml'

const root = new URL('..', import.meta.url).pathname
const action = parse(readFileSync(`${root}action.yml`, 'utf8'))

const cell = (text) =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .replace(/\|/g, '\\|')
    .trim()
const code = (text) => (text === undefined || text === '' ? '' : `\`${cell(text)}\``)

export function inputsTable() {
  const rows = Object.entries(action.inputs).map(
    ([name, spec]) =>
      `| \`${name}\` | ${spec.required ? 'yes' : 'no'} | ${code(spec.default)} | ${cell(spec.description)} |`
  )
  return ['| Input | Required | Default | Description |', '|---|---|---|---|', ...rows].join('\n')
}

export function outputsTable() {
  const rows = Object.entries(action.outputs).map(
    ([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`
  )
  return ['| Output | Description |', '|---|---|', ...rows].join('\n')
}

/** The README with fresh tables, formatted as prettier would (so lint and this agree). */
export async function withTables(readme) {
  const put = (text, marker, table) => {
    const re = new RegExp(`(<!-- ${marker}:start -->)[\\s\\S]*?(<!-- ${marker}:end -->)`)
    if (!re.test(text)) throw new Error(`README.md lacks the <!-- ${marker}:start/end --> markers`)
    return text.replace(re, (_, open, close) => `${open}\n${table}\n${close}`)
  }
  const text = put(put(readme, 'inputs', inputsTable()), 'outputs', outputsTable())
  const options = (await prettier.resolveConfig(`${root}README.md`)) ?? {}
  return prettier.format(text, { ...options, parser: 'markdown' })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = `${root}README.md`
  const readme = readFileSync(path, 'utf8')
  const updated = await withTables(readme)
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      console.error('README.md tables differ from action.yml: run npm run docs')
      process.exit(1)
    }
  } else if (updated !== readme) {
    writeFileSync(path, updated)
    console.log('README.md tables updated from action.yml')
  }
}
