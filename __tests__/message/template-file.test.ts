import { beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InputError } from '../../src/errors.js'
import { loadTemplateFile } from '../../src/message/template-file.js'

let workspace = ''
let outside = ''

beforeAll(() => {
  const root = mkdtempSync(join(tmpdir(), 'template-file-'))
  workspace = join(root, 'workspace')
  outside = join(root, 'outside')
  mkdirSync(join(workspace, 'ci'), { recursive: true })
  mkdirSync(outside)
  const files: Record<string, string> = {
    'ci/notify.json': JSON.stringify({
      message: 'Build {{ job.status }}',
      alias: 'CI',
      attachments: [
        { title: '{{ pr_title }}', fields: [{ title: 'Branch', value: '{{ branch }}' }] }
      ]
    }),
    'ci/notify.yml': [
      '# comments are fine',
      'message: |',
      '  {{#pr_url}}PR {{pr_number}}{{/pr_url}}',
      '  second line',
      'attachments:',
      '  - title: "{{ github.workflow }}"',
      '    color: "#2eb886"'
    ].join('\n'),
    'ci/notify.yaml': 'alias: Bot\nattachments:\n  title: single object\n',
    'ci/notify.tpl': 'message: yaml without a known extension\n',
    'ci/notify-json.tpl': '{"message": "json without a known extension"}',
    'ci/bad.json': '{\n  "message": "x"\n  "alias": "y"\n}',
    // V8 gives no position for this one: the action finds it itself.
    'ci/bad-token.json': '{\n  "message": }',
    'ci/bad.yml': 'message: ok\nalias: [unclosed\n',
    'ci/bad.txt': 'message: [\n',
    'ci/dupe.yml': 'message: a\nmessage: b\n',
    // Nine levels of nine aliases: a billion-laughs document of a few hundred bytes.
    'ci/bomb.yml': [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...'bcdefghi'.split('').map((k, i) => {
        const prev = 'abcdefghi'[i]
        return `${k}: &${k} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`
      }),
      'message: boom'
    ].join('\n'),
    'ci/typo.json': '{"mesage": "x", "text": "y"}',
    'ci/types.json': '{"message": 42}',
    'ci/attachment-type.yml': 'attachments:\n  - "just a string"\n',
    'ci/list.json': '[{"message": "x"}]',
    'ci/empty.yml': '\n  \n',
    'ci/bom.json': '\uFEFF{"message": "with a byte order mark"}',
    '..notes.json': '{"message": "a name that starts with two dots"}'
  }
  for (const [path, text] of Object.entries(files)) writeFileSync(join(workspace, path), text)
  writeFileSync(join(outside, 'secret.json'), '{"message": "from outside"}')
  symlinkSync(join(outside, 'secret.json'), join(workspace, 'ci', 'link-out.json'))
  symlinkSync(join(workspace, 'ci', 'notify.json'), join(workspace, 'link-in.json'))
  symlinkSync(outside, join(workspace, 'dir-out'))
})

async function failure(path: string): Promise<InputError> {
  try {
    await loadTemplateFile(path, workspace)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('template-file')
    return error as InputError
  }
  throw new Error(`loading ${path} did not fail`)
}

describe('loadTemplateFile', () => {
  it('loads JSON', async () => {
    expect(await loadTemplateFile('ci/notify.json', workspace)).toEqual({
      message: 'Build {{ job.status }}',
      alias: 'CI',
      attachments: [
        { title: '{{ pr_title }}', fields: [{ title: 'Branch', value: '{{ branch }}' }] }
      ],
      path: 'ci/notify.json'
    })
  })

  it('loads YAML (.yml and .yaml), a single attachment object becoming a list', async () => {
    expect(await loadTemplateFile('ci/notify.yml', workspace)).toEqual({
      message: '{{#pr_url}}PR {{pr_number}}{{/pr_url}}\nsecond line\n',
      attachments: [{ title: '{{ github.workflow }}', color: '#2eb886' }],
      path: 'ci/notify.yml'
    })
    expect(await loadTemplateFile('ci/notify.yaml', workspace)).toEqual({
      alias: 'Bot',
      attachments: [{ title: 'single object' }],
      path: 'ci/notify.yaml'
    })
  })

  it('tries JSON then YAML for other extensions', async () => {
    expect((await loadTemplateFile('ci/notify-json.tpl', workspace)).message).toBe(
      'json without a known extension'
    )
    expect((await loadTemplateFile('ci/notify.tpl', workspace)).message).toBe(
      'yaml without a known extension'
    )
    expect((await failure('ci/bad.txt')).message).toMatch(
      /is not valid YAML \(nor valid JSON\): .* at line 2, column 1\.$/
    )
  })

  it('accepts an absolute path inside the workspace, a BOM, and a name starting with ..', async () => {
    expect((await loadTemplateFile(join(workspace, 'ci', 'notify.json'), workspace)).alias).toBe(
      'CI'
    )
    expect((await loadTemplateFile('ci/bom.json', workspace)).message).toBe(
      'with a byte order mark'
    )
    expect((await loadTemplateFile('..notes.json', workspace)).message).toBe(
      'a name that starts with two dots'
    )
    expect((await loadTemplateFile('link-in.json', workspace)).alias).toBe('CI')
  })

  it('reports JSON errors with line and column', async () => {
    expect((await failure('ci/bad.json')).message).toBe(
      `Input "template-file": "ci/bad.json" is not valid JSON: Expected ',' or '}' after property value at line 3, column 3.`
    )
    expect((await failure('ci/bad-token.json')).message).toBe(
      `Input "template-file": "ci/bad-token.json" is not valid JSON: Unexpected token '}' at line 2, column 14.`
    )
  })

  it('reports YAML errors with line and column', async () => {
    expect((await failure('ci/bad.yml')).message).toMatch(
      /^Input "template-file": "ci\/bad\.yml" is not valid YAML: .+ at line \d+, column \d+\.$/
    )
    expect((await failure('ci/dupe.yml')).message).toBe(
      'Input "template-file": "ci/dupe.yml" is not valid YAML: Map keys must be unique at line 2, column 1.'
    )
  })

  it('refuses an alias bomb, naming the input and the file', async () => {
    expect((await failure('ci/bomb.yml')).message).toMatch(
      /^Input "template-file": "ci\/bomb\.yml" is refused: Excessive alias count indicates a resource exhaustion attack\.$/
    )
  })

  it('refuses paths that leave the workspace', async () => {
    for (const path of [
      '../outside/secret.json',
      join(outside, 'secret.json'),
      'ci/../../outside/secret.json'
    ]) {
      expect((await failure(path)).message).toMatch(
        /is outside the workspace \(.*\); the template file must be inside it\.$/
      )
    }
    expect((await failure('ci/link-out.json')).message).toMatch(
      /is outside the workspace .* It is a symbolic link that leads out of it\.$/
    )
    expect((await failure('dir-out/secret.json')).message).toMatch(/is outside the workspace/)
  })

  it('says what is wrong with the file', async () => {
    expect((await failure('ci/missing.json')).message).toMatch(
      /^Input "template-file": "ci\/missing\.json" does not exist in the workspace/
    )
    expect((await failure('ci')).message).toBe('Input "template-file": "ci" is not a file.')
    expect((await failure('ci/empty.yml')).message).toBe(
      'Input "template-file": "ci/empty.yml" is empty.'
    )
    expect((await failure('  ')).message).toBe(
      'Input "template-file": is empty; give a path in the workspace.'
    )
    expect((await failure('ci/typo.json')).message).toBe(
      'Input "template-file": "ci/typo.json" has "mesage", "text"; the keys it may hold are message, alias, attachments, blocks.'
    )
    expect((await failure('ci/types.json')).message).toBe(
      'Input "template-file": "ci/types.json": message must be a string, got number "42".'
    )
    expect((await failure('ci/attachment-type.yml')).message).toBe(
      'Input "template-file": "ci/attachment-type.yml": attachments[0] must be an object, got string "just a string".'
    )
    expect((await failure('ci/list.json')).message).toMatch(
      /must hold a mapping with message, alias, attachments and\/or blocks\.$/
    )
  })
})
