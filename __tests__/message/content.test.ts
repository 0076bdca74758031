import { describe, expect, it } from '@jest/globals'
import type { WorkflowContext } from '../../src/message/context.js'
import { mentionPrefix, type ContentOptions } from '../../src/message/content.js'
import { ZWSP } from '../../src/message/neutralise.js'
import { buildIn, eventContext } from '../helpers/content.js'

const context = (event: 'push' | 'pull_request' | 'release', status = 'failure'): WorkflowContext =>
  eventContext(event, status, { DEPLOY_ENV: 'staging', GITHUB_TOKEN: 'ghs_secret' }, [
    'DEPLOY_*',
    'GITHUB_TOKEN'
  ])

function build(overrides: Partial<ContentOptions>, ctx = context('push'), warnings: string[] = []) {
  return buildIn(ctx, overrides, warnings)
}

describe('buildContent', () => {
  it('keeps the alias one plain line: no newline or bidi mark from a value', () => {
    const push = context('push')
    const ctx = { ...push, github: { ...push.github, actor: 'eve\n\u202Enimda' } }
    const out = build({ message: 'x', alias: '{{ github.actor }} CI' }, ctx)
    expect(out.alias).toBe('evenimda CI')
  })

  it('renders the message and alias from the workflow context', () => {
    const out = build({
      message: '{{ github.workflow }} on {{ branch }} ({{ sha7 }}): {{ job.status }}',
      alias: '{{ github.actor }} CI'
    })
    expect(out).toEqual({ text: 'CI on master (6113728): failure', alias: 'Codertocat CI' })
  })

  it('posts text literally when template is false', () => {
    const out = build({
      message: '{{ github.sha }} {{#x}}',
      alias: '{{a}}',
      attachments: [{ title: '{{ b }}' }],
      template: false
    })
    expect(out).toEqual({
      text: '{{ github.sha }} {{#x}}',
      alias: '{{a}}',
      attachments: [{ title: '{{ b }}' }]
    })
  })

  it('renders attachments, naming the leaf in errors', () => {
    const out = build(
      { attachments: [{ title: '{{ pr_title }}', text: '{{ commit_message }}' }] },
      context('pull_request')
    )
    expect(out.attachments).toEqual([
      { title: 'Update the README with new information.', text: '' }
    ])
    expect(() => build({ attachments: [{ fields: [{ title: 't', value: '{{ x' }] }] })).toThrow(
      'Input "attachments[0].fields[0].value": template syntax error at line 1, column 1'
    )
    expect(() => build({ message: 'ok\n{{#a}}' })).toThrow(
      'Input "message": template syntax error at line 2, column 1'
    )
    expect(() => build({ alias: '{{/a}}' })).toThrow('Input "alias": template syntax error')
  })

  it('fills placeholders in link fields, then checks the links, naming the placeholder', () => {
    const out = build({
      attachments: [
        { title: '{{ sha7 }}', title_link: '{{ commit_url }}', image_url: '{{ pr_url }}' }
      ]
    })
    // On a push pr_url is empty: the link is left out rather than refused by the server.
    expect(out.attachments).toEqual([
      {
        title: '6113728',
        title_link:
          'https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246'
      }
    ])
    expect(() => build({ attachments: [{ title_link: '{{ branch }}' }] })).toThrow(
      'Input "attachments": attachments[0].title_link is "master", rendered from "{{ branch }}"; it must be an absolute http(s) URL'
    )
    expect(() =>
      build({
        templateFile: { path: 'd.yml', attachments: [{ author_link: 'x{{ sha7 }}' }] }
      })
    ).toThrow(
      'Input "template-file": d.yml attachments[0].author_link is "x6113728", rendered from "x{{ sha7 }}"'
    )
  })

  it('checks literal attachments as they are when template is false', () => {
    expect(() =>
      build({ template: false, attachments: [{ title_link: '{{ commit_url }}' }] })
    ).toThrow('attachments[0].title_link is "{{ commit_url }}"; it must be an absolute')
  })

  it('warns about placeholders that are not in the context', () => {
    const warnings: string[] = []
    build({ message: 'Hi {{ github.event.nope }}' }, context('push'), warnings)
    expect(warnings).toEqual([
      'message: {{ github.event.nope }} at line 1, column 4 is not in the workflow context; it renders empty.'
    ])
  })

  it('never exposes secrets through env', () => {
    expect(build({ message: '{{ env.DEPLOY_ENV }}:{{ env.GITHUB_TOKEN }}' }).text).toBe('staging:')
  })

  describe('template file', () => {
    const templateFile = {
      message: 'From file: {{ branch }}',
      alias: 'File bot',
      attachments: [{ title: '{{ github.workflow }}' }],
      path: 'ci/notify.yml'
    }

    it('supplies message, alias and attachments', () => {
      expect(build({ templateFile })).toEqual({
        text: 'From file: master',
        alias: 'File bot',
        attachments: [{ title: 'CI' }]
      })
    })

    it('loses to explicit inputs, each on its own', () => {
      expect(build({ templateFile, message: 'Input {{ sha7 }}' })).toEqual({
        text: 'Input 6113728',
        alias: 'File bot',
        attachments: [{ title: 'CI' }]
      })
      expect(
        build({ templateFile, alias: 'Input bot', attachments: [{ title: 'input' }] })
      ).toEqual({
        text: 'From file: master',
        alias: 'Input bot',
        attachments: [{ title: 'input' }]
      })
    })

    it('names the file and the part of it in errors and warnings', () => {
      expect(() => build({ templateFile: { ...templateFile, message: '{{#open}}' } })).toThrow(
        'Input "template-file": ci/notify.yml message: template syntax error at line 1, column 1'
      )
      expect(() =>
        build({ templateFile: { attachments: [{ title: '{{/x}}' }], path: 'ci/notify.yml' } })
      ).toThrow('Input "template-file": ci/notify.yml attachments[0].title: template syntax error')
      const warnings: string[] = []
      build({ templateFile: { alias: '{{ nope }}', path: 'n.json' } }, context('push'), warnings)
      expect(warnings[0]).toMatch(/^template-file n\.json alias: \{\{ nope \}\}/)
    })
  })

  describe('presets', () => {
    it('auto: no message or attachments posts the status message', () => {
      const out = build({})
      expect(out.text).toMatch(/^❌ \*Failed\*: CI \/ build on master in /)
      expect(out.attachments?.[0]).toMatchObject({ color: '#d40e0d', title: 'CI #42' })
      expect(out.alias).toBe('')
    })

    it('auto: a release event posts the release message', () => {
      const out = build({}, context('release', 'success'))
      expect(out.text).toMatch(/^🚀 New release: /)
    })

    it('auto: a message, attachments or a template file with either means no preset', () => {
      expect(build({ message: 'hi' })).toEqual({ text: 'hi', alias: '' })
      expect(build({ attachments: [{ title: 'a' }] })).toEqual({
        text: '',
        alias: '',
        attachments: [{ title: 'a' }]
      })
      expect(build({ templateFile: { message: 'file' } })).toEqual({ text: 'file', alias: '' })
      // An alias alone is not content: the preset still posts, under that alias.
      const aliasOnly = build({ alias: 'Bot' })
      expect(aliasOnly.alias).toBe('Bot')
      expect(aliasOnly.text).toMatch(/^❌ \*Failed\*/)
    })

    it('status with a message: the message replaces the preset line, attachments follow its card', () => {
      const out = build({
        preset: 'status',
        message: 'Deploy {{ env.DEPLOY_ENV }}',
        attachments: [{ title: 'extra' }]
      })
      expect(out.text).toBe('Deploy staging')
      expect(out.attachments).toHaveLength(2)
      expect(out.attachments?.[0]).toMatchObject({ title: 'CI #42' })
      expect(out.attachments?.[1]).toEqual({ title: 'extra' })
    })

    it('release on another event warns and posts the status message', () => {
      const warnings: string[] = []
      const out = build({ preset: 'release' }, context('push'), warnings)
      expect(out.text).toMatch(/^❌ \*Failed\*/)
      expect(warnings).toEqual([
        'preset "release" needs a release event, but this run was triggered by "push"; posting the status message instead.'
      ])
    })

    it('none with nothing given produces empty content (main.ts reports it)', () => {
      expect(build({ preset: 'none' })).toEqual({ text: '', alias: '' })
    })

    it('values from the event are neutralised; allowedMentions is honoured', () => {
      const ctx = context('pull_request')
      ;(ctx.github.event.pull_request as Record<string, unknown>).title = '@all ship it'
      ctx.pr_title = '@all ship it'
      const out = build({}, ctx)
      const fields = out.attachments?.[0].fields as { title: string; value: string }[]
      expect(fields.find((f) => f.title === 'Pull request')?.value).toContain(`@${ZWSP}all ship it`)
      expect(build({ message: '{{ pr_title }}', allowedMentions: 'all' }, ctx).text).toBe(
        '@all ship it'
      )
    })
  })

  describe('mention', () => {
    it('is prepended when the status matches mentionIf, and trusted', () => {
      expect(build({ message: 'Build broke', mention: '@all @ops' }).text).toBe(
        '@all @ops Build broke'
      )
      expect(build({ message: 'ok', mention: '@ops' }, context('push', 'success')).text).toBe('ok')
      expect(
        build(
          { message: 'ok', mention: '@ops', mentionIf: ['success', 'failure'] },
          context('push', 'success')
        ).text
      ).toBe('@ops ok')
      expect(
        build(
          { message: 'ok', mention: '@ops', mentionIf: ['always'] },
          context('push', 'cancelled')
        ).text
      ).toBe('@ops ok')
    })

    it('goes in front of a preset, and alone when there is only an attachment', () => {
      expect(build({ mention: '@ops' }).text).toMatch(/^@ops ❌ \*Failed\*/)
      expect(build({ mention: '@ops', attachments: [{ title: 'a' }] }).text).toBe('@ops')
    })

    it('leaves room for itself when release notes are trimmed', () => {
      const ctx = context('release', 'failure')
      ;(ctx.github.event.release as Record<string, unknown>).body = 'note '.repeat(3000)
      const out = build({ mention: '@release-team', maxLength: 1000 }, ctx)
      expect(out.text.startsWith('@release-team 🚀 New release')).toBe(true)
      expect(out.text.length).toBeLessThanOrEqual(1000)
    })

    it('mentionPrefix matches statuses case-insensitively', () => {
      expect(mentionPrefix({ mention: ' @ops ', mentionIf: ['Failure'] }, 'FAILURE')).toBe('@ops')
      expect(mentionPrefix({ mention: '', mentionIf: ['always'] }, 'failure')).toBe('')
      expect(mentionPrefix({ mention: '@ops', mentionIf: [] }, 'failure')).toBe('')
    })
  })
})
