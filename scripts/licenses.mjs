#!/usr/bin/env node
// Writes dist/licenses.txt: the licence of every package whose code is in the bundle, found
// from the source maps ncc writes (its own --license output misses ESM-imported packages).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const dist = join(root, 'dist')
const packages = new Set()
for (const file of readdirSync(dist).filter((f) => f.endsWith('.js.map'))) {
  const { sources } = JSON.parse(readFileSync(join(dist, file), 'utf8'))
  for (const source of sources) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source)
    if (m) packages.add(m[1])
  }
}

const sections = [...packages].sort().map((name) => {
  const dir = join(root, 'node_modules', name)
  const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f))
  const text =
    file && existsSync(join(dir, file))
      ? readFileSync(join(dir, file), 'utf8').trim()
      : `${license}`
  return `${name}@${version}\n${license}\n${text}\n`
})
writeFileSync(join(dist, 'licenses.txt'), sections.join('\n'))
console.log(`dist/licenses.txt: ${packages.size} packages`)
