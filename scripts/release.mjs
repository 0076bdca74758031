#!/usr/bin/env node
// Tags a release the way the Marketplace and `uses: …@v1` expect, after checking that what
// is tagged is what was tested: a clean tree, dist/ rebuilt from src/ with no difference,
// package.json and CHANGELOG.md at the version. Then it creates the vX.Y.Z tag and moves
// the major tag (v1) to it, as actions/typescript-action's script/release does.
//
//   node scripts/release.mjs 1.2.0            check, tag locally, print the push commands
//   node scripts/release.mjs 1.2.0 --push     … and push both tags to origin
//   node scripts/release.mjs 1.2.0 --dry-run  check only
//
// A pre-release (1.3.0-rc.1) gets its tag but does not move the major tag.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/

/**
 * What to tag for `version`, given the existing tags, or an Error saying what is wrong.
 * @param {string} version
 * @param {string[]} tags
 */
export function planRelease(version, tags) {
  const m = SEMVER.exec(version.replace(/^v/, ''))
  if (!m) return new Error(`"${version}" is not a semantic version such as 1.2.0`)
  const plain = version.replace(/^v/, '')
  const tag = `v${plain}`
  if (tags.includes(tag)) return new Error(`${tag} exists already`)
  const newest = tags
    .map((t) => SEMVER.exec(t.replace(/^v/, '')))
    .filter((t) => t && !t[4])
    .map((t) => [Number(t[1]), Number(t[2]), Number(t[3])])
    .sort((a, b) => b[0] - a[0] || b[1] - a[1] || b[2] - a[2])[0]
  const wanted = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (newest && compare(wanted, newest) <= 0 && !m[4]) {
    return new Error(`${tag} is not newer than the latest release v${newest.join('.')}`)
  }
  return { tag, major: m[4] ? undefined : `v${m[1]}`, version: plain }
}

function compare(a, b) {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]
}

function git(...args) {
  return execFileSync('git', args, { encoding: 'utf8' }).trim()
}

function fail(message) {
  console.error(`release: ${message}`)
  process.exit(1)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2)
  const version = args.find((a) => !a.startsWith('--'))
  if (!version) fail('give the version, for example: node scripts/release.mjs 1.2.0')
  const plan = planRelease(version, git('tag', '--list', 'v*').split('\n').filter(Boolean))
  if (plan instanceof Error) fail(plan.message)

  if (git('status', '--porcelain')) fail('the working tree has changes; commit or stash them first')
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
  if (pkg.version !== plan.version) {
    fail(`package.json says ${pkg.version}; set it to ${plan.version} and commit first`)
  }
  const changelog = readFileSync('CHANGELOG.md', 'utf8')
  if (!changelog.includes(`## [${plan.version}]`)) {
    fail(`CHANGELOG.md has no "## [${plan.version}]" section`)
  }
  console.log('Rebuilding dist/ to check it is the bundle of src/ …')
  execFileSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] })
  if (git('status', '--porcelain', '--', 'dist')) {
    fail('dist/ differs from a fresh build of src/: commit the result of npm run build first')
  }

  const head = git('rev-parse', '--short', 'HEAD')
  if (args.includes('--dry-run')) {
    console.log(`Would tag ${head} as ${plan.tag}${plan.major ? ` and move ${plan.major}` : ''}.`)
    process.exit(0)
  }
  git('tag', '--annotate', plan.tag, '--message', plan.tag)
  if (plan.major) git('tag', '--force', '--annotate', plan.major, '--message', plan.tag)
  console.log(
    `Tagged ${head} as ${plan.tag}${plan.major ? `; ${plan.major} now points there too` : ''}.`
  )
  const push = [`git push origin ${plan.tag}`]
  if (plan.major) push.push(`git push --force origin ${plan.major}`)
  if (args.includes('--push')) {
    for (const command of push) execFileSync('sh', ['-c', command], { stdio: 'inherit' })
  } else {
    console.log(`To publish:\n  ${push.join('\n  ')}`)
  }
  console.log(
    'Then draft a GitHub release from the tag, tick "Publish this Action to the GitHub Marketplace", and paste the CHANGELOG section.'
  )
}
