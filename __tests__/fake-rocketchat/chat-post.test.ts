/** The fake Rocket.Chat server: chat.postMessage (see helpers.ts). */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { bot, ci, alice, bob, ROOM, METEOR_ID } from './fixtures.js'
import { fake, post, start } from './helpers.js'

describe('chat.postMessage', () => {
  beforeEach(() => start({ rateLimit: false }))

  it('builds the documented message and echoes the channel verbatim', async () => {
    const before = Date.now()
    const res = await post('chat.postMessage', { channel: '#general', text: '  Deploy finished  ' })
    expect(res.status).toBe(200)
    expect(res.body.channel).toBe('#general')
    expect(typeof res.body.ts).toBe('number')
    expect(res.body.ts).toBeGreaterThanOrEqual(before)
    expect(res.body.message).toMatchObject({
      alias: '',
      msg: 'Deploy finished',
      attachments: [],
      parseUrls: true,
      groupable: false,
      rid: ROOM.general,
      u: { _id: bot.id, username: bot.username }
    })
    expect(res.body.message._id).toMatch(METEOR_ID)
    expect(Object.keys(res.body)).toEqual(['ts', 'channel', 'message', 'success'])
  })

  it('sets parseUrls false with attachments and moves attachment msg to text', async () => {
    const res = await post('chat.postMessage', {
      roomId: ROOM.general,
      attachments: [{ msg: ' body ' }]
    })
    expect(res.body.message).toMatchObject({ parseUrls: false, attachments: [{ text: 'body' }] })
    expect(res.body.channel).toBe(ROOM.general)
  })

  it('checks size on text and attachment text with a bare error string', async () => {
    const long = 'x'.repeat(5001)
    for (const body of [
      { channel: '#general', text: long },
      { channel: '#general', attachments: [{ text: long }] }
    ]) {
      const res = await post('chat.postMessage', body)
      expect(res.body).toEqual({ success: false, error: 'error-message-size-exceeded' })
    }
  })

  it('resolves names, ids, #name and @user; unknown targets are invalid-channel', async () => {
    expect(
      (await post('chat.postMessage', { roomId: 'releases', text: 'x' })).body.message.rid
    ).toBe(ROOM.releases)
    expect(
      (await post('chat.postMessage', { channel: ROOM.releases, text: 'x' })).body.message.rid
    ).toBe(ROOM.releases)
    const dm = await post('chat.postMessage', { channel: '@bob', text: 'hi' })
    expect(dm.body.message.rid).toBe([bot.id, bob.id].sort().join(''))
    expect(fake.rooms.get(dm.body.message.rid)).toMatchObject({
      t: 'd',
      usernames: ['bob', 'ci-bot']
    })
    const byUserId = await post('chat.postMessage', { roomId: alice.id, text: 'hi' })
    expect(byUserId.body.message.rid).toBe([bot.id, alice.id].sort().join(''))
    for (const target of ['#nope', '@nobody', 'nope']) {
      expect((await post('chat.postMessage', { channel: target, text: 'x' })).body).toEqual({
        success: false,
        error: '[invalid-channel]',
        errorType: 'invalid-channel'
      })
    }
  })

  it('joins public channels, but not private ones', async () => {
    expect((await post('chat.postMessage', { channel: '#releases', text: 'x' }, ci)).status).toBe(
      200
    )
    expect(fake.isSubscribed(ROOM.releases, ci.id)).toBe(true)
    const res = await post('chat.postMessage', { channel: '#secret-ops', text: 'x' })
    expect(res.body).toEqual({ success: false, error: 'error-not-allowed' })
    expect(fake.isSubscribed(ROOM.secret, bot.id)).toBe(false)
  })

  it('delivers arrays target by target on 8.x and all-or-nothing on develop', async () => {
    const body = { channel: ['#general', '#secret-ops'], text: 'x' }
    expect((await post('chat.postMessage', body)).body.error).toBe('error-not-allowed')
    expect(fake.messagesIn(ROOM.general)).toHaveLength(1)
    fake.setVersion('develop')
    expect((await post('chat.postMessage', body)).body.error).toBe('error-not-allowed')
    expect(fake.messagesIn(ROOM.general)).toHaveLength(1)
  })

  it('requires impersonation for alias', async () => {
    expect(
      (await post('chat.postMessage', { channel: '#general', text: 'x', alias: 'A' }, ci)).body
    ).toEqual({
      success: false,
      error: 'Not enough permission'
    })
  })
})
