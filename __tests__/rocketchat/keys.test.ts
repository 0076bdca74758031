import { describe, expect, it } from '@jest/globals'
import { keyedMessageId } from '../../src/rocketchat/keys.js'

describe('keys.ts keyedMessageId', () => {
  it('is a 17-character id in the Meteor alphabet', () => {
    expect(keyedMessageId('https://chat.example.com', 'GENERAL', 'pr-42')).toMatch(
      /^[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}$/
    )
  })

  // Pinned: keyed messages posted by earlier releases are found only while these hold.
  it.each([
    ['https://chat.example.com', 'GENERAL', 'deploy-1658821493', 'o7jo8XKRepCxsBqYA'],
    ['https://chat.example.com/rc/', 'GENERAL', 'pr-42', 'xMreGjjp2DqMdgDmW']
  ])('maps %s, room %s, key %s to %s, now and in every release', (server, room, key, id) => {
    expect(keyedMessageId(server, room, key)).toBe(id)
  })

  it('reads one server the same however its URL is spelled', () => {
    const id = keyedMessageId('https://chat.example.com', 'GENERAL', 'k')
    expect(keyedMessageId('https://CHAT.example.com:443/', 'GENERAL', 'k')).toBe(id)
    expect(keyedMessageId(new URL('https://chat.example.com///'), 'GENERAL', 'k')).toBe(id)
  })

  it('differs by server, sub-path, room and key', () => {
    const id = keyedMessageId('https://chat.example.com', 'GENERAL', 'k')
    expect(
      new Set([
        id,
        keyedMessageId('https://chat.example.org', 'GENERAL', 'k'),
        keyedMessageId('https://chat.example.com/rc', 'GENERAL', 'k'),
        keyedMessageId('http://chat.example.com', 'GENERAL', 'k'),
        keyedMessageId('https://chat.example.com', '9eBc2p7ckLMKgBaYi', 'k'),
        keyedMessageId('https://chat.example.com', 'GENERAL', 'K'),
        keyedMessageId('https://chat.example.com', 'GENERAL', 'k ')
      ]).size
    ).toBe(7)
  })

  it('cannot be confused by a separator inside a part', () => {
    expect(keyedMessageId('https://a.example', 'R', 'x\0y')).not.toBe(
      keyedMessageId('https://a.example', 'R\0x', 'y')
    )
  })
})
