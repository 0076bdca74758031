/**
 * The fake Rocket.Chat server: authentication with X-User-Id + X-Auth-Token, and the 401 bodies per
 * version (see helpers.ts).
 */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { bot, ci, LOGGED_OUT } from './fixtures.js'
import { fake, call, post, get, start } from './helpers.js'

describe('authentication', () => {
  beforeEach(() => start())

  const bodies = {
    '8': { success: false, error: LOGGED_OUT, status: 'error', message: LOGGED_OUT },
    '6': { status: 'error', message: LOGGED_OUT },
    develop: { success: false, error: LOGGED_OUT }
  } as const

  it.each(Object.entries(bodies))('answers 401 with the %s body', async (version, expected) => {
    fake.setVersion(version as '8' | '6' | 'develop')
    const res = await get('rooms.get', null)
    expect(res.status).toBe(401)
    expect(res.body).toEqual(expected)
    expect(res.headers.get('content-type')).toBe('application/json')
  })

  it('rejects a wrong token, a token of another user and a missing header alike', async () => {
    const cases: Record<string, string>[] = [
      { 'X-User-Id': bot.id, 'X-Auth-Token': 'nope' },
      { 'X-User-Id': ci.id, 'X-Auth-Token': bot.token! },
      { 'X-Auth-Token': bot.token! },
      { 'X-User-Id': bot.id }
    ]
    for (const headers of cases) {
      const res = await call('GET', '/api/v1/rooms.get', { as: null, headers })
      expect(res.status).toBe(401)
      expect(res.body).toEqual(bodies['8'])
    }
  })

  it('rejects a deactivated user and accepts a token added at runtime', async () => {
    fake.addUser({
      username: 'gone',
      roles: ['user'],
      active: false,
      token: 'tok-gone',
      _id: 'GoneUser000000000'
    })
    fake.addUser({ username: 'new', roles: ['user'], token: 'tok-new', _id: 'NewUser0000000000' })
    const off = await call('GET', '/api/v1/rooms.get', {
      as: null,
      headers: { 'X-User-Id': 'GoneUser000000000', 'X-Auth-Token': 'tok-gone' }
    })
    expect(off.status).toBe(401)
    const on = await call('GET', '/api/v1/rooms.get', {
      as: null,
      headers: { 'X-User-Id': 'NewUser0000000000', 'X-Auth-Token': 'tok-new' }
    })
    expect(on.status).toBe(200)
  })

  it('checks auth before validation and does not count 401s against the limiter', async () => {
    const res = await post('chat.sendMessage', {}, null)
    expect(res.status).toBe(401)
    expect(res.headers.get('x-ratelimit-limit')).toBeNull()
    const counted = await post('chat.sendMessage', {}, ci)
    expect(counted.headers.get('x-ratelimit-remaining')).toBe('9')
  })
})
