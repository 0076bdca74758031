/** The fake Rocket.Chat server: chat.update, chat.getMessage and chat.react (see helpers.ts). */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { bot, ci, admin, ROOM, ISO_DATE, type Json } from './fixtures.js'
import { fake, post, get, send, start } from './helpers.js'

describe('chat.update, chat.getMessage, chat.react', () => {
  let mine: Json
  beforeEach(async () => {
    await start({ rateLimit: false })
    mine = (await send({ rid: ROOM.general, msg: 'v1 https://a.example' })).body.message
  })

  it('edits text and records who edited', async () => {
    const res = await post('chat.update', { roomId: ROOM.general, msgId: mine._id, text: 'v2' })
    expect(res.status).toBe(200)
    expect(res.body.message).toMatchObject({
      _id: mine._id,
      msg: 'v2',
      editedBy: { _id: bot.id, username: bot.username }
    })
    expect(res.body.message.editedAt).toMatch(ISO_DATE)
    expect(res.body.message.urls).toEqual([])
    expect(fake.messages.get(mine._id)?.msg).toBe('v2')
  })

  it('returns the documented update errors', async () => {
    expect(
      (await post('chat.update', { roomId: ROOM.general, msgId: 'nope', text: 'x' })).body
    ).toEqual({
      success: false,
      error: 'No message found with the id of "nope".'
    })
    expect(
      (await post('chat.update', { roomId: ROOM.releases, msgId: mine._id, text: 'x' })).body
    ).toEqual({
      success: false,
      error: 'The room id provided does not match where the message is from.'
    })
    expect(
      (await post('chat.update', { roomId: ROOM.general, msgId: mine._id, text: 'x' }, ci)).body
    ).toEqual({
      success: false,
      error: 'Message editing not allowed [error-action-not-allowed]',
      errorType: 'error-action-not-allowed',
      details: { method: 'updateMessage', action: 'Message_editing' }
    })
    expect(
      (await post('chat.update', { roomId: ROOM.general, msgId: mine._id, text: 'x' }, admin))
        .status
    ).toBe(200)
    expect(
      (await post('chat.update', { roomId: ROOM.general, msgId: mine._id, text: '' })).status
    ).toBe(400)
  })

  it('blocks edits past the time limit, except for bots (bypass-time-limit-edit-and-delete)', async () => {
    fake.setSetting('Message_AllowEditing_BlockEditInMinutes', 5)
    fake.setPermission('edit-message', ['admin', 'owner', 'moderator', 'user'])
    const old = fake.messages.get(mine._id)!
    old.ts = new Date(Date.now() - 5 * 60_000 - 1000).toISOString()
    const byUser = await post(
      'chat.update',
      { roomId: ROOM.general, msgId: mine._id, text: 'u' },
      ci
    )
    expect(byUser.body).toEqual({
      success: false,
      error: 'Message editing is blocked [error-message-editing-blocked]',
      errorType: 'error-message-editing-blocked',
      details: { method: 'updateMessage' }
    })
    const byBot = await post('chat.update', { roomId: ROOM.general, msgId: mine._id, text: 'b' })
    expect(byBot.status).toBe(200)
    expect(fake.messages.get(mine._id)?.msg).toBe('b')
    // Four whole minutes are still inside a five-minute window.
    old.ts = new Date(Date.now() - 4 * 60_000 - 59_000).toISOString()
    expect(
      (await post('chat.update', { roomId: ROOM.general, msgId: mine._id, text: 'u2' }, ci)).status
    ).toBe(200)
  })

  it('takes a text equal to the first attachment’s description as unchanged', async () => {
    const withDescription = (
      await send({
        rid: ROOM.general,
        msg: 'body',
        attachments: [{ title: 't', description: 'described' }]
      })
    ).body.message
    const same = await post('chat.update', {
      roomId: ROOM.general,
      msgId: withDescription._id,
      text: 'described'
    })
    expect(same.status).toBe(200)
    expect(same.body.message.msg).toBe('body')
    expect(same.body.message.editedAt).toBeUndefined()
    const unchanged = await post('chat.update', {
      roomId: ROOM.general,
      msgId: mine._id,
      text: mine.msg
    })
    expect(unchanged.body.message.editedAt).toBeUndefined()
  })

  it('fetches a message, {success:false} when missing, not-allowed without access', async () => {
    expect((await get(`chat.getMessage?msgId=${mine._id}`)).body).toEqual({
      message: mine,
      success: true
    })
    const missing = await get('chat.getMessage?msgId=nope')
    expect(missing.status).toBe(400)
    expect(missing.body).toEqual({ success: false })
    const hidden = (await send({ rid: ROOM.secret, msg: 'psst' }, admin)).body.message
    expect((await get(`chat.getMessage?msgId=${hidden._id}`)).body).toEqual({
      success: false,
      error: 'Not allowed [error-not-allowed]',
      errorType: 'error-not-allowed',
      details: { method: 'getSingleMessage' }
    })
  })

  it('stores reactions as {":emoji:": {usernames}} and toggles them', async () => {
    expect((await post('chat.react', { messageId: mine._id, emoji: 'smile' })).body).toEqual({
      success: true
    })
    await post('chat.react', { messageId: mine._id, reaction: ':smile:' }, ci)
    expect(fake.messages.get(mine._id)?.reactions).toEqual({
      ':smile:': { usernames: ['ci-bot', 'ci'] }
    })
    await post('chat.react', { messageId: mine._id, emoji: ':smile:' }) // toggle off
    await post('chat.react', { messageId: mine._id, emoji: 'smile', shouldReact: true }, ci) // already there
    expect(fake.messages.get(mine._id)?.reactions).toEqual({ ':smile:': { usernames: ['ci'] } })
    await post('chat.react', { messageId: mine._id, emoji: 'smile', shouldReact: false }, ci)
    expect(fake.messages.get(mine._id)).not.toHaveProperty('reactions')
  })

  it('returns the documented react errors', async () => {
    expect((await post('chat.react', { messageId: 'nope', emoji: 'smile' })).body).toMatchObject({
      error:
        'The provided "messageId" does not match any existing message. [error-message-not-found]',
      errorType: 'error-message-not-found'
    })
    expect((await post('chat.react', { messageId: mine._id, emoji: 'not_an_emoji' })).body).toEqual(
      {
        success: false,
        error: 'Invalid emoji provided. [error-not-allowed]',
        errorType: 'error-not-allowed',
        details: { method: 'setReaction' }
      }
    )
    const hidden = (await send({ rid: ROOM.secret, msg: 'psst' }, admin)).body.message
    expect(
      (await post('chat.react', { messageId: hidden._id, emoji: 'smile' })).body
    ).toMatchObject({
      error: 'Not Authorized [not-authorized]'
    })
  })
})
