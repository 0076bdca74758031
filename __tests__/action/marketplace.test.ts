import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { planRelease } from '../../scripts/release.mjs'
import { ROOT } from '../helpers/action.js'

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  name: string
  description: string
  author?: string
  branding: { icon: string; color: string }
}

// GitHub's metadata syntax: branding.color is one of these; branding.icon is a Feather
// v4.28.0 icon other than the brand icons and this list.
const COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']
const OMITTED_ICONS = [
  'coffee',
  'columns',
  'divide-circle',
  'divide-square',
  'divide',
  'frown',
  'hexagon',
  'key',
  'meh',
  'mouse-pointer',
  'smile',
  'tool',
  'x-octagon'
]
// The Feather icons that would suit a chat notifier; the chosen one must be among them.
const FITTING_ICONS = ['message-circle', 'message-square', 'send', 'bell', 'mail', 'radio', 'rss']
// Marketplace names are unique. Known Rocket.Chat actions listed there; the Marketplace's
// publish form, the last step of a release, checks the rest.
const TAKEN = ['Rocket.Chat Notification']

describe('action.yml meets the Marketplace rules', () => {
  it('has a name that is not taken and does not claim to be GitHub', () => {
    expect(action.name.trim()).toBe(action.name)
    expect(action.name.length).toBeGreaterThan(0)
    expect(TAKEN.map((n) => n.toLowerCase())).not.toContain(action.name.toLowerCase())
    expect(action.name).not.toMatch(/^github\b/i)
  })

  it('has a description of at most 125 characters', () => {
    expect(action.description.length).toBeGreaterThan(20)
    expect(action.description.length).toBeLessThanOrEqual(125)
  })

  it('has branding with a valid icon and colour', () => {
    expect(COLORS).toContain(action.branding.color)
    expect(OMITTED_ICONS).not.toContain(action.branding.icon)
    expect(FITTING_ICONS).toContain(action.branding.icon)
  })

  it('has a CHANGELOG section for the version in package.json', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    expect(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')).toContain(`## [${version}]`)
  })
})

describe('scripts/release.mjs', () => {
  it('tags a new version and moves its major tag', () => {
    expect(planRelease('1.0.0', [])).toEqual({ tag: 'v1.0.0', major: 'v1', version: '1.0.0' })
    expect(planRelease('v1.2.0', ['v1', 'v1.0.0', 'v1.1.3'])).toEqual({
      tag: 'v1.2.0',
      major: 'v1',
      version: '1.2.0'
    })
    expect(planRelease('2.0.0', ['v1', 'v1.9.0'])).toMatchObject({ major: 'v2' })
  })

  it('leaves the major tag alone for a pre-release', () => {
    expect(planRelease('1.3.0-rc.1', ['v1.2.0'])).toEqual({
      tag: 'v1.3.0-rc.1',
      major: undefined,
      version: '1.3.0-rc.1'
    })
  })

  it('refuses a version that is not semver, exists, or is not newer', () => {
    expect(planRelease('1.2', [])).toEqual(
      new Error('"1.2" is not a semantic version such as 1.2.0')
    )
    expect(planRelease('1.0.0', ['v1.0.0'])).toEqual(new Error('v1.0.0 exists already'))
    expect(planRelease('1.0.1', ['v1.1.0'])).toEqual(
      new Error('v1.0.1 is not newer than the latest release v1.1.0')
    )
  })
})
