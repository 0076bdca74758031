import { describe, expect, it } from '@jest/globals'
import { suggestions } from '../../src/rocketchat/rooms.js'

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
