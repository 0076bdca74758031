/** The fake Rocket.Chat server: chat.syncMessages, the history read of every room type (see helpers.ts). */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { ROOM, type Json } from './fixtures.js'
import { fake, get, send, start } from './helpers.js'

describe('chat.syncMessages', () => {
  beforeEach(() => start({ rateLimit: false }))

  it('lists the room’s messages after lastUpdate, newest first', async () => {
    await send({ rid: ROOM.general, msg: 'before' })
    fake.messagesIn(ROOM.general)[0].ts = new Date(Date.now() - 60_000).toISOString()
    const since = new Date(Date.now() - 30_000).toISOString()
    await send({ rid: ROOM.general, msg: 'one' })
    await send({ rid: ROOM.general, msg: 'two' })
    await send({ rid: ROOM.releases, msg: 'elsewhere' })
    const res = await get(`chat.syncMessages?roomId=${ROOM.general}&lastUpdate=${since}`)
    expect(res.status).toBe(200)
    expect(res.body.result.updated.map((m: Json) => m.msg)).toEqual(['two', 'one'])
    expect(res.body.result.deleted).toEqual([])
    expect(res.body.result.cursor).toEqual({
      next: expect.any(String),
      previous: expect.any(String)
    })
  })

  it('6.x: by _updatedAt, no cursor, its own error texts', async () => {
    fake.setVersion('6')
    await send({ rid: ROOM.general, msg: 'one' })
    const since = new Date(Date.now() - 30_000).toISOString()
    const res = await get(`chat.syncMessages?roomId=${ROOM.general}&lastUpdate=${since}`)
    expect(res.body.result).toEqual({
      updated: [expect.objectContaining({ msg: 'one' })],
      deleted: []
    })
    expect((await get(`chat.syncMessages?roomId=${ROOM.general}`)).body).toEqual({
      success: false,
      error:
        'The required "lastUpdate" query param is missing. [error-lastUpdate-param-not-provided]',
      errorType: 'error-lastUpdate-param-not-provided'
    })
  })

  it('refuses a room the user cannot see, and a bad date', async () => {
    const since = new Date().toISOString()
    expect((await get(`chat.syncMessages?roomId=${ROOM.secret}&lastUpdate=${since}`)).body).toEqual(
      {
        success: false,
        error: 'Not allowed [error-not-allowed]',
        errorType: 'error-not-allowed',
        details: { method: 'messages/get' }
      }
    )
    expect(
      (await get(`chat.syncMessages?roomId=${ROOM.general}&lastUpdate=yesterday`)).body.errorType
    ).toBe('error-lastUpdate-param-invalid')
  })
})
