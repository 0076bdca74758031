import { describe, expect, it } from '@jest/globals'
import { looksLikeRoomId, newMessageId } from '../src/rocketchat/ids.js'
import { suggestions } from '../src/rocketchat/rooms.js'

describe('rooms.ts suggestions', () => {
  const rooms = ['general', 'ci-builds', 'releases', 'deploys', 'random', 'project-01'].map(
    (name, i) => ({
      _id: `id${i}`,
      t: 'c',
      name
    })
  )

  it('offers the closest names for a typo', () => {
    expect(suggestions('generl', rooms)).toEqual(['general'])
    expect(suggestions('ci-build', rooms)).toEqual(['ci-builds'])
    expect(suggestions('Releases', rooms)).toEqual(['releases'])
  })

  it('offers nothing when nothing is close, and never more than three', () => {
    expect(suggestions('zzzzzzzz', rooms)).toEqual([])
    expect(suggestions('e', rooms).length).toBeLessThanOrEqual(3)
  })

  it('never suggests direct messages', () => {
    expect(suggestions('alice', [{ _id: 'd1', t: 'd', name: 'alice' }])).toEqual([])
  })
})

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
