import { afterEach, describe, expect, it } from '@jest/globals'
import { resolveRoom, RoomError, suggestions } from '../../src/rocketchat/rooms.js'
import { SEED } from '../../test/fake-rocketchat/server.mjs'
import { fakeClient, type FakeClient } from '../helpers/fake-client.js'
import { fakeRocketChat } from '../helpers/fake.js'

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

describe('rooms.ts direct messages reach the person named, or nobody', () => {
  const fake = fakeRocketChat()
  const made: FakeClient[] = []
  afterEach(async () => {
    await Promise.all(made.splice(0).map((m) => m.dispatcher.destroy()))
    fake.clearFaults()
    fake.setUnknownDmUsers('refuse')
  })
  const resolve = (username: string) => {
    const m = fakeClient(fake)
    made.push(m)
    return resolveRoom(m.client, { kind: 'user', username, given: `@${username}` })
  }
  const NO_SUCH =
    'No user @nosuchuser on the server: cannot open a direct message. Check the username.'

  it('opens the DM with an existing user, whatever the case of the name', async () => {
    const room = await resolve('Bob')
    expect(room).toMatchObject({ type: 'd', name: 'Bob', usernames: ['bob', 'ci-bot'] })
    expect(room.id).toBe([SEED.users.bot.id, SEED.users.bob.id].sort().join(''))
  })

  it.each(['refuse', 'drop'] as const)(
    'names the unknown user whether the server refuses it or answers the self-DM (%s)',
    async (mode) => {
      fake.setUnknownDmUsers(mode)
      const error = await resolve('nosuchuser').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(RoomError)
      expect((error as Error).message).toBe(NO_SUCH)
    }
  )

  it('reads the members with rooms.info when im.create does not list them', async () => {
    const rid = [SEED.users.bot.id, SEED.users.alice.id].sort().join('')
    await resolve('alice')
    fake.inject({
      route: 'im.create',
      kind: 'status',
      status: 200,
      body: JSON.stringify({ room: { _id: rid, t: 'd', rid }, success: true })
    })
    expect(await resolve('alice')).toMatchObject({ id: rid, usernames: ['alice', 'ci-bot'] })
    fake.inject({
      route: 'im.create',
      kind: 'status',
      status: 200,
      body: JSON.stringify({ room: { _id: rid, t: 'd', rid }, success: true })
    })
    expect(((await resolve('nosuchuser').catch((e: unknown) => e)) as Error).message).toBe(NO_SUCH)
  })
})
