/** The fake Rocket.Chat server: chat.sendMessage (see helpers.ts). */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { bot, ci, admin, alice, bob, ROOM, METEOR_ID, ISO_DATE, type Json } from './fixtures.js'
import { fake, get, post, send, start } from './helpers.js'

describe('chat.sendMessage', () => {
  beforeEach(() => start({ rateLimit: false }))

  it('stores and returns the message with the server-added fields', async () => {
    const before = Date.now()
    const res = await send({
      _id: 'gh-123456-1',
      rid: ROOM.general,
      msg: 'Build *passed*',
      emoji: ':robot:'
    })
    expect(res.status).toBe(200)
    const m = res.body.message
    expect(m).toMatchObject({
      _id: 'gh-123456-1',
      rid: ROOM.general,
      msg: 'Build *passed*',
      emoji: ':robot:',
      u: { _id: bot.id, username: bot.username, name: bot.name },
      urls: [],
      mentions: [],
      channels: [],
      // What the server's own parser makes of it (@rocket.chat/message-parser).
      md: [
        {
          type: 'PARAGRAPH',
          value: [
            { type: 'PLAIN_TEXT', value: 'Build ' },
            { type: 'BOLD', value: [{ type: 'PLAIN_TEXT', value: 'passed' }] }
          ]
        }
      ]
    })
    expect(m.ts).toMatch(ISO_DATE)
    expect(m._updatedAt).toMatch(ISO_DATE)
    expect(Date.parse(m.ts)).toBeGreaterThanOrEqual(before - 5)
    expect(m).not.toHaveProperty('tshow')
    expect(fake.messages.get('gh-123456-1')).toEqual(m)
    expect(fake.messagesIn(ROOM.general)).toEqual([m])
  })

  it('generates a 17-char Meteor id when none is given', async () => {
    const res = await send({ rid: ROOM.general, msg: 'x' })
    expect(res.body.message._id).toMatch(METEOR_ID)
  })

  it('refuses a duplicate _id with the starred TypeError and changes nothing', async () => {
    await send({ _id: 'dup-1', rid: ROOM.general, msg: 'first' })
    const again = await send({ _id: 'dup-1', rid: ROOM.releases, msg: 'second' })
    expectStarredTypeError(again)
    expect(fake.messages.size).toBe(1)
    expect(fake.messages.get('dup-1')?.msg).toBe('first')
    expect(fake.messagesIn(ROOM.releases)).toEqual([])
    fake.setVersion('6')
    expect((await send({ _id: 'dup-1', rid: ROOM.general, msg: 'x' })).body.error).toBe(
      "Cannot read property 'starred' of undefined"
    )
  })

  it('finds URLs as the server does: a markdown link without its closing parenthesis', async () => {
    const res = await post('chat.sendMessage', {
      message: {
        rid: ROOM.general,
        msg: '[run](https://ci.example/run/1) and https://x.example/a'
      },
      previewUrls: ['https://ci.example/run/1']
    })
    expect(res.body.message.urls).toEqual([
      { url: 'https://ci.example/run/1' },
      { url: 'https://x.example/a', ignoreParse: true }
    ])
  })

  it('answers the same starred TypeError, storing nothing, when an app prevents a message', async () => {
    fake.preventMessages((m: Json) => m.msg === 'blocked')
    const res = await send({ _id: 'app-1', rid: ROOM.general, msg: 'blocked' })
    expectStarredTypeError(res)
    expect(fake.messages.size).toBe(0)
    expect((await send({ rid: ROOM.general, msg: 'allowed' })).status).toBe(200)
    fake.preventMessages(false)
    expect((await send({ _id: 'app-1', rid: ROOM.general, msg: 'blocked' })).status).toBe(200)
  })

  it('finds, mentions, channels and URLs', async () => {
    const res = await send({
      rid: ROOM.general,
      msg: 'hey @alice see #releases at https://ci.example/run/1 @nobody'
    })
    const m = res.body.message
    expect(m.mentions).toEqual([
      { _id: alice.id, username: 'alice', name: alice.name, type: 'user' }
    ])
    expect(m.channels).toEqual([{ _id: ROOM.releases, name: 'releases' }])
    expect(m.urls).toEqual([{ url: 'https://ci.example/run/1' }])
    const noPreview = await post('chat.sendMessage', {
      message: { rid: ROOM.general, msg: 'https://a.example' },
      previewUrls: []
    })
    expect(noPreview.body.message.urls).toEqual([{ url: 'https://a.example', ignoreParse: true }])
  })

  it('refuses system message types with a plain Error', async () => {
    const res = await send({ rid: ROOM.general, msg: 'x', t: 'uj' })
    expect(res.body).toEqual({
      success: false,
      error: "Cannot send system messages using 'chat.sendMessage'"
    })
  })

  it('refuses tshow without tmid, with errorType and details', async () => {
    const res = await send({ rid: ROOM.general, msg: 'x', tshow: true })
    expect(res.body).toEqual({
      success: false,
      error: 'tshow provided but missing tmid [invalid-params]',
      errorType: 'invalid-params',
      details: { method: 'sendMessage' }
    })
  })

  it('refuses tmid when threads are disabled', async () => {
    fake.setSetting('Threads_enabled', false)
    const res = await send({ rid: ROOM.general, msg: 'x', tmid: 'abc' })
    expect(res.body).toMatchObject({
      error: 'not-allowed [error-not-allowed]',
      errorType: 'error-not-allowed'
    })
  })

  it('checks a client ts: >60 s is an error, >10 s is replaced, else kept', async () => {
    const far = await send({
      rid: ROOM.general,
      msg: 'x',
      ts: new Date(Date.now() - 120_000).toISOString()
    })
    expect(far.body).toMatchObject({
      error: 'Message timestamp is out of sync [error-message-ts-out-of-sync]',
      errorType: 'error-message-ts-out-of-sync',
      details: { method: 'sendMessage' }
    })
    const late = new Date(Date.now() - 30_000).toISOString()
    const replaced = await send({ rid: ROOM.general, msg: 'x', ts: late })
    expect(replaced.body.message.ts).not.toBe(late)
    expect(Math.abs(Date.parse(replaced.body.message.ts) - Date.now())).toBeLessThan(5_000)
    const close = new Date(Date.now() - 5_000).toISOString()
    expect((await send({ rid: ROOM.general, msg: 'x', ts: close })).body.message.ts).toBe(close)
  })

  it('counts the size limit in UTF-16 code units', async () => {
    const emoji = '😀'.repeat(2500) // 5000 code units
    expect((await send({ rid: ROOM.general, msg: emoji })).status).toBe(200)
    const res = await send({ rid: ROOM.general, msg: `${emoji}a` })
    expect(res.body).toEqual({
      success: false,
      error: 'Message size exceeds Message_MaxAllowedSize [error-message-size-exceeded]',
      errorType: 'error-message-size-exceeded',
      details: { method: 'sendMessage' }
    })
    fake.setSetting('Message_MaxAllowedSize', 10)
    expect((await send({ rid: ROOM.general, msg: '12345678901' })).status).toBe(400)
    expect((await send({ rid: ROOM.general, msg: '1234567890' })).status).toBe(200)
  })

  it.each(['8', '6', 'develop'] as const)(
    'stores blocks as given and returns them, %s',
    async (version) => {
      fake.setVersion(version)
      const blocks = [
        { type: 'section', text: { type: 'mrkdwn', text: '*hi*' } },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              actionId: 'link-0',
              text: { type: 'plain_text', text: 'Open' },
              url: 'https://example.com'
            }
          ]
        }
      ]
      const res = await send({ _id: `blocks-${version}`, rid: ROOM.general, msg: '', blocks })
      expect(res.status).toBe(200)
      expect(res.body.message.blocks).toEqual(blocks)
      const back = await get(`chat.getMessage?msgId=blocks-${version}`)
      expect(back.body.message.blocks).toEqual(blocks)
      // The schema: an array of objects; a string item is refused before anything is stored.
      const bad = await send({ _id: `bad-${version}`, rid: ROOM.general, msg: 'x', blocks: ['x'] })
      expect(bad.status).toBe(400)
      expect(fake.messages.has(`bad-${version}`)).toBe(false)
    }
  )

  it('accepts an empty message on 8.x and refuses it on develop', async () => {
    expect((await send({ rid: ROOM.general, msg: '' })).status).toBe(200)
    fake.setVersion('develop')
    expect((await send({ rid: ROOM.general, msg: '  ' })).body).toMatchObject({
      error: 'Message cannot be empty [error-invalid-message]',
      errorType: 'error-invalid-message'
    })
  })

  it.each([
    ['an unknown room', { rid: 'NoSuchRoom0000000' }, 'error-invalid-room'],
    ['a private room the bot is not in', { rid: ROOM.secret }, 'error-not-allowed'],
    [
      'a read-only room without post-readonly',
      { rid: ROOM.announcements },
      "You can't send messages because the room is readonly."
    ]
  ])('refuses %s with a plain Error', async (_case, message, error) => {
    const res = await send({ msg: 'x', ...message })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ success: false, error })
  })

  it('lets admin post in a read-only room, and posts to a public room without joining it', async () => {
    expect((await send({ rid: ROOM.announcements, msg: 'x' }, admin)).status).toBe(200)
    expect(fake.isSubscribed(ROOM.releases, ci.id)).toBe(false)
    expect((await send({ rid: ROOM.releases, msg: 'x' }, ci)).status).toBe(200)
    expect(fake.isSubscribed(ROOM.releases, ci.id)).toBe(false)
  })

  it('refuses muted users, blocked DMs and unencrypted messages in E2E rooms', async () => {
    const muted = fake.addRoom({ t: 'c', name: 'muted', muted: ['ci-bot'], members: [bot.id] })
    expect((await send({ rid: muted._id, msg: 'x' })).body).toEqual({
      success: false,
      error: 'You_have_been_muted'
    })
    const blocked = fake.addRoom({
      t: 'd',
      usernames: ['bob', 'ci-bot'],
      uids: [bot.id, bob.id],
      blocked: true,
      members: [bot.id, bob.id]
    })
    expect((await send({ rid: blocked._id, msg: 'x' })).body).toEqual({
      success: false,
      error: 'room_is_blocked'
    })
    const e2e = fake.addRoom({ t: 'p', name: 'e2e', encrypted: true, members: [bot.id] })
    expect((await send({ rid: e2e._id, msg: 'x' })).body).toMatchObject({
      error: 'Not allowed to send un-encrypted messages in an encrypted room [error-not-allowed]',
      errorType: 'error-not-allowed'
    })
  })

  it('requires message-impersonate for alias and avatar, not for emoji', async () => {
    for (const user of [ci, admin]) {
      expect((await send({ rid: ROOM.general, msg: 'x', alias: 'Deployer' }, user)).body).toEqual({
        success: false,
        error: 'Not enough permission'
      })
      expect(
        (await send({ rid: ROOM.general, msg: 'x', avatar: 'https://a/x.png' }, user)).body.error
      ).toBe('Not enough permission')
      expect((await send({ rid: ROOM.general, msg: 'x', emoji: ':ghost:' }, user)).status).toBe(200)
    }
    const res = await send({ rid: ROOM.general, msg: 'x', alias: 'Deployer', avatar: '/avatar/x' })
    expect(res.body.message).toMatchObject({ alias: 'Deployer', avatar: '/avatar/x' })
    expect(
      (await send({ rid: ROOM.general, msg: 'x', avatar: 'javascript:alert(1)' })).body.error
    ).toBe('Invalid href value provided')
  })

  it.each([
    [{ image_url: '/images/x.png' }, 'Invalid href value provided'],
    [{ title_link: 'javascript:alert(1)' }, 'Invalid href value provided'],
    [{ author_icon: 'ftp://x/y.png' }, 'Invalid href value provided'],
    [{ actions: [{ type: 'button', url: 'relative/path' }] }, 'Invalid href value provided'],
    [
      { fields: [{ title: 'Branch', value: '' }] },
      'Invalid attachment field, title and value is required'
    ],
    [{ fields: [{ value: 'main' }] }, 'Invalid attachment field, title and value is required'],
    [
      { message_link: 42 },
      'Match error: Match error: Expected string, got number in field message_link'
    ],
    [
      { collapsed: 'yes' },
      'Match error: Match error: Expected boolean, got string in field collapsed'
    ]
  ])('refuses attachment %j', async (attachment, error) => {
    const res = await send({ rid: ROOM.general, msg: 'x', attachments: [attachment] })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ success: false, error })
  })

  it('accepts absolute, data: and /file-upload/ URLs and truthy fields', async () => {
    const attachments = [
      {
        title: 'Build',
        title_link: 'https://ci.example/1',
        image_url: '/file-upload/abc/x.png',
        thumb_url: 'data:image/png;base64,AAAA',
        color: '#00ff00',
        fields: [
          { short: true, title: 'Branch', value: 'main' },
          { title: 'Run', value: 7 }
        ],
        custom_key: 'passes through'
      }
    ]
    const res = await send({ rid: ROOM.general, msg: 'x', attachments })
    expect(res.status).toBe(200)
    expect(res.body.message.attachments).toEqual(attachments)
  })

  it('refuses customFields unless enabled', async () => {
    expect((await send({ rid: ROOM.general, msg: 'x', customFields: { a: 1 } })).body).toEqual({
      success: false,
      error: 'Custom fields not enabled'
    })
    fake.setSetting('Message_CustomFields_Enabled', true)
    expect(
      (await send({ rid: ROOM.general, msg: 'x', customFields: { a: 1 } })).body.message
        .customFields
    ).toEqual({ a: 1 })
  })

  it('normalises thread replies to the root and takes the room from the parent', async () => {
    const root = (await send({ rid: ROOM.general, msg: 'root' })).body.message
    const reply = (await send({ rid: ROOM.releases, msg: 'r1', tmid: root._id })).body.message
    expect(reply).toMatchObject({ rid: ROOM.general, tmid: root._id })
    const nested = (await send({ rid: ROOM.general, msg: 'r2', tmid: reply._id, tshow: true })).body
      .message
    expect(nested).toMatchObject({ tmid: root._id, tshow: true })
    expect(fake.messages.get(root._id)).toMatchObject({ tcount: 2, replies: [bot.id] })
    const orphan = (await send({ rid: ROOM.general, msg: 'o', tmid: 'UnknownParent0000' })).body
      .message
    expect(orphan).toMatchObject({ rid: ROOM.general, tmid: 'UnknownParent0000' })
  })
})

/** What the route answers when sendMessage stored nothing: 7.x+ wording of the TypeError. */
function expectStarredTypeError(res: { status: number; body: unknown }): void {
  expect(res.status).toBe(400)
  expect(res.body).toEqual({
    success: false,
    error: "Cannot read properties of undefined (reading 'starred')"
  })
}
