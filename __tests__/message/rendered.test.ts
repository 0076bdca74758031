import { describe, expect, it } from '@jest/globals'
import { buildContent } from '../../src/message/content.js'
import type { WorkflowContext } from '../../src/message/context.js'
import type { AllowedMentions } from '../../src/message/neutralise.js'
import { presetLinks, statusPreset } from '../../src/message/presets.js'
import { templateUrls, urlsIn } from '../../src/message/previews.js'
import { joined, judgeMentions, type Piece } from '../../src/message/rendered.js'
import { renderPieces } from '../../src/message/template.js'
import { contextOf, prEvent } from '../helpers/context.js'
import { crossings, mentionsIn } from '../helpers/oracle.js'

const ROOM_WIDE = ['@all', '@here', '@channel', '@everyone']

const pullRequest = (fields: Record<string, unknown>): WorkflowContext => contextOf(prEvent(fields))

function pieces(template: string, ctx: WorkflowContext, allowed: AllowedMentions = 'users') {
  return renderPieces(template, ctx, { input: 'message', allowedMentions: allowed, warn: () => {} })
}

const PR = '{{ github.event.pull_request.head.ref }}{{ github.event.pull_request.body }}'

describe('mentions are judged on the rendered text', () => {
  it('a branch ending in " @" and a body "all" make no working @all', () => {
    const out = pieces(PR, pullRequest({ head: { ref: 'fix @', sha: 'a' }, body: 'all' }))
    expect(mentionsIn(joined(out))).toEqual([])
    expect(crossings(out)).toEqual([])
    expect(joined(out).replaceAll('\u200B', '')).toBe('fix @all')
  })

  it.each([['all'], ['here'], ['channel'], ['everyone'], ['ALL'], ['all!']])(
    '@{{ value }} with value %s does not notify the room',
    (value) => {
      const out = pieces('@{{ github.event.pull_request.title }}', pullRequest({ title: value }))
      expect(mentionsIn(joined(out)).filter((m) => ROOM_WIDE.includes(m.toLowerCase()))).toEqual([])
    }
  )

  it('a letter from a value is enough: @al{{ value }} with value l', () => {
    const out = pieces('@al{{ github.event.pull_request.title }}', pullRequest({ title: 'l' }))
    expect(joined(out)).toBe('@\u200Ball')
  })

  it('keeps user mentions with users, and the template own @all', () => {
    const ctx = pullRequest({ title: 'alice', body: ' @' })
    const out = joined(pieces('@all: @{{ github.event.pull_request.title }}', ctx))
    expect(mentionsIn(out)).toEqual(['@all', '@alice'])
  })

  it('with none, no mention a value took part in, but the template own ones stay', () => {
    const ctx = pullRequest({ title: 'alice', body: 'bob @carol' })
    const out = pieces(
      '@ops @{{ github.event.pull_request.title }} {{ github.event.pull_request.body }}',
      ctx,
      'none'
    )
    expect(mentionsIn(joined(out))).toEqual(['@ops'])
  })

  it('with all, values may mention anyone', () => {
    const out = pieces(PR, pullRequest({ head: { ref: 'x @', sha: 'a' }, body: 'all' }), 'all')
    expect(mentionsIn(joined(out))).toEqual(['@all'])
  })

  it('judgeMentions marks only the piece that holds the @', () => {
    const input: Piece[] = [
      { text: 'x @', origin: 'value' },
      { text: 'here', origin: 'value' },
      { text: ' @here', origin: 'template' }
    ]
    expect(judgeMentions(input, 'users')).toEqual([
      { text: 'x @\u200B', origin: 'value' },
      { text: 'here', origin: 'value' },
      { text: ' @here', origin: 'template' }
    ])
  })
})

describe('the parser finds no node that starts in a value and ends outside it', () => {
  const hostile: Array<[string, string, string]> = [
    ['mention across values', 'x @', 'all'],
    ['emphasis opened in a value', '*bold', ' text* more'],
    ['strike opened in a value', '~gone', ' still~'],
    ['underscore opened in a value', '_it', ' alic_'],
    ['inline code opened in a value', '`code', ' more`'],
    ['spoiler opened in a value', '||hidden', ' still||'],
    ['link label opened in a value', '[click', '](https://evil.example)'],
    ['angle link opened in a value', '<https://evil.example|', 'label>'],
    ['code fence in a value', '```', '\nfenced\n```']
  ]

  it.each(hostile)('%s', (_label, head, body) => {
    const ctx = pullRequest({ head: { ref: head, sha: 'a' }, body })
    for (const template of [PR, `${PR} tail*`, `x ${PR}* y`]) {
      expect(crossings(pieces(template, ctx))).toEqual([])
    }
  })

  it('the oracle does see a crossing when nothing is neutralised', () => {
    const raw: Piece[] = [
      { text: 'x *bold', origin: 'value' },
      { text: ' text* y', origin: 'template' }
    ]
    expect(crossings(raw)).toEqual(['BOLD "*bold text*"'])
    expect(
      crossings([
        { text: 'x @', origin: 'value' },
        { text: 'all', origin: 'value' }
      ])
    ).toEqual(['MENTION_USER "@all"'])
  })
})

describe('link previews', () => {
  it('lists the URLs the server finds, as it finds them', () => {
    expect(urlsIn('[run](https://ci.example/run/1) and https://x.example/a?b=c#d')).toEqual([
      'https://ci.example/run/1',
      'https://x.example/a?b=c#d'
    ])
  })

  it('allows URLs whose host the template wrote or the action built, not URLs in values', () => {
    const ctx = pullRequest({
      title: 'see https://evil.example/x',
      head: { ref: '.evil.example', sha: 'a' }
    })
    const out = pieces(
      'https://docs.example/{{ github.event.pull_request.number }} {{ pr_title }} {{ run_url }} https://docs.example{{ github.event.pull_request.head.ref }}/y',
      ctx
    )
    expect(templateUrls(out)).toEqual([
      'https://docs.example/7',
      'https://github.com/octo/app/actions/runs/99'
    ])
  })

  it('a payload key named like a link field is still a value', () => {
    const ctx = pullRequest({ run_url: 'https://evil.example/r' })
    const out = pieces(
      '{{#github.event.pull_request}}{{ run_url }}{{/github.event.pull_request}}',
      ctx
    )
    expect(templateUrls(out)).toEqual([])
  })

  it('buildContent sends previewUrls per link-previews, and none when the text has no URL', () => {
    const ctx = pullRequest({ title: 'https://evil.example/x' })
    const message = '{{ pr_title }} https://docs.example/a'
    const build = (linkPreviews?: 'template' | 'none' | 'all', text = message) =>
      buildContent(
        {
          message: text,
          alias: '',
          template: true,
          preset: 'auto',
          allowedMentions: 'users',
          mention: '',
          mentionIf: [],
          maxLength: 5000,
          linkPreviews
        },
        ctx,
        () => {}
      ).previewUrls
    expect(build()).toEqual(['https://docs.example/a'])
    expect(build('none')).toEqual([])
    expect(build('all')).toBeUndefined()
    expect(build('template', 'no links {{ sha7 }}')).toBeUndefined()
  })

  it('the status preset previews its own links only', () => {
    const ctx = pullRequest({ title: 'https://evil.example/x' })
    const preset = statusPreset(ctx, { allowedMentions: 'users' })
    const content = buildContent(
      {
        message: '',
        alias: '',
        template: true,
        preset: 'status',
        allowedMentions: 'users',
        mention: '',
        mentionIf: [],
        maxLength: 5000
      },
      ctx,
      () => {}
    )
    expect(content.text).toBe(preset.text)
    const links = presetLinks(ctx)
    expect(content.previewUrls?.length).toBeGreaterThan(0)
    for (const url of content.previewUrls ?? []) expect(links).toContain(url)
    expect(content.previewUrls?.join(' ')).not.toContain('evil')
  })
})
