import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InputError } from '../../src/errors.js'
import { mediaType, resolveFiles, WALK_LIMITS } from '../../src/action/files.js'
import { megabytes } from '../../src/rocketchat/uploads.js'

let root: string
let workspace: string
const MB = 1024 * 1024
const limits = { maxBytes: 10 * MB }

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'rc-files-')))
  workspace = join(root, 'ws')
  mkdirSync(join(workspace, 'logs', 'unit'), { recursive: true })
  mkdirSync(join(workspace, 'dist'))
  writeFileSync(join(workspace, 'logs', 'build.log'), 'build output\n')
  writeFileSync(join(workspace, 'logs', 'unit', 'a.log'), 'a\n')
  writeFileSync(join(workspace, 'logs', 'unit', 'b.log'), 'bb\n')
  writeFileSync(join(workspace, 'logs', '.hidden.log'), 'hidden\n')
  writeFileSync(join(workspace, 'report.json'), '{}')
  for (let i = 0; i < 12; i++) writeFileSync(join(workspace, 'dist', `chunk-${i}.js`), 'x')
  writeFileSync(join(root, 'secret.txt'), 'outside')
  symlinkSync(join(root, 'secret.txt'), join(workspace, 'logs', 'escape.log'))
  symlinkSync(join(workspace, 'report.json'), join(workspace, 'logs', 'inside.json'))
  mkdirSync(join(workspace, 'd'))
  writeFileSync(join(workspace, 'd', 'ok.txt'), 'ok\n')
  symlinkSync(root, join(workspace, 'd', 'out'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

async function failureOf(patterns: string[], max = limits): Promise<InputError> {
  try {
    await resolveFiles(patterns, workspace, max)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error('expected an InputError')
}

describe('files.ts resolveFiles', () => {
  it('resolves paths and globs in order, each file once, with name, size and type', async () => {
    const files = await resolveFiles(
      ['logs/build.log', 'logs/unit/*.log', 'logs/{build,unit/a}.log', './report.json'],
      workspace,
      limits
    )
    expect(files.map((f) => f.shown)).toEqual([
      'logs/build.log',
      'logs/unit/a.log',
      'logs/unit/b.log',
      'report.json'
    ])
    expect(files[0]).toEqual({
      path: join(workspace, 'logs', 'build.log'),
      shown: 'logs/build.log',
      name: 'build.log',
      size: 13,
      type: 'text/plain'
    })
    expect(files[3].type).toBe('application/json')
  })

  it('skips, in a glob, a link to a directory outside, as it skips directories', async () => {
    const files = await resolveFiles(['d/*'], workspace, limits)
    expect(files.map((f) => f.shown)).toEqual(['d/ok.txt'])
    expect((await failureOf(['d/out'])).message).toMatch(
      /"d\/out" is a symbolic link to a directory outside the workspace/
    )
  })

  it('takes an absolute path inside the workspace, and a link that stays inside', async () => {
    const files = await resolveFiles(
      [join(workspace, 'logs', 'build.log'), 'logs/inside.json'],
      workspace,
      limits
    )
    expect(files.map((f) => [f.shown, f.name])).toEqual([
      ['logs/build.log', 'build.log'],
      ['logs/inside.json', 'inside.json']
    ])
  })

  it('returns nothing, and touches nothing, for no patterns', async () => {
    expect(await resolveFiles([], '/no/such/workspace', limits)).toEqual([])
  })

  it.each([
    [['logs/missing.log'], /^Input "files": "logs\/missing.log": no such file in the workspace/],
    [
      ['logs/*.txt'],
      /^Input "files": "logs\/\*.txt" matches no file in the workspace .*if: failure\(\)/
    ],
    [['logs'], /"logs" is a directory, not a file.*"logs\/\*.log"/],
    [['../secret.txt'], /"..\/secret.txt" is outside the workspace/],
    [['../**'], /"..\/\*\*" is outside the workspace/],
    [['/etc/hostname'], /"\/etc\/hostname" is outside the workspace/],
    [['logs/escape.log'], /"logs\/escape.log" is a symbolic link to a file outside the workspace/],
    [['logs/*.log'], /"logs\/escape.log" is a symbolic link to a file outside the workspace/]
  ])('refuses %j before anything is posted', async (patterns, expected) => {
    expect((await failureOf(patterns)).message).toMatch(expected)
  })

  it('does not pick up hidden files with *', async () => {
    const files = await resolveFiles(['logs/unit/*', 'logs/build.*'], workspace, limits)
    expect(files.map((f) => f.name)).toEqual(['a.log', 'b.log', 'build.log'])
  })

  it('names the file over files-max-mb', async () => {
    const error = await failureOf(['logs/unit/*.log', 'logs/build.log'], { maxBytes: 10 })
    expect(error.message).toBe(
      'Input "files": "logs/build.log" is 13 bytes, over files-max-mb (10 bytes).'
    )
  })

  it('bounds all the files together by files-max-mb', async () => {
    const error = await failureOf(['logs/build.log', 'report.json'], { maxBytes: 14 })
    expect(error.message).toMatch(/the 2 files add up to 15 bytes, over files-max-mb \(14 bytes\)/)
  })

  it('refuses a glob that matches a build directory', async () => {
    const error = await failureOf(['dist/*'])
    expect(error.message).toMatch(
      /matches 12 files \(dist\/chunk-0.js, dist\/chunk-1.js, dist\/chunk-10.js, .*at most 10 are uploaded, each as its own message/
    )
  })
})

describe('files.ts helpers', () => {
  it.each([
    ['build.LOG', 'text/plain'],
    ['shot.png', 'image/png'],
    ['junit.xml', 'application/xml'],
    ['core', 'application/octet-stream']
  ])('%s is %s', (name, type) => {
    expect(mediaType(name)).toBe(type)
  })

  it('writes sizes as people read them', () => {
    expect([megabytes(512), megabytes(1536), megabytes(12.34 * MB)]).toEqual([
      '512 bytes',
      '1.5 KB',
      '12.3 MB'
    ])
  })
})

describe('walking a glob is bounded', () => {
  it('gives up past the entry limit with an error that says how to narrow the glob', async () => {
    const saved = { ...WALK_LIMITS }
    WALK_LIMITS.entries = 5
    try {
      await expect(resolveFiles(['**/*.js'], workspace, limits)).rejects.toThrow(
        /"\*\*\/\*\.js" walks too much of the workspace \(over 5 entries or 10 s\).*Narrow it/
      )
    } finally {
      Object.assign(WALK_LIMITS, saved)
    }
  })
})
