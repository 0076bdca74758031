import { describe, expect, it } from '@jest/globals'
import { cutAt, split, truncate } from '../../src/message/length.js'
import { fitText } from '../../src/message/fit.js'

describe('length.ts', () => {
  it('never cuts inside a surrogate pair or an emoji sequence', () => {
    const family = '👨‍👩‍👧'
    const text = `${'a'.repeat(9)}😀${family}tail`
    for (let max = 1; max < text.length; max++) {
      const cut = cutAt(text, max)
      expect(cut.length).toBeLessThanOrEqual(max)
      expect(text.startsWith(cut)).toBe(true)
      expect(cut).not.toMatch(/[\uD800-\uDBFF]$/)
      expect(cut.endsWith('\u200d')).toBe(false)
    }
    expect(cutAt(text, 10)).toBe('a'.repeat(9))
    expect(cutAt(text, 11)).toBe(`${'a'.repeat(9)}😀`)
  })

  it('truncates to the limit with the marker', () => {
    const out = truncate('x'.repeat(100), 50, ' [cut]')
    expect(out).toHaveLength(50)
    expect(out.endsWith(' [cut]')).toBe(true)
    expect(truncate('short', 50, ' [cut]')).toBe('short')
  })

  it('splits into parts within the limit, preferring line ends, losing nothing', () => {
    const text = Array.from({ length: 40 }, (_, i) => `line ${i} ${'🎉'.repeat(3)}`).join('\n')
    const parts = split(text, 100)
    expect(parts.length).toBeGreaterThan(1)
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(100)
    expect(parts.join('\n').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''))
    expect(parts[0].endsWith('🎉')).toBe(true)
  })

  it('splits text without spaces at grapheme boundaries', () => {
    const text = '😀'.repeat(60)
    const parts = split(text, 25)
    expect(parts.join('')).toBe(text)
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(25)
  })
})

describe('length.ts edge cases', () => {
  it('always moves on, even when one grapheme is longer than the limit', () => {
    const parts = split('👍👍 build done', 1)
    expect(parts.length).toBeLessThan(20)
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(2)
    expect(split('👨‍👩‍👧 ok', 3).join('').replace(/\s/g, '')).toBe('👨‍👩‍👧ok')
  })

  it('never makes an empty part out of a run of blank space', () => {
    const parts = split(`${'a'.repeat(10)}${' '.repeat(25)}b`, 10)
    expect(parts.every((p) => p.trim().length > 0)).toBe(true)
    expect(parts.join('').replace(/\s/g, '')).toBe(`${'a'.repeat(10)}b`)
  })
})

describe('fitText: split under max-parts', () => {
  it('keeps a text that needs fewer parts whole, split as before', () => {
    const text = 'a '.repeat(250) // 500 units, 5 parts of 100
    const fitted = fitText(text, 100, 'split', 'https://run', 5)
    expect(fitted.cut).toBe(false)
    expect(fitted.parts).toEqual(split(text, 100))
  })

  it('caps the parts; the last ends with what was left out, and fits', () => {
    const text = 'word '.repeat(2000) // 10,000 units
    const fitted = fitText(text, 200, 'split', 'https://run', 3)
    expect(fitted.cut).toBe(true)
    expect(fitted.parts).toHaveLength(3)
    for (const part of fitted.parts) expect(part.length).toBeLessThanOrEqual(200)
    const left = Number(
      /… \((\d+) more characters not posted: full text in the run log, https:\/\/run\)$/.exec(
        fitted.parts[2]
      )?.[1]
    )
    const kept = fitted.parts
      .join('')
      .replace(/\n\n… \(.*$/, '')
      .replace(/\s/g, '').length
    expect(kept + left).toBeGreaterThanOrEqual(text.replace(/\s/g, '').length)
    expect(fitted.note).toMatch(/posting it in 3 parts \(max-parts\)/)
  })

  it('with max-parts 1, posts one truncated message', () => {
    const fitted = fitText('x'.repeat(1000), 100, 'split', '', 1)
    expect(fitted.parts).toHaveLength(1)
    expect(fitted.parts[0]).toMatch(/^x+\n\n… \(\d+ more characters not posted\)$/)
    expect(fitted.parts[0].length).toBeLessThanOrEqual(100)
  })
})
