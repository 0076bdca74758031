/**
 * The fake Rocket.Chat server: validation errors of the vendored rest-typings schemas, per version
 * (see helpers.ts).
 */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { ROOM } from './fixtures.js'
import { fake, post, get, send, start } from './helpers.js'

describe('validation messages of the 8.8.1 schemas', () => {
  beforeEach(() => start())

  const invalid: Array<[string, unknown, string]> = [
    ['chat.sendMessage', {}, "must have required property 'message'"],
    [
      'chat.sendMessage',
      { message: { rid: 'GENERAL', msg: 'hi' }, unexpected: true },
      'must NOT have additional properties'
    ],
    [
      'chat.sendMessage',
      { message: { rid: 'GENERAL', msg: 'x', attachments: 'no' } },
      'must be array'
    ],
    ['chat.sendMessage', { message: 'str' }, 'must be object'],
    ['chat.sendMessage', { message: null }, 'must be object'],
    ['chat.sendMessage', { message: [] }, 'must be object'],
    [
      'chat.sendMessage',
      { message: { rid: 'GENERAL', msg: 'x' }, previewUrls: 'a' },
      'must be array'
    ],
    ['chat.sendMessage', { message: { rid: 'r', tshow: 'yes' } }, 'must be boolean'],
    [
      'chat.postMessage',
      {},
      "must have required property 'roomId'\n must have required property 'channel'\n must match exactly one schema in oneOf"
    ],
    [
      'chat.postMessage',
      { text: 'x' },
      "must have required property 'roomId'\n must have required property 'channel'\n must match exactly one schema in oneOf"
    ],
    [
      'chat.postMessage',
      { roomId: 'GENERAL', channel: '#general', text: 'x' },
      'must NOT have additional properties\n must NOT have additional properties\n must match exactly one schema in oneOf'
    ],
    [
      'chat.postMessage',
      { roomId: 'GENERAL', text: 'x', msg: 'y' },
      "must NOT have additional properties\n must have required property 'channel'\n must match exactly one schema in oneOf"
    ],
    [
      'chat.postMessage',
      { roomId: 'GENERAL', text: 'x', groupable: false },
      "must NOT have additional properties\n must have required property 'channel'\n must match exactly one schema in oneOf"
    ],
    [
      'chat.postMessage',
      { channel: '#a', text: 'x', tmid: 'abc' },
      "must have required property 'roomId'\n must NOT have additional properties\n must match exactly one schema in oneOf"
    ],
    [
      'chat.update',
      { roomId: 'r', msgId: 'm' },
      "must have required property 'text'\n must have required property 'content'\n must match exactly one schema in oneOf"
    ],
    [
      'chat.update',
      { roomId: 'r', msgId: 'm', text: 't', attachments: [] },
      "must NOT have additional properties\n must have required property 'content'\n must match exactly one schema in oneOf"
    ],
    [
      'chat.react',
      { messageId: 'm' },
      "must have required property 'emoji'\n must have required property 'reaction'\n must match exactly one schema in oneOf"
    ],
    [
      'im.create',
      {},
      "must have required property 'usernames'\n must have required property 'username'\n must match exactly one schema in oneOf"
    ],
    [
      'im.create',
      { username: 'bob', usernames: 'x' },
      'must NOT have additional properties\n must NOT have additional properties\n must match exactly one schema in oneOf'
    ]
  ]

  it.each(invalid)('%s %j → %j [invalid-params]', async (route, body, messages) => {
    const res = await post(route, body)
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      success: false,
      error: `${messages} [invalid-params]`,
      errorType: 'invalid-params'
    })
  })

  it.each([
    ['chat.getMessage', "must have required property 'msgId'"],
    ['chat.getMessage?msgId=', 'must NOT have fewer than 1 characters']
  ])('GET %s → %s', async (path, messages) => {
    const res = await get(path)
    expect(res.body).toEqual({
      success: false,
      error: `${messages} [invalid-params]`,
      errorType: 'invalid-params'
    })
  })

  it('accepts the valid rows and lets the server logic decide', async () => {
    expect((await send({ msg: 'hi' })).body.error).toBe(
      "The 'rid' property on the message object is missing."
    )
    const coerced = await send({ rid: ROOM.general, msg: 123 })
    expect(coerced.body.message.msg).toBe('123')
    const extra = await send({ rid: ROOM.general, msg: 'x', parseUrls: false, foo: 1 })
    expect(extra.status).toBe(200)
    expect(fake.messages.get(extra.body.message._id)).toMatchObject({ parseUrls: false, foo: 1 })
    expect((await post('chat.postMessage', { channel: '#general', text: 'x' })).status).toBe(200)
    expect(
      (await post('chat.postMessage', { channel: ['#general', '@bob'], text: 'x' })).status
    ).toBe(200)
  })

  it('uses the 6.13.1 schemas on version 6 (no tmid on postMessage)', async () => {
    const roomTmid = { roomId: ROOM.general, text: 'x', tmid: 'abc' }
    expect((await post('chat.postMessage', roomTmid)).status).toBe(200)
    fake.setVersion('6')
    const res = await post('chat.postMessage', roomTmid)
    expect(res.body.error).toBe(
      "must NOT have additional properties\n must have required property 'channel'\n must match exactly one schema in oneOf [invalid-params]"
    )
  })

  it('refuses previewUrls on 6.3 (chat.sendMessage and chat.update) and stores nothing', async () => {
    fake.setVersion('6.3')
    const body = { message: { _id: 'pv-1', rid: ROOM.general, msg: 'x' }, previewUrls: [] }
    const refused = await post('chat.sendMessage', body)
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({
      success: false,
      errorType: 'invalid-params',
      error: 'must NOT have additional properties [invalid-params]'
    })
    expect(fake.messages.has('pv-1')).toBe(false)
    expect((await post('chat.sendMessage', { message: body.message })).status).toBe(200)
    const update = { roomId: ROOM.general, msgId: 'pv-1', text: 'y' }
    expect((await post('chat.update', { ...update, previewUrls: [] })).status).toBe(400)
    expect((await post('chat.update', update)).status).toBe(200)
    fake.setVersion('6')
    expect((await post('chat.update', { ...update, text: 'z', previewUrls: [] })).status).toBe(200)
  })

  it('uses the typed-route shapes on develop (no suffix; query errors are error-invalid-params)', async () => {
    fake.setVersion('develop')
    expect((await post('chat.sendMessage', {})).body).toEqual({
      success: false,
      errorType: 'invalid-params',
      error: "must have required property 'message'"
    })
    expect((await get('chat.getMessage')).body).toEqual({
      success: false,
      errorType: 'error-invalid-params',
      error: "must have required property 'msgId'"
    })
    // im.create stays a legacy route in develop.
    expect((await post('im.create', {})).body.error).toMatch(/ \[invalid-params\]$/)
  })
})
