import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/errors.js'
import {
  blocksSummary,
  parseBlocksInput,
  validateBlocks,
  type Block,
  type LinkActions,
  type LinkSection
} from '../../src/message/blocks.js'
import { asAttachments, asBlocks } from '../../src/message/card.js'
import type { ContentOptions } from '../../src/message/content.js'
import type { WorkflowContext } from '../../src/message/context.js'
import { ZWSP } from '../../src/message/neutralise.js'
import { releaseCard, statusCard } from '../../src/message/presets.js'
import { runPreset, runView, type RunJob } from '../../src/message/run.js'
import { buildIn, eventContext } from '../helpers/content.js'
import { thrownBy } from '../helpers/failure.js'

const context = (event: 'push' | 'pull_request' | 'release', status = 'failure'): WorkflowContext =>
  eventContext(event, status)

function build(overrides: Partial<ContentOptions>, ctx = context('push'), warnings: string[] = []) {
  return buildIn(ctx, overrides, warnings)
}

/** The message of the InputError `run` throws. */
function refusal(run: () => unknown): string {
  const error = thrownBy(run)
  expect(error).toBeInstanceOf(InputError)
  return error.message
}

const parse = (blocks: unknown): Block[] | undefined => parseBlocksInput(JSON.stringify(blocks))

const EXAMPLE = [
  { type: 'section', text: { type: 'mrkdwn', text: '*Deployed* to staging' } },
  {
    type: 'section',
    fields: [
      { type: 'mrkdwn', text: '*Version*\nv1.2.3' },
      { type: 'plain_text', text: 'Region: eu', emoji: true }
    ],
    accessory: { type: 'image', imageUrl: 'https://example.com/logo.png', altText: 'logo' }
  },
  { type: 'divider' },
  {
    type: 'context',
    elements: [
      { type: 'image', imageUrl: 'https://example.com/a.png', altText: 'avatar' },
      { type: 'mrkdwn', text: 'by octocat' }
    ]
  },
  {
    type: 'image',
    imageUrl: 'https://example.com/graph.png',
    altText: 'graph',
    title: { type: 'plain_text', text: 'Latency' }
  },
  {
    type: 'actions',
    elements: [
      {
        type: 'button',
        text: { type: 'plain_text', text: 'Open run' },
        url: 'https://github.com/o/r/actions/runs/1',
        style: 'primary'
      },
      {
        type: 'button',
        text: { type: 'plain_text', text: 'Docs' },
        url: 'http://docs.example.com',
        actionId: 'docs'
      }
    ]
  }
]

describe('parseBlocksInput', () => {
  it('takes every supported block and gives each button an actionId', () => {
    const blocks = parse(EXAMPLE) as Block[]
    expect(blocks).toHaveLength(6)
    const actions = blocks[5] as LinkActions
    expect(actions.elements.map((b) => b.actionId)).toEqual(['link-0', 'docs'])
    // Nothing else changes.
    const [first, second] = EXAMPLE[5].elements as Record<string, unknown>[]
    expect(actions).toEqual({
      type: 'actions',
      elements: [{ ...first, actionId: 'link-0' }, second]
    })
    expect(blocks.slice(0, 5)).toEqual(EXAMPLE.slice(0, 5))
  })

  it('takes one block as an object, and nothing for an empty input', () => {
    expect(parseBlocksInput('  ')).toBeUndefined()
    expect(parse({ type: 'section', text: { type: 'plain_text', text: 'hi' } })).toEqual([
      { type: 'section', text: { type: 'plain_text', text: 'hi' } }
    ])
  })

  it('reports invalid JSON with line and column', () => {
    expect(refusal(() => parseBlocksInput('[\n  {"type": "divider",}\n]'))).toMatch(
      /^Input "blocks": is not valid JSON: .* at line 2, column 22\.$/
    )
  })

  it.each<[string, unknown, string]>([
    [
      'a button without url',
      [
        { type: 'divider' },
        { type: 'section', text: { type: 'plain_text', text: 'x' } },
        {
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'plain_text', text: 'Go' } }]
        }
      ],
      'Input "blocks": blocks[2].elements[0].url is missing: a button must open a link ("url": "https://…"). No app on the Rocket.Chat server handles a click, so a button without a url would do nothing.'
    ],
    [
      'a section accessory button without url',
      [
        {
          type: 'section',
          text: { type: 'plain_text', text: 'x' },
          accessory: { type: 'button', text: { type: 'plain_text', text: 'Go' }, url: '' }
        }
      ],
      'Input "blocks": blocks[0].accessory.url is missing: a button must open a link ("url": "https://…"). No app on the Rocket.Chat server handles a click, so a button without a url would do nothing.'
    ],
    [
      'a javascript: link',
      [
        {
          type: 'actions',
          elements: [
            { type: 'button', text: { type: 'plain_text', text: 'Go' }, url: 'javascript:alert(1)' }
          ]
        }
      ],
      'Input "blocks": blocks[0].elements[0].url is "javascript:alert(1)"; it must be an absolute http(s) URL.'
    ],
    [
      'a relative image URL',
      [{ type: 'image', imageUrl: '/avatar/x', altText: 'x' }],
      'Input "blocks": blocks[0].imageUrl is "/avatar/x"; it must be an absolute http(s) URL.'
    ],
    [
      'a select, which needs an app',
      [{ type: 'actions', elements: [{ type: 'static_select', options: [] }] }],
      'Input "blocks": blocks[0].elements[0].type is "static_select"; only link buttons ("type": "button" with a "url") can be posted: selects, date pickers and the like need an app on the server to handle them.'
    ],
    [
      'an input block',
      [{ type: 'input', element: {} }],
      'Input "blocks": blocks[0].type is "input", which this action does not post: an input block needs an app on the server to read it. Use section, context, divider, image, actions.'
    ],
    [
      'an unknown block type',
      [{ type: 'header', text: { type: 'plain_text', text: 'x' } }],
      'Input "blocks": blocks[0].type is "header"; a block is one of section, context, divider, image, actions.'
    ],
    [
      'a block without type',
      [{ text: 'x' }],
      'Input "blocks": blocks[0].type is missing: one of section, context, divider, image, actions.'
    ],
    [
      'a typo in a key',
      [{ type: 'section', feilds: [] }],
      'Input "blocks": blocks[0].feilds is not a key of a section; it may have type, blockId, appId, text, fields, accessory.'
    ],
    [
      'a prototype key',
      [
        { type: 'section', text: { type: 'plain_text', text: 'x' } },
        JSON.parse('{"type": "divider", "__proto__": {"polluted": true}}')
      ],
      'Input "blocks": blocks[1].__proto__ is not a key of a divider; it may have type, blockId, appId.'
    ],
    [
      'a string instead of a text object',
      [{ type: 'section', text: 'hello' }],
      'Input "blocks": blocks[0].text must be a text object like {"type": "mrkdwn", "text": "…"}, got string "hello".'
    ],
    [
      'markdown on a button',
      [
        {
          type: 'actions',
          elements: [
            { type: 'button', text: { type: 'mrkdwn', text: '*Go*' }, url: 'https://x.example' }
          ]
        }
      ],
      'Input "blocks": blocks[0].elements[0].text.type is "mrkdwn"; it must be "plain_text".'
    ],
    [
      'an empty text',
      [{ type: 'context', elements: [{ type: 'mrkdwn', text: ' ' }] }],
      'Input "blocks": blocks[0].elements[0].text is empty: the block would show nothing.'
    ],
    [
      'a section with nothing',
      [{ type: 'section' }],
      'Input "blocks": blocks[0] is a section with no "text" and no "fields": give at least one.'
    ],
    [
      'a field that is not an object',
      [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'a' }, 42] }],
      'Input "blocks": blocks[0].fields[1] must be a text object like {"type": "mrkdwn", "text": "…"}, got number "42".'
    ],
    [
      'actions without elements',
      [{ type: 'actions', elements: [] }],
      'Input "blocks": blocks[0].elements is empty: give at least one.'
    ],
    [
      'a bad button style',
      [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Go' },
              url: 'https://x.example',
              style: 'loud'
            }
          ]
        }
      ],
      'Input "blocks": blocks[0].elements[0].style is "loud"; one of primary, secondary, danger, warning, success.'
    ],
    [
      'an empty list',
      [],
      'Input "blocks": blocks is an empty list; give at least one block or leave it out.'
    ],
    [
      'only dividers',
      [{ type: 'divider' }],
      'Input "blocks": blocks holds only dividers: there is nothing to show.'
    ],
    [
      'a list in the list',
      [[]],
      'Input "blocks": blocks[0] must be an object with a "type", got a list.'
    ]
  ])('refuses %s, naming the path', (_, blocks, message) => {
    expect(refusal(() => parse(blocks))).toBe(message)
  })
})

describe('blocks in buildContent', () => {
  const hostile = 'Fix ](https://evil.example) @all `x *y [z](https://evil.example)'

  it('fills placeholders in string leaves only, neutralising values', () => {
    const ctx = { ...context('pull_request'), pr_title: hostile }
    const blocks = parse([
      { type: 'section', text: { type: 'mrkdwn', text: 'PR: {{ pr_title }}' } },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: '{{ pr_title }}' },
            url: '{{ pr_url }}'
          }
        ]
      }
    ])
    const out = build({ blocks }, ctx)
    const section = out.blocks?.[0] as LinkSection
    const text = section.text?.text ?? ''
    expect(text.startsWith('PR: Fix ]')).toBe(true)
    // No link, no room mention, no code span or emphasis reaching past the value.
    expect(text).not.toContain('](')
    expect(text).toContain(`@${ZWSP}all`)
    const button = (out.blocks?.[1] as LinkActions).elements[0]
    expect(button.url).toBe(ctx.pr_url)
    expect(button.text.text).not.toContain('](')
    // Notifications carry the first block's text.
    expect(out.text).toBe(text)
  })

  it('cannot be broken out of by a value with quotes, brackets and newlines', () => {
    const ctx = { ...context('push'), commit_message: '"}]},{"type":"input"\n' }
    const out = build(
      {
        blocks: parse([
          { type: 'context', elements: [{ type: 'plain_text', text: '{{ commit_message }}' }] }
        ])
      },
      ctx
    )
    expect(out.blocks).toHaveLength(1)
    expect(out.blocks?.[0]).toEqual({
      type: 'context',
      elements: [{ type: 'plain_text', text: '"}]},{"type":"input"\n' }]
    })
  })

  it('checks the rendered blocks again: a value cannot smuggle in a link scheme', () => {
    const ctx = { ...context('push'), branch: 'javascript:alert(1)//' }
    const blocks = parse([
      {
        type: 'actions',
        elements: [
          { type: 'button', text: { type: 'plain_text', text: 'Branch' }, url: '{{ branch }}' }
        ]
      }
    ])
    expect(refusal(() => build({ blocks }, ctx))).toBe(
      'Input "blocks": blocks[0].elements[0].url is "javascript:alert(1)//"; it must be an absolute http(s) URL.'
    )
  })

  it('names the leaf of a template error', () => {
    const blocks = parse([{ type: 'section', text: { type: 'mrkdwn', text: '{{#x}} open' } }])
    expect(refusal(() => build({ blocks }))).toMatch(
      /^Input "blocks\[0\]\.text\.text": template syntax error/
    )
  })

  it('drops a field emptied by a conditional, as for attachments', () => {
    const blocks = parse([
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*Branch*\n{{ branch }}' },
          { type: 'mrkdwn', text: '{{#pr_number}}PR #{{ pr_number }}{{/pr_number}}' }
        ]
      }
    ])
    const out = build({ blocks })
    expect((out.blocks?.[0] as LinkSection).fields).toEqual([
      { type: 'mrkdwn', text: '*Branch*\nmaster' }
    ])
  })

  it('keeps the message as the notification text, with the mention before it', () => {
    const blocks = parse([{ type: 'section', text: { type: 'mrkdwn', text: 'shown' } }])
    expect(build({ blocks, message: 'Deploy {{ branch }}' }).text).toBe('Deploy master')
    expect(build({ blocks, mention: '@oncall' }).text).toBe('@oncall shown')
  })

  it('posts only the given blocks with preset auto', () => {
    const blocks = parse([
      { type: 'divider' },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'ctx' }] }
    ])
    const out = build({ blocks })
    expect(out).toEqual({ text: 'ctx', alias: '', blocks })
  })

  it('takes blocks from a template file, naming the file in errors', () => {
    const templateFile = {
      path: 'ci/msg.yml',
      blocks: [
        { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'x' } }] }
      ]
    }
    expect(refusal(() => build({ templateFile }))).toMatch(
      /^Input "template-file": ci\/msg\.yml blocks\[0\]\.elements\[0\]\.url is missing: a button must open a link/
    )
  })
})

describe('blocksSummary', () => {
  it('is the first text, on one line, cut short', () => {
    expect(
      blocksSummary(
        parse([
          { type: 'divider' },
          { type: 'image', imageUrl: 'https://x.example/a.png', altText: 'a graph' }
        ]) as Block[]
      )
    ).toBe('a graph')
    const long = parse([
      { type: 'section', text: { type: 'mrkdwn', text: `a\n\nb ${'x'.repeat(400)}` } }
    ]) as Block[]
    const summary = blocksSummary(long)
    expect(summary.startsWith('a b xxx')).toBe(true)
    expect(summary).toHaveLength(300)
    expect(summary.endsWith('…')).toBe(true)
  })
})

describe('presets in layout: blocks', () => {
  const texts = (blocks: Block[]): string => JSON.stringify(blocks)

  it('lays the status out as sections, context and link buttons that pass the checks', () => {
    const card = statusCard(context('pull_request'), { allowedMentions: 'users' })
    const { text, blocks = [] } = asBlocks(card)
    expect(validateBlocks(blocks)).toEqual(blocks)
    expect(blocks.map((b) => b.type)).toEqual(['section', 'section', 'context', 'actions'])
    const buttons = (blocks[3] as LinkActions).elements
    expect(buttons.map((b) => [b.text.text, b.url])).toEqual([
      ['Open run', 'https://github.com/Codertocat/Hello-World/actions/runs/1658821493'],
      ['View pull request', 'https://github.com/Codertocat/Hello-World/pull/2']
    ])
    // Who triggered it and the event are context lines, not fields.
    expect(texts(blocks.slice(2, 3))).toContain('Triggered by: ')
    expect(texts(blocks.slice(1, 2))).not.toContain('Triggered by')
    // The notification text is the headline without links.
    expect(text).toBe('❌ *Failed*: CI / build for PR #2 in Codertocat/Hello-World · Run #42')
    expect((blocks[0] as LinkSection).text?.text).toBe(card.headline)
    expect(card.headline).toContain(
      '](https://github.com/Codertocat/Hello-World/actions/runs/1658821493)'
    )
  })

  it('lays the release out with its notes and a View release button', () => {
    const card = releaseCard(context('release'), { allowedMentions: 'users' })
    const { text, blocks = [] } = asBlocks(card)
    expect(validateBlocks(blocks)).toEqual(blocks)
    const last = blocks.at(-1) as LinkActions
    expect(last.elements.map((b) => b.text.text)).toEqual(['View release'])
    expect(last.elements[0].url).toMatch(
      /^https:\/\/github\.com\/Codertocat\/Hello-World\/releases\//
    )
    expect(text).not.toContain('](')
    // The same card as attachments is today's message.
    const attached = asAttachments(card)
    expect(attached.text.startsWith(card.headline)).toBe(true)
    expect(attached.attachments?.[0]).toMatchObject({ color: '#1d74f5' })
  })

  it('is chosen by layout, with given blocks after the preset’s', () => {
    const mine = parse([{ type: 'context', elements: [{ type: 'mrkdwn', text: 'mine' }] }])
    const out = build({ preset: 'status', layout: 'blocks', blocks: mine })
    expect(out.attachments).toBeUndefined()
    expect(out.blocks?.at(-1)).toEqual(mine?.[0])
    expect(out.blocks?.[0].type).toBe('section')
    expect(out.text).toMatch(/^❌ \*Failed\*: CI \/ build on master/)
    const plain = build({ preset: 'status' })
    expect(plain.blocks).toBeUndefined()
    expect(plain.attachments).toHaveLength(1)
  })

  it('keeps the mention in the notification text', () => {
    const out = build({ layout: 'blocks', mention: '@oncall' })
    expect(out.text.startsWith('@oncall ❌ *Failed*')).toBe(true)
    expect(out.presetOnly).toBe(true)
  })

  describe('preset run', () => {
    const job = (id: number, name: string, conclusion = 'success'): RunJob => ({
      id,
      name,
      status: 'completed',
      conclusion,
      started_at: '2020-01-20T17:50:00Z',
      completed_at: '2020-01-20T17:51:30Z',
      failed_step: conclusion === 'failure' ? 'Run tests' : ''
    })
    const NOW = Date.parse('2020-01-20T18:00:00Z')
    const withRun = (event: 'push' | 'pull_request' = 'push'): WorkflowContext => {
      const ctx = context(event)
      return { ...ctx, run: runView(ctx, [job(1, 'lint'), job(2, 'test', 'failure')], NOW) }
    }

    it('posts the report as blocks, the whole report as the notification text, mention first', () => {
      const ctx = withRun()
      const out = build({ preset: 'run', layout: 'blocks', mention: '@oncall' }, ctx)
      if (!ctx.run) throw new Error('no run')
      // The limit less the mention and its space.
      const report = runPreset(ctx, ctx.run, { allowedMentions: 'users', maxLength: 4992 })
      expect(out.text).toBe(`@oncall ${report}`)
      expect(out.attachments).toBeUndefined()
      const blocks = out.blocks ?? []
      expect(validateBlocks(blocks)).toEqual(blocks)
      expect(blocks.map((b) => b.type)).toEqual(['section', 'section', 'context', 'actions'])
      expect((blocks[1] as LinkSection).text?.text).toMatch(
        /^❌ \[test\]\(.*\) 1m 30s · step: Run tests\n✅ \[lint\]/
      )
      expect((blocks[3] as LinkActions).elements.map((b) => b.text.text)).toEqual(['Open run'])
      const pr = withRun('pull_request')
      const onPr = build({ preset: 'run', layout: 'blocks' }, pr).blocks?.at(-1) as LinkActions
      expect(onPr.elements.map((b) => [b.text.text, b.url])).toEqual([
        ['Open run', 'https://github.com/Codertocat/Hello-World/actions/runs/1658821493'],
        ['View pull request', 'https://github.com/Codertocat/Hello-World/pull/2']
      ])
    })

    it('takes a given message as the text and given blocks after the report', () => {
      const mine = parse([{ type: 'context', elements: [{ type: 'mrkdwn', text: 'mine' }] }])
      const out = build(
        {
          preset: 'run',
          layout: 'blocks',
          message: '{{ run.result_icon }} {{ run.summary }}',
          blocks: mine
        },
        withRun()
      )
      expect(out.text).toBe('❌ 1 failed, 1 succeeded')
      expect(out.blocks?.[0].type).toBe('section')
      expect(out.blocks?.at(-1)).toEqual(mine?.[0])
    })

    it('stays text only with layout: attachments, and falls back to the status blocks without the run', () => {
      const text = build({ preset: 'run' }, withRun())
      expect([text.blocks, text.attachments]).toEqual([undefined, undefined])
      // GitHub could not tell (no ctx.run): the status message, in the layout asked for.
      const fallback = build({ preset: 'run', layout: 'blocks' }, context('push'))
      expect(fallback.text).toMatch(/^❌ \*Failed\*: CI \/ build on master/)
      expect(fallback.blocks?.at(-1)?.type).toBe('actions')
    })
  })
})
