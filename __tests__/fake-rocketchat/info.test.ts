/** The fake Rocket.Chat server: settings.public and /api/info (see helpers.ts). */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { bot, admin } from './fixtures.js'
import { fake, call, get, start } from './helpers.js'

describe('settings.public and /api/info', () => {
  beforeEach(() => start())

  it('settings.public needs no auth and filters by _id', async () => {
    const res = await get('settings.public?_id=Message_MaxAllowedSize', null)
    expect(res.body).toEqual({
      settings: [{ _id: 'Message_MaxAllowedSize', value: 5000 }],
      count: 1,
      offset: 0,
      total: 1,
      success: true
    })
    fake.setSetting('Message_MaxAllowedSize', 1234)
    const two = await get('settings.public?_id=Message_MaxAllowedSize,Threads_enabled', null)
    expect(two.body.settings).toEqual([
      { _id: 'Message_MaxAllowedSize', value: 1234 },
      { _id: 'Threads_enabled', value: true }
    ])
  })

  it('settings.public uses ?query= on 6.x', async () => {
    fake.setVersion('6')
    const q = encodeURIComponent(JSON.stringify({ _id: 'Threads_enabled' }))
    expect((await get(`settings.public?query=${q}`, null)).body.settings).toEqual([
      { _id: 'Threads_enabled', value: true }
    ])
    expect((await get('settings.public?_id=Threads_enabled', null)).body.count).toBeGreaterThan(1)
  })

  it.each([
    ['8', '8.8'],
    ['6', '6.13'],
    ['develop', '8.9']
  ])('/api/info on %s says %s, the full version only for admins', async (version, short) => {
    fake.setVersion(version as '8')
    const anon = await call('GET', '/api/info', { as: null })
    expect(anon.body).toEqual({
      version: short,
      minimumClientVersions: expect.any(Object),
      success: true
    })
    expect(anon.headers.get('x-ratelimit-limit')).toBeNull()
    const full = await call('GET', '/api/info', { as: admin })
    expect(full.body.version.startsWith(`${short}.`)).toBe(true)
    expect(full.body.info.version).toBe(full.body.version)
    expect((await call('GET', '/api/info', { as: bot })).body.version).toBe(short)
  })
})
