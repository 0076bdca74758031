import { describe, expect, it } from '@jest/globals'
import type { WorkflowContext } from '../../src/message/context.js'
import { InputError } from '../../src/errors.js'
import { ZWSP } from '../../src/message/neutralise.js'
import {
  renderAttachments,
  renderTemplate,
  type TemplateOptions
} from '../../src/message/template.js'
import { contextOf, prEvent } from '../helpers/context.js'

const contextWith = (event: Record<string, unknown>, env: Record<string, string> = {}) =>
  contextOf(event, env, ['*'])

const pr = (title: string, extra: Record<string, unknown> = {}): WorkflowContext =>
  contextWith(prEvent({ title, body: null, ...extra }))

function options(warnings: string[] = [], input = 'message'): TemplateOptions {
  return { input, allowedMentions: 'users', warn: (msg) => warnings.push(msg) }
}

function render(text: string, ctx: WorkflowContext, warnings: string[] = []): string {
  return renderTemplate(text, ctx, options(warnings))
}

/** What `text` renders to in `ctx` (a pull request by default), with the warnings it gave. */
function rendered(text: string, ctx: WorkflowContext = pr('x')) {
  const warnings: string[] = []
  return { out: render(text, ctx, warnings), warnings }
}

function syntaxError(text: string, opts: TemplateOptions = options()): InputError {
  try {
    renderTemplate(text, pr('x'), opts)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error(`no error for ${text}`)
}

describe('renderTemplate', () => {
  it('fills placeholders, with or without spaces inside the braces', () => {
    const ctx = pr('Add login')
    expect(render('{{github.repository}} {{ github.sha }} {{  sha7  }}', ctx)).toBe(
      'octo/app 0123456789abcdef0123456789abcdef01234567 abcdef0'
    )
    expect(render('{{ pr_title }} by {{ github.event.pull_request.user.login }}', ctx)).toBe(
      'Add login by mallory'
    )
  })

  it('returns text without {{ untouched', () => {
    const text = 'Deploy done: @all [link](https://x) `code`'
    expect(render(text, pr('x'))).toBe(text)
  })

  it('does not HTML-escape: this is markdown', () => {
    const ctx = pr(`Fix <b>&amp; "quotes" 'single' a > b`)
    expect(render('{{ pr_title }}', ctx)).toBe(`Fix <${ZWSP}b>&amp; "quotes" 'single' a > b`)
  })

  it('supports sections, inverted sections and lists, so one template serves every event', () => {
    const template =
      '{{#github.event.pull_request}}PR #{{number}}: {{title}}{{/github.event.pull_request}}' +
      '{{^github.event.pull_request}}push to {{branch}}{{/github.event.pull_request}}'
    expect(render(template, pr('Add login'))).toBe('PR #7: Add login')
    const push = contextWith(
      { head_commit: { message: 'x' }, commits: [{ id: 'a1' }, { id: 'b2' }] },
      { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main' }
    )
    const warnings: string[] = []
    expect(render(template, push, warnings)).toBe('push to main')
    expect(render('{{#github.event.commits}}[{{id}}]{{/github.event.commits}}', push)).toBe(
      '[a1][b2]'
    )
    expect(render('{{#pr_url}}<{{.}}>{{/pr_url}}{{^pr_url}}no PR{{/pr_url}}', push)).toBe('no PR')
    expect(warnings).toEqual([])
  })

  it('resolves names inside a section against the section, then outwards', () => {
    const ctx = pr('T')
    expect(
      render(
        '{{#github.event.pull_request.head}}{{ref}} of {{pr_number}}{{/github.event.pull_request.head}}',
        ctx
      )
    ).toBe('feature of 7')
  })

  it('warns once, with the position, for a path that is not in the context', () => {
    const { out, warnings } = rendered(
      'a {{ github.event.nope }}\n  {{github.event.nope}} {{ pr_titel }}'
    )
    expect(out).toBe('a \n   ')
    expect(warnings).toEqual([
      'message: {{ github.event.nope }} at line 1, column 3 is not in the workflow context; it renders empty.',
      'message: {{ pr_titel }} at line 2, column 25 is not in the workflow context; it renders empty.'
    ])
  })

  it('does not warn for a missing section name, nor inside a section that is not rendered', () => {
    const warnings: string[] = []
    render(
      '{{#github.event.release}}{{github.event.release.name}}{{/github.event.release}}',
      pr('x'),
      warnings
    )
    render('{{^github.event.release}}no release{{/github.event.release}}', pr('x'), warnings)
    expect(warnings).toEqual([])
    render(
      '{{^github.event.release}}{{github.event.release.name}}{{/github.event.release}}',
      pr('x'),
      warnings
    )
    expect(warnings).toHaveLength(1)
  })

  it('renders a null value as empty without a warning (the path exists)', () => {
    const { out, warnings } = rendered('[{{ github.event.pull_request.body }}]')
    expect(out).toBe('[]')
    expect(warnings).toEqual([])
  })

  it('never resolves prototype members', () => {
    const { out, warnings } = rendered(
      '{{constructor}}{{github.__proto__}}{{env.toString}}{{github.repository.constructor}}'
    )
    expect(out).toBe('')
    expect(warnings).toHaveLength(4)
  })

  it('renders an object as JSON', () => {
    const ctx = pr('x')
    expect(JSON.parse(render('{{{ github.event.pull_request.base }}}', ctx))).toEqual({
      ref: 'main',
      sha: '1111111111111111111111111111111111111111'
    })
  })

  it('lets mentions written in the template notify, but not mentions in values', () => {
    const out = render('@all heads up: {{ pr_title }} by @{{ pr_author }}', pr('@all @here ping'))
    expect(out.startsWith('@all heads up: ')).toBe(true)
    expect(out).toContain(`@${ZWSP}all @${ZWSP}here ping`)
    expect(out.endsWith('by @mallory')).toBe(true)
  })

  it('honours allowedMentions for values', () => {
    const ctx = pr('cc @alice and @here')
    const run = (allowedMentions: TemplateOptions['allowedMentions']): string =>
      renderTemplate('{{pr_title}}', ctx, { ...options(), allowedMentions })
    expect(run('users')).toBe(`cc @alice and @${ZWSP}here`)
    expect(run('none')).toBe(`cc @${ZWSP}alice and @${ZWSP}here`)
    expect(run('all')).toBe('cc @alice and @here')
  })

  it('does not let {{{ }}} or {{& }} bypass the neutraliser', () => {
    const ctx = pr('@all [x](https://evil.example)')
    const expected = `@${ZWSP}all [x]${ZWSP}(https://evil.example)`
    expect(render('{{{ pr_title }}}', ctx)).toBe(expected)
    expect(render('{{& pr_title }}', ctx)).toBe(expected)
    expect(render('{{pr_title}}', ctx)).toBe(expected)
  })

  it('refuses partials, naming the input and the position', () => {
    const error = syntaxError('hello\n {{> footer}}')
    expect(error.input).toBe('message')
    expect(error.message).toMatch(
      /^Input "message": partials \(\{\{> footer\}\}\) are not supported, at line 2, column 2/
    )
    expect(syntaxError('{{#pr_url}}{{>x}}{{/pr_url}}').message).toContain('partials')
  })

  it('reports syntax errors with the input, line and column of the tag to fix', () => {
    expect(syntaxError('ok\n  {{#github.event.pull_request}}\nnever closed').message).toBe(
      'Input "message": template syntax error at line 2, column 3: section {{#github.event.pull_request}} is never closed (expected {{/github.event.pull_request}}).'
    )
    expect(syntaxError('a {{ github.sha }} b {{ github.ref').message).toBe(
      'Input "message": template syntax error at line 1, column 22: a tag is opened with {{ but never closed with }}.'
    )
    expect(syntaxError('x\n{{/pr_url}}').message).toBe(
      'Input "message": template syntax error at line 2, column 1: {{/pr_url}} closes a section that was never opened.'
    )
    expect(syntaxError('{{#a}}\n{{ /b }}').message).toBe(
      'Input "message": template syntax error at line 2, column 1: {{/b}} does not close the open section {{#a}} (opened at line 1, column 1).'
    )
    const inFile = syntaxError('{{#a}}', {
      ...options(),
      input: 'template-file',
      where: 'notify.yml message'
    })
    expect(inFile.message).toMatch(
      /^Input "template-file": notify\.yml message: template syntax error at line 1, column 1/
    )
  })

  it('supports comments and custom delimiters', () => {
    expect(render('{{! a note }}{{=<% %>=}}<% sha7 %> {{ literal }}', pr('x'))).toBe(
      'abcdef0 {{ literal }}'
    )
  })
})

describe('injection: values are data, rendered once and literally', () => {
  const hostile = [
    '@all {{ env.GITHUB_TOKEN }}',
    '{{ github.event }}',
    '{{#github}}{{repository}}{{/github}}',
    '{{{ pr_title }}} {{> partial}} {{',
    `He said "hi" and it's \\"escaped\\" \\n not a newline`,
    'line one\nline two\r\nline three',
    '```\ncode fence that never closes',
    'x'.repeat(10_000)
  ]

  it.each(hostile.map((title) => [title.slice(0, 30), title]))('%s', (_label, title) => {
    const ctx = pr(title)
    const { out, warnings } = rendered(
      'PR: {{ pr_title }} | {{{ github.event.pull_request.title }}}',
      ctx
    )
    expect(warnings).toEqual([])
    const [first, second] = out.slice(4).split(' | ')
    expect(first).toBe(second)
    // Nothing was expanded a second time: removing what the neutraliser adds gives the value back.
    const restored = first
      .replaceAll(ZWSP, '')
      .replace(/[\u02CB]/g, '`')
      .replace(/\u2217/g, '*')
    expect(restored).toBe(title)
    expect(out).not.toMatch(/(^|\s|>)@(all|here)\b/)
  })

  it('keeps a value that looks like a template literal even through a section', () => {
    const ctx = pr('{{ env.SECRET_THING }}', { labels: [{ name: '{{ github.sha }}' }] })
    expect(
      render(
        '{{#github.event.pull_request.labels}}{{name}}{{/github.event.pull_request.labels}}',
        ctx
      )
    ).toBe('{{ github.sha }}')
  })

  it('never exposes runner credentials or secret-looking variables through env', () => {
    const ctx = contextWith(
      {},
      {
        ACTIONS_RUNTIME_TOKEN: 'runtime-secret',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-secret',
        GITHUB_TOKEN: 'ghs_secret',
        'INPUT_AUTH-TOKEN': 'rc-secret',
        MY_API_KEY: 'key-secret',
        DEPLOY_ENV: 'prod'
      }
    )
    const { out, warnings } = rendered(
      '{{env.ACTIONS_RUNTIME_TOKEN}}{{env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}}{{env.GITHUB_TOKEN}}{{env.INPUT_AUTH-TOKEN}}{{env.MY_API_KEY}}{{env.DEPLOY_ENV}}',
      ctx
    )
    expect(out).toBe('prod')
    expect(warnings).toHaveLength(5)
    expect(render('{{{env}}}', ctx)).not.toMatch(/secret/)
  })
})

describe('renderAttachments', () => {
  it('renders string leaves only, so a value can never break the JSON or add keys', () => {
    const title = '", "evil": true, "x": "\n}]'
    const ctx = pr(title)
    const input = [
      {
        title: '{{ pr_title }}',
        title_link: '{{ pr_url }}',
        collapsed: false,
        fields: [
          { short: true, title: 'PR', value: '#{{ pr_number }}' },
          { short: false, title: '{{ pr_title }}', value: 3 }
        ],
        '{{ pr_title }}': 'keys are not rendered'
      }
    ]
    const out = renderAttachments(input, ctx, options([], 'attachments')) as Record<
      string,
      unknown
    >[]
    expect(Object.keys(out[0])).toEqual(Object.keys(input[0]))
    expect(out[0].title).toBe(title)
    expect(out[0].title_link).toBe('https://github.com/octo/app/pull/7')
    expect(out[0].collapsed).toBe(false)
    expect(out[0].fields).toEqual([
      { short: true, title: 'PR', value: '#7' },
      { short: false, title, value: 3 }
    ])
    expect(JSON.parse(JSON.stringify(out))).toEqual(out)
    // The input is not modified.
    expect(input[0].title).toBe('{{ pr_title }}')
  })

  it('names the leaf in errors and warnings', () => {
    const warnings: string[] = []
    const bad = [
      {
        title: 'ok',
        fields: [
          { title: 'a', value: 'b' },
          { title: 'c', value: '{{#x}}' }
        ]
      }
    ]
    expect(() => renderAttachments(bad, pr('x'), options(warnings, 'attachments'))).toThrow(
      'Input "attachments[0].fields[1].value": template syntax error at line 1, column 1'
    )
    renderAttachments([{ text: '{{ nope }}' }], pr('x'), options(warnings, 'attachments'))
    expect(warnings).toEqual([
      'attachments[0].text: {{ nope }} at line 1, column 1 is not in the workflow context; it renders empty.'
    ])
    const inFile = { ...options(warnings, 'template-file'), where: 'ci/notify.yml attachments' }
    expect(() => renderAttachments(bad, pr('x'), inFile)).toThrow(
      'Input "template-file": ci/notify.yml attachments[0].fields[1].value: template syntax error'
    )
  })

  it('drops a field that rendered empty, since the server rejects empty fields', () => {
    const push = contextWith({}, { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main' })
    const out = renderAttachments(
      [
        {
          fields: [
            { title: 'PR', value: '{{ pr_url }}' },
            { title: 'Branch', value: '{{ branch }}' }
          ]
        }
      ],
      push,
      options([], 'attachments')
    ) as { fields: unknown[] }[]
    expect(out[0].fields).toEqual([{ title: 'Branch', value: 'main' }])
  })

  it('keeps a "__proto__" key as a plain key', () => {
    const input = JSON.parse(
      '[{"__proto__": {"polluted": "{{ sha7 }}"}, "title": "t"}]'
    ) as unknown[]
    const out = renderAttachments(input, pr('x'), options()) as Record<string, unknown>[]
    expect(Object.hasOwn(out[0], '__proto__')).toBe(true)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(out[0])).toBe(Object.prototype)
  })
})
