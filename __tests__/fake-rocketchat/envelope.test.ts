/**
 * The fake Rocket.Chat server: the response envelope, routing, and body parsing by Content-Type
 * (see helpers.ts).
 */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { bot, ROOM } from './fixtures.js'
import { fake, call, get, send, start } from './helpers.js'

describe('envelope and routing', () => {
  beforeEach(() => start())

  it('sends JSON with the exact headers and appends success:true', async () => {
    const res = await get(`rooms.info?roomId=${ROOM.general}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('pragma')).toBe('no-cache')
    expect(Object.keys(res.body).at(-1)).toBe('success')
    expect(res.body.success).toBe(true)
  })

  it('answers unknown routes and wrong methods with a plain-text 404', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/chat.nope'],
      ['GET', '/api/v1/chat.sendMessage'],
      ['POST', '/api/v1/rooms.info'],
      ['GET', '/somewhere']
    ]) {
      const res = await call(method, path)
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
      expect(res.text).toBe('404 Not Found')
    }
  })

  it('answers OPTIONS with OK', async () => {
    const res = await call('OPTIONS', '/api/v1/chat.sendMessage')
    expect(res.status).toBe(200)
    expect(res.text).toBe('OK')
  })

  it('has rooms.upload only on 6.x', async () => {
    expect((await call('POST', `/api/v1/rooms.upload/${ROOM.general}`)).status).toBe(404)
    fake.setVersion('6')
    const form = new FormData()
    form.append('file', new Blob(['log'], { type: 'text/plain' }), 'build.log')
    form.append('msg', 'the log')
    const res = await call('POST', `/api/v1/rooms.upload/${ROOM.general}`, { body: form })
    expect(res.status).toBe(200)
    expect(res.body.message).toMatchObject({
      rid: ROOM.general,
      msg: 'the log',
      file: { name: 'build.log' }
    })
  })
})

describe('body parsing by Content-Type', () => {
  beforeEach(() => start())

  it('treats invalid JSON as {} and so reports a validation error', async () => {
    const res = await call('POST', '/api/v1/chat.sendMessage', {
      body: '{"message":',
      headers: { 'Content-Type': 'application/json' }
    })
    expect(res.body).toEqual({
      success: false,
      error: "must have required property 'message' [invalid-params]",
      errorType: 'invalid-params'
    })
  })

  it('spreads a JSON body sent without Content-Type into characters, which fails validation', async () => {
    const res = await call('POST', '/api/v1/chat.sendMessage', {
      body: JSON.stringify({ message: { rid: ROOM.general, msg: 'hi' } })
    })
    expect(res.status).toBe(400)
    expect(res.body.errorType).toBe('invalid-params')
    expect(fake.messages.size).toBe(0)
  })

  it('parses url-encoded forms into strings (coerced by the schema)', async () => {
    const res = await call('POST', '/api/v1/im.create', {
      body: 'username=bob',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }
    })
    expect(res.status).toBe(200)
    expect(res.body.room.usernames).toEqual(['bob', 'ci-bot'])
  })

  it('records each request with its parsed body', async () => {
    await send({ rid: ROOM.general, msg: 'logged' })
    await call('POST', '/api/v1/im.create', {
      body: 'username=bob',
      headers: { 'Content-Type': 'text/plain' }
    })
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/v1/chat.sendMessage',
      body: { message: { rid: ROOM.general, msg: 'logged' } },
      status: 200
    })
    expect(fake.requests[0].headers['x-user-id']).toBe(bot.id)
    expect(fake.requests[1].body).toBe('username=bob')
  })
})
