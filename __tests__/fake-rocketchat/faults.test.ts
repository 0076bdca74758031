/** The fake Rocket.Chat server: fault injection (see helpers.ts). */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { bot, ROOM, SEED, type Json } from './fixtures.js'
import { fake, authHeaders, call, get, send, start } from './helpers.js'

describe('fault injection', () => {
  beforeEach(() => start({ rateLimit: false }))
  const msg = (text: string) => ({ rid: ROOM.general, msg: text })

  it('reset-before: the socket dies and nothing is stored', async () => {
    fake.inject({ route: 'chat.sendMessage', kind: 'reset-before' })
    await expect(send(msg('lost'))).rejects.toThrow()
    expect(fake.messages.size).toBe(0)
    expect(fake.requests[0]).toMatchObject({ status: null, fault: 'reset-before' })
    expect((await send(msg('next'))).status).toBe(200) // consumed after one use
  })

  it('reset-after: the message is stored but no answer comes', async () => {
    fake.inject({ route: 'chat.sendMessage', kind: 'reset-after' })
    await expect(send({ ...msg('stored'), _id: 'client-id-1' })).rejects.toThrow()
    expect(fake.messages.get('client-id-1')?.msg).toBe('stored')
  })

  it('status: nginx HTML for gateway errors, Rocket.Chat JSON otherwise, nothing processed', async () => {
    fake.inject({ route: 'chat.sendMessage', kind: 'status', status: 502 })
    fake.inject({ route: 'chat.sendMessage', kind: 'status', status: 500 })
    fake.inject({
      route: 'chat.sendMessage',
      kind: 'status',
      status: 429,
      body: 'slow down',
      contentType: 'text/plain'
    })
    const gateway = await send(msg('a'))
    expect(gateway.status).toBe(502)
    expect(gateway.headers.get('content-type')).toBe('text/html')
    expect(gateway.text).toContain('<center><h1>502 Bad Gateway</h1></center>')
    expect(gateway.text).toContain('<hr><center>nginx</center>')
    const internal = await send(msg('b'))
    expect(internal.status).toBe(500)
    expect(internal.body).toEqual({ success: false, error: 'Internal server error' })
    const custom = await send(msg('c'))
    expect([custom.status, custom.text, custom.headers.get('content-type')]).toEqual([
      429,
      'slow down',
      'text/plain'
    ])
    expect(fake.messages.size).toBe(0)
  })

  it('status-after: stored, then the status', async () => {
    fake.inject({ route: 'chat.sendMessage', kind: 'status-after', status: 504 })
    const res = await send(msg('kept'))
    expect(res.status).toBe(504)
    expect(res.text).toContain('<title>504 Gateway Time-out</title>')
    expect(fake.messagesIn(ROOM.general).map((m: Json) => m.msg)).toEqual(['kept'])
  })

  it('html: a reverse-proxy error page with the given status', async () => {
    fake.inject({ route: '*', kind: 'html', status: 503 })
    const res = await get('rooms.get')
    expect(res.status).toBe(503)
    expect(res.text).toMatch(/^<html>/)
    expect(res.body).toBeUndefined()
  })

  it('invalid-json: processed, 200, body does not parse', async () => {
    fake.inject({ route: 'chat.sendMessage', kind: 'invalid-json' })
    const res = await send(msg('half'))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(() => JSON.parse(res.text)).toThrow()
    expect(fake.messages.size).toBe(1)
  })

  it('delay: answered normally after the delay', async () => {
    fake.inject({ route: 'chat.sendMessage', kind: 'delay', ms: 300 })
    const t0 = Date.now()
    const res = await send(msg('slow'))
    expect(res.status).toBe(200)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290)
  })

  it('hang: never answers; close() still returns promptly and kills the exchange', async () => {
    fake.inject({ route: 'chat.sendMessage', kind: 'hang' })
    await expect(
      fetch(`${fake.url}/api/v1/chat.sendMessage`, {
        method: 'POST',
        headers: { ...authHeaders(bot), 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: msg('x') }),
        signal: AbortSignal.timeout(300)
      })
    ).rejects.toThrow()
    fake.inject({ route: '*', kind: 'hang' })
    const pending = send(msg('y')).then(
      () => 'answered',
      () => 'failed'
    )
    while (fake.requests.length < 2) await new Promise((r) => setTimeout(r, 10))
    const t0 = Date.now()
    await fake.close()
    expect(Date.now() - t0).toBeLessThan(1000)
    expect(await pending).toBe('failed')
    expect(fake.messages.size).toBe(0)
  })

  it('matches faults by route, in order, honouring times', async () => {
    fake.inject({ route: 'rooms.info', kind: 'status', status: 500, times: 2 })
    fake.inject({ route: 'chat.sendMessage', kind: 'status', status: 502 })
    fake.inject({ route: 'chat.sendMessage', kind: 'status', status: 503 })
    expect((await send(msg('a'))).status).toBe(502)
    expect((await get(`rooms.info?roomId=${ROOM.general}`)).status).toBe(500)
    expect((await send(msg('b'))).status).toBe(503)
    expect((await get(`rooms.info?roomId=${ROOM.general}`)).status).toBe(500)
    expect((await get(`rooms.info?roomId=${ROOM.general}`)).status).toBe(200)
    expect((await send(msg('c'))).status).toBe(200)
    fake.inject({ route: 'info', kind: 'status', status: 500 })
    expect((await call('GET', '/api/info', { as: null })).status).toBe(500)
    fake.inject({ route: 'hooks', kind: 'status', status: 502 })
    expect(
      (await call('POST', SEED.integrations.default.path, { as: null, json: { text: 'x' } })).status
    ).toBe(502)
    expect(() => fake.inject({ route: 'x', kind: 'explode' as 'hang' })).toThrow(TypeError)
  })
})
