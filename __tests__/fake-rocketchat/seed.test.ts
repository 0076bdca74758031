/** The fake Rocket.Chat server: its seeded ids, tokens and roles look like a real server's. */
import { describe, expect, it } from '@jest/globals'
import { bot, ci, admin, METEOR_ID, SEED } from './fixtures.js'

describe('seed', () => {
  it('exports Rocket.Chat-like ids, tokens and the documented roles', () => {
    for (const user of Object.values(SEED.users)) expect(user.id).toMatch(METEOR_ID)
    for (const key of ['bot', 'ci', 'admin'] as const) {
      expect(SEED.users[key].token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    }
    expect(bot.roles).toEqual(['bot'])
    expect(ci.roles).toEqual(['user'])
    expect(admin.roles).toEqual(['admin'])
    expect(SEED.rooms.general.id).toBe('GENERAL')
    expect(SEED.rooms['team-qa'].fname).not.toBe(SEED.rooms['team-qa'].name)
    expect(SEED.permissions['message-impersonate']).not.toContain('admin')
    expect(SEED.permissions['api-bypass-rate-limit']).toEqual(
      expect.arrayContaining(['bot', 'admin'])
    )
  })
})
