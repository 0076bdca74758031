import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/errors.js'
import {
  dropEmptiedLinks,
  parseAttachmentsInput,
  validateAttachments
} from '../../src/message/attachments.js'

function messageOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

describe('attachments.ts', () => {
  it('returns undefined for an empty input', () => {
    expect(parseAttachmentsInput('  ')).toBeUndefined()
  })

  it('names line and column of invalid JSON', () => {
    const text = '[\n  {"title": "ok"},\n  {"title": "x",}\n]'
    expect(messageOf(() => parseAttachmentsInput(text))).toMatch(
      /^Input "attachments": is not valid JSON: .* at line 3, column 17\.$/
    )
  })

  it('refuses non-object items with their index', () => {
    expect(messageOf(() => parseAttachmentsInput('[{"title":"a"}, "b"]'))).toMatch(
      /attachments\[1\] must be an object, got string/
    )
  })

  it.each([
    [
      { image_url: '/images/x.png' },
      /attachments\[0\]\.image_url is "\/images\/x.png"; it must be an absolute http\(s\) URL/
    ],
    [{ title_link: 'javascript:alert(1)' }, /title_link/],
    [{ author_icon: 'ftp://x/y.png' }, /author_icon/],
    [{ color: 5 }, /attachments\[0\]\.color must be a string, got number 5/],
    [{ collapsed: 'yes' }, /collapsed must be true or false/],
    [{ fields: 'no' }, /fields must be an array/],
    [
      { fields: [{ title: 'a', value: 'b' }, { title: 'only' }] },
      /attachments\[0\]\.fields\[1\] needs a non-empty "title" and "value"/
    ],
    [{ fields: [{ title: '', value: 'b' }] }, /fields\[0\] needs/],
    [
      { fields: [{ title: 'a', value: 'b', short: 'yes' }] },
      /fields\[0\]\.short must be true or false/
    ],
    [{ actions: [{ type: 'button', url: 'relative/path' }] }, /actions\[0\]\.url/]
  ])('refuses %j like the server would', (attachment, expected) => {
    expect(messageOf(() => validateAttachments([attachment]))).toMatch(expected)
  })

  it('accepts what the server accepts', () => {
    expect(() =>
      validateAttachments([
        {
          color: '#2eb886',
          title: 'Build',
          title_link: 'https://github.com/o/r/actions/runs/1',
          image_url: 'data:image/png;base64,AAAA',
          thumb_url: '/file-upload/abc/x.png',
          ts: 1757505600,
          fields: [
            { short: true, title: 'Count', value: 3 },
            { title: 'Flag', value: true }
          ],
          unknown_key: { anything: 1 },
          text: null
        }
      ])
    ).not.toThrow()
  })
})

describe('placeholders in attachments', () => {
  it('lets a URL or required value that holds a placeholder through the shape check', () => {
    const raw = JSON.stringify({
      title_link: '{{ commit_url }}',
      actions: [{ type: 'button', url: '{{ run_url }}' }],
      fields: [{ title: '{{ t }}', value: '{{ v }}' }]
    })
    expect(parseAttachmentsInput(raw)).toHaveLength(1)
  })

  it('still refuses what is wrong before rendering: types, and URLs with no placeholder', () => {
    expect(messageOf(() => parseAttachmentsInput('{"title_link": 5}'))).toMatch(
      /attachments\[0\]\.title_link must be a URL string, got number 5/
    )
    expect(
      messageOf(() => parseAttachmentsInput('{"title_link": "x {{ a }}", "image_url": "img"}'))
    ).toMatch(/attachments\[0\]\.image_url is "img"/)
    expect(
      messageOf(() => parseAttachmentsInput('{"fields": [{"title": "a", "value": ""}]}'))
    ).toMatch(/fields\[0\] needs a non-empty "title" and "value"/)
  })

  it('names the template that rendered a bad URL', () => {
    const sources = [{ title_link: '{{ branch }}' }]
    expect(
      messageOf(() => validateAttachments([{ title_link: 'main' }], 'attachments', { sources }))
    ).toBe(
      'Input "attachments": attachments[0].title_link is "main", rendered from "{{ branch }}"; it must be an absolute http(s) URL, a data: URL or a /file-upload/ path.'
    )
  })

  it('names the template of an action button URL, under the label of a template file', () => {
    const sources = [{ actions: [{ type: 'button', url: 'see {{ x }}' }] }]
    expect(
      messageOf(() =>
        validateAttachments([{ actions: [{ type: 'button', url: 'see ' }] }], 'template-file', {
          sources,
          label: 'deploy.yml attachments'
        })
      )
    ).toMatch(
      /^Input "template-file": deploy\.yml attachments\[0\]\.actions\[0\]\.url is "see ", rendered from "see \{\{ x \}\}"/
    )
  })

  it('leaves out a link that rendered empty, and keeps literal and filled ones', () => {
    const sources = [{ title_link: '{{ pr_url }}', image_url: '{{ img }}', author_link: '' }]
    const rendered = [{ title_link: '', image_url: 'https://x/y.png', author_link: '' }]
    expect(dropEmptiedLinks(rendered, sources)).toEqual([
      { image_url: 'https://x/y.png', author_link: '' }
    ])
  })
})
