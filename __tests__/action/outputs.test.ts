import { describe, expect, it } from '@jest/globals'
import { messageUrl, outputsOf, summaryHtml } from '../../src/action/outputs.js'
import { elementsOf, parseHtml, textOf } from '../helpers/html.js'

const server = new URL('https://chat.example.com/rc')

describe('outputs.ts', () => {
  it.each([
    [
      { id: 'GENERAL', name: 'general', type: 'c' },
      'https://chat.example.com/rc/channel/general?msg=m1'
    ],
    [{ id: 'r2', name: 'deploys', type: 'p' }, 'https://chat.example.com/rc/group/deploys?msg=m1'],
    [{ id: 'aaabbb', name: 'alice', type: 'd' }, 'https://chat.example.com/rc/direct/aaabbb?msg=m1']
  ])('links a message in %j', (room, expected) => {
    expect(messageUrl(server, room, 'm1')).toBe(expected)
  })

  it('encodes names and ids in the link', () => {
    expect(messageUrl(server, { id: 'r', name: 'a b/c', type: 'c' }, 'x&y')).toBe(
      'https://chat.example.com/rc/channel/a%20b%2Fc?msg=x%26y'
    )
  })

  it('maps a delivery to every output, with ts as ISO 8601', () => {
    const outputs = outputsOf(
      {
        message: { _id: 'm1', rid: 'GENERAL', ts: '2026-09-10T12:00:00.000Z', tmid: 'parent' },
        room: { id: 'GENERAL', name: 'general', type: 'c' },
        threadId: 'parent',
        parts: 1,
        action: 'replied'
      },
      server
    )
    expect(outputs).toEqual({
      'message-id': 'm1',
      'room-id': 'GENERAL',
      'room-name': 'general',
      'room-type': 'c',
      'thread-id': 'parent',
      ts: '2026-09-10T12:00:00.000Z',
      'message-url': 'https://chat.example.com/rc/channel/general?msg=m1',
      action: 'replied'
    })
  })

  it('reads the ts shapes servers use', () => {
    const ts = (value: unknown) =>
      outputsOf(
        {
          message: { _id: 'm', rid: 'r', ts: value as string },
          room: { id: 'r', name: 'n', type: 'c' },
          threadId: '',
          parts: 1,
          action: 'posted'
        },
        server
      ).ts
    expect(ts(1757505600123)).toBe('2025-09-10T12:00:00.123Z')
    expect(ts({ $date: 1757505600123 })).toBe('2025-09-10T12:00:00.123Z')
    expect(ts(undefined)).toBe('')
    expect(ts('tomorrow')).toBe('')
  })

  it('leaves empty, and lists, the outputs a hostile server gave in another shape', () => {
    const refused: string[] = []
    const outputs = outputsOf(
      {
        message: { _id: 'm1\n::error::x', rid: 'r', ts: '$(curl evil)' },
        room: { id: 'r1;rm -rf ~', name: 'general`id`', type: 'c && id' },
        threadId: '$(id)',
        parts: 1,
        action: 'posted'
      },
      server,
      refused
    )
    expect(refused.sort()).toEqual(['message-id', 'room-id', 'room-name', 'room-type', 'thread-id'])
    expect(outputs).toEqual({
      'message-id': '',
      'room-id': '',
      'room-name': '',
      'room-type': '',
      'thread-id': '',
      ts: '',
      'message-url': '',
      action: 'posted'
    })
    // Names with letters of any script, dots, dashes and DM lists pass.
    expect(
      outputsOf(
        {
          message: { _id: 'm', rid: 'r', ts: 0 },
          room: {
            id: 'aidqcTx5gEBMGtqzAs7PD5JgeQuSWNo7dC',
            name: 'élan.dev-team,alice',
            type: 'd'
          },
          threadId: '',
          parts: 1,
          action: 'posted'
        },
        server
      )['room-name']
    ).toBe('élan.dev-team,alice')
  })
})

describe('job summary', () => {
  const outputs = {
    'message-id': 'm1',
    'room-id': 'r<1>',
    'room-name': 'a&b "c"',
    'room-type': 'c',
    'thread-id': '',
    ts: '2026-09-10T12:00:00.000Z',
    'message-url': 'https://chat.example.com/channel/a%26b?msg=m1&x="y"',
    action: 'posted'
  }

  it('is well-formed HTML whatever the values, with a dash for an empty one', () => {
    const nodes = parseHtml(summaryHtml(outputs, '#a&b'))
    const rows = elementsOf(nodes, 'tr').map((tr) => tr.children.map(textOf))
    expect(rows).toEqual([
      ['Output', 'Value'],
      ['message-id', 'm1'],
      ['room-id', 'r<1>'],
      ['room-name', 'a&b "c"'],
      ['room-type', 'c'],
      ['thread-id', '—'],
      ['ts', '2026-09-10T12:00:00.000Z'],
      ['message-url', 'https://chat.example.com/channel/a%26b?msg=m1&x="y"'],
      ['action', 'posted']
    ])
    const [link] = elementsOf(nodes, 'a')
    expect(textOf(link)).toBe('Open the message in #a&b')
    expect(textOf(link.attributes.href)).toBe(outputs['message-url'])
  })

  it('the checker refuses what core.summary wrote for an empty cell', () => {
    expect(() => parseHtml('<table><tr><td>thread-id</td><td></tr></table>')).toThrow(
      '</tr> at 33 closes <td>'
    )
    expect(() => parseHtml('<p>a & b</p>')).toThrow('stray &')
  })
})
