/** The fake Rocket.Chat server: rooms.info, rooms.get and im.create (see helpers.ts). */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { bot, alice, bob, ROOM, METEOR_ID, ISO_DATE, SEED, type Json } from './fixtures.js'
import { fake, post, get, send, start } from './helpers.js'

describe('rooms and DMs', () => {
  beforeEach(() => start({ rateLimit: false }))

  it('rooms.info finds by id or exact name, never by fname', async () => {
    expect((await get(`rooms.info?roomId=${ROOM.teamQa}`)).body.room).toMatchObject({
      name: 'team-qa',
      fname: 'Team QA',
      t: 'c'
    })
    expect((await get('rooms.info?roomName=team-qa')).body.room._id).toBe(ROOM.teamQa)
    const byFname = await get('rooms.info?roomName=Team%20QA')
    expect(byFname.body).toEqual({
      success: false,
      error:
        'The required "roomId" or "roomName" param provided does not match any channel [error-room-not-found]',
      errorType: 'error-room-not-found'
    })
  })

  it('rooms.info error shapes', async () => {
    expect((await get('rooms.info')).body).toEqual({
      success: false,
      error: 'The parameter "roomId" or "roomName" is required [error-roomid-param-not-provided]',
      errorType: 'error-roomid-param-not-provided'
    })
    expect((await get('rooms.info?roomName=secret-ops')).body).toEqual({
      success: false,
      error: 'not-allowed',
      errorType: 'Not Allowed'
    })
    expect((await get('rooms.info?roomName=old-builds')).body).toMatchObject({
      error: 'The channel, old-builds, is archived [error-room-archived]',
      errorType: 'error-room-archived'
    })
    fake.setVersion('develop')
    expect((await get('rooms.info?roomName=old-builds')).body.room.archived).toBe(true)
  })

  it('rooms.get lists every subscribed room and filters by updatedSince', async () => {
    const all = await get('rooms.get')
    const ids = all.body.update.map((r: Json) => r._id)
    const expected = Object.values(SEED.rooms).filter((r) =>
      (r.members as string[]).includes('bot')
    )
    expect(ids.sort()).toEqual(expected.map((r) => r.id).sort())
    expect(ids.length).toBeGreaterThanOrEqual(35)
    expect(ids).not.toContain(ROOM.secret)
    expect(all.body.remove).toEqual([])
    const since = new Date().toISOString()
    await new Promise((r) => setTimeout(r, 5))
    await send({ rid: ROOM.releases, msg: 'bump' })
    fake.removeRoom(ROOM.teamQa)
    const changed = await get(`rooms.get?updatedSince=${since}`)
    expect(changed.body.update.map((r: Json) => r._id)).toEqual([ROOM.releases])
    expect(changed.body.update[0].lastMessage.msg).toBe('bump')
    expect(changed.body.remove).toEqual([
      { _id: ROOM.teamQa, _deletedAt: expect.stringMatching(ISO_DATE) }
    ])
    expect((await get('rooms.get?updatedSince=yesterday')).body).toEqual({
      success: false,
      error:
        'The "updatedSince" query parameter must be a valid date. [error-updatedSince-param-invalid]',
      errorType: 'error-updatedSince-param-invalid'
    })
  })

  it('im.create returns the minimal room, is idempotent and uses sorted ids', async () => {
    const rid = [bot.id, bob.id].sort().join('')
    const first = await post('im.create', { username: 'bob' })
    expect(first.body).toEqual({
      room: { t: 'd', rid, usernames: ['bob', 'ci-bot'], _id: rid },
      success: true
    })
    expect((await post('im.create', { username: 'bob' })).body).toEqual(first.body)
    expect(fake.isSubscribed(rid, bob.id)).toBe(true)
    expect((await send({ rid, msg: 'hi bob' })).status).toBe(200)
    expect(fake.messagesIn(rid).map((m: Json) => m.msg)).toEqual(['hi bob'])
  })

  it('im.create group DMs get a random id; unknown users are error-invalid-user', async () => {
    const group = await post('im.create', { usernames: 'bob,alice' })
    expect(group.body.room._id).toMatch(METEOR_ID)
    expect(group.body.room.usernames).toEqual(['alice', 'bob', 'ci-bot'])
    expect((await post('im.create', { username: 'nobody' })).body).toEqual({
      success: false,
      error: 'Invalid user [error-invalid-user]',
      errorType: 'error-invalid-user',
      details: { method: 'createDirectMessage' }
    })
  })

  it('im.create with an unknown user answers the caller’s self-DM on a server that drops unknown names', async () => {
    fake.setUnknownDmUsers('drop')
    const res = await post('im.create', { username: 'nobody' })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      room: {
        t: 'd',
        rid: expect.stringMatching(METEOR_ID),
        usernames: ['ci-bot'],
        _id: res.body.room.rid
      },
      success: true
    })
    expect((await post('im.create', { username: 'nobody' })).body.room._id).toBe(res.body.room._id)
    expect((await post('im.create', { username: 'bob' })).body.room.usernames).toEqual([
      'bob',
      'ci-bot'
    ])
  })

  it('a DM the bot is not in is not allowed', async () => {
    const rid = [alice.id, bob.id].sort().join('')
    fake.addRoom({
      _id: rid,
      t: 'd',
      usernames: ['alice', 'bob'],
      uids: [alice.id, bob.id].sort(),
      members: [alice.id, bob.id]
    })
    expect((await send({ rid, msg: 'x' })).body).toEqual({
      success: false,
      error: 'error-not-allowed'
    })
  })
})
