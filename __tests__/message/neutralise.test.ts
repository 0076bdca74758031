import { describe, expect, it } from '@jest/globals'
import {
  inlineCode,
  neutralise,
  neutraliseMarkdown,
  neutraliseMentions,
  ZWSP
} from '../../src/message/neutralise.js'

// Rocket.Chat's server-side mention matcher (apps/meteor/app/mentions/lib/MentionsParser.ts,
// with the default UTF8_User_Names_Validation): what decides who gets notified.
const pattern = '[0-9a-zA-Z-_.]+'
const SERVER_MENTION = new RegExp(
  `(^|\\s|>)@(${pattern}(@(${pattern}))?(:([0-9a-zA-Z-_.]+))?)`,
  'gm'
)
function notified(text: string): string[] {
  return (text.match(SERVER_MENTION) ?? []).map((m) => m.trim().slice(1))
}

describe('neutraliseMentions', () => {
  const hostile =
    '@all look! @here (@channel) @ALL\n>@here @@all @all. @allison @alice bob@here.com'

  it('users (default): room-wide mentions notify nobody, personal ones still work', () => {
    const out = neutraliseMentions(hostile, 'users')
    const who = notified(out)
    expect(who).not.toContain('all')
    expect(who).not.toContain('here')
    expect(who).not.toContain('channel')
    expect(who).toEqual(expect.arrayContaining(['allison', 'alice']))
    expect(out).toContain(`@${ZWSP}all look!`)
    expect(out).toContain('bob@here.com')
    // Reads the same: only invisible characters were added.
    expect(out.replaceAll(ZWSP, '')).toBe(hostile)
  })

  it('none: no @mention in a value notifies anyone', () => {
    const out = neutraliseMentions(hostile, 'none')
    expect(notified(out).filter((name) => !name.includes('.com'))).toEqual([])
    expect(out).toContain(`@${ZWSP}alice`)
    expect(out).toContain('bob@here.com')
  })

  it('all: nothing is changed', () => {
    expect(neutraliseMentions(hostile, 'all')).toBe(hostile)
  })

  it('is idempotent', () => {
    const once = neutraliseMentions(hostile, 'none')
    expect(neutraliseMentions(once, 'none')).toBe(once)
  })

  it('also stops the message parser from seeing a mention', () => {
    // The parser's UserMention rule needs a name character right after the @.
    const out = neutraliseMentions('@here', 'users')
    expect(out).toBe(`@${ZWSP}here`)
    expect(/@[\p{L}\p{N}_.-]/u.test(out)).toBe(false)
  })
})

describe('neutraliseMarkdown', () => {
  it('breaks links so a value cannot hide a URL behind text', () => {
    const out = neutraliseMarkdown('[Click here](https://evil.example) and ![x](https://e/x.png)')
    expect(out).not.toContain('](')
    expect(out.replaceAll(ZWSP, '')).toBe(
      '[Click here](https://evil.example) and ![x](https://e/x.png)'
    )
    expect(neutraliseMarkdown('<https://evil.example|Click>')).toBe(
      `<${ZWSP}https://evil.example|Click>`
    )
  })

  it('breaks code fences and lone backticks but keeps a closed `code` span', () => {
    const fence = neutraliseMarkdown('```\nswallow everything after')
    expect(fence).not.toContain('`')
    expect(neutraliseMarkdown('Fix `parse()` crash')).toBe('Fix `parse()` crash')
    const lone = neutraliseMarkdown('Fix the ` key')
    expect(lone).not.toContain('`')
    expect(lone).toBe('Fix the \u02CB key')
    expect(neutraliseMarkdown('a `b` c `d')).toBe('a `b` c \u02CBd')
  })

  it('keeps paired emphasis and swaps an unpaired marker for a look-alike', () => {
    expect(neutraliseMarkdown('a *bold* move')).toBe('a *bold* move')
    expect(neutraliseMarkdown('2 * 3')).toBe('2 \u2217 3')
    expect(neutraliseMarkdown('**open bold')).toBe('\u2217\u2217open bold')
    expect(neutraliseMarkdown('~strike')).toBe('\u223Cstrike')
    expect(neutraliseMarkdown('_italic')).toBe('\u02CDitalic')
    expect(neutraliseMarkdown('fix_the_thing and snake_case')).toBe('fix_the_thing and snake_case')
    // Markers inside a kept code span do not count.
    expect(neutraliseMarkdown('`a*b` *c*')).toBe('`a*b` *c*')
  })

  it('pairs markers line by line, as the parser does', () => {
    expect(neutraliseMarkdown('*a\nb*')).toBe('\u2217a\nb\u2217')
  })

  it('breaks spoilers and KaTeX blocks, which can span lines', () => {
    expect(neutraliseMarkdown('||x')).toBe(`|${ZWSP}|x`)
    expect(neutraliseMarkdown('$$x')).toBe(`$${ZWSP}$x`)
    expect(neutraliseMarkdown('\\[x')).toBe(`\\${ZWSP}[x`)
  })

  it('leaves plain text alone', () => {
    const text = 'Update the README with new information. (#2) — ok? yes: 100% "quoted" \\ back'
    expect(neutraliseMarkdown(text)).toBe(text)
  })
})

describe('neutralise', () => {
  it('keep: markdown written by maintainers stays, room-wide mentions do not', () => {
    const notes = '## Changes\n* **New** `api` by @alice\n```js\ncode()\n```\n@all please upgrade'
    const out = neutralise(notes, { allowedMentions: 'users', markdown: 'keep' })
    expect(out).toBe(notes.replace('@all', `@${ZWSP}all`))
  })

  it('handles 10,000 characters of hostile text quickly', () => {
    const value = '@all `*_~[x](y)||$$ '.repeat(500)
    const started = performance.now()
    const out = neutralise(value, { allowedMentions: 'users' })
    expect(performance.now() - started).toBeLessThan(200)
    expect(notified(out)).toEqual([])
    expect(out).not.toContain('](')
  })
})

describe('inlineCode', () => {
  it('wraps a value in a code span it cannot close early', () => {
    expect(inlineCode('*/15 * * * *', 'users')).toBe('`*/15 * * * *`')
    expect(inlineCode('a`b\nc', 'users')).toBe('`a\u02CBb c`')
    expect(inlineCode('@here', 'users')).toBe(`\`@${ZWSP}here\``)
    expect(inlineCode('', 'users')).toBe('')
  })
})
