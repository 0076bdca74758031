import { describe, expect, it } from '@jest/globals'
import { looksLikeRoomId, newMessageId } from '../../src/rocketchat/ids.js'

describe('ids.ts', () => {
  it('makes ids in the server alphabet, different every time', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newMessageId()))
    expect(ids.size).toBe(200)
    for (const id of ids)
      expect(id).toMatch(/^[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}$/)
  })

  it('tells room ids from names', () => {
    expect(looksLikeRoomId('GENERAL')).toBe(true)
    expect(looksLikeRoomId('9eBc2p7ckLMKgBaYi')).toBe(true)
    expect(looksLikeRoomId('aidqcTx5gEBMGtqzAs7PD5JgeQuSWNo7dC')).toBe(true)
    expect(looksLikeRoomId('general')).toBe(false)
    expect(looksLikeRoomId('ci-builds')).toBe(false)
  })
})
