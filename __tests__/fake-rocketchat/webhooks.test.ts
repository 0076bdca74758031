/** The fake Rocket.Chat server: incoming webhooks (see helpers.ts). */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { bot, ROOM, SEED, type Json } from './fixtures.js'
import { fake, call, start } from './helpers.js'

describe('incoming webhooks', () => {
  const hook = SEED.integrations.default
  const postHook = (body: string, contentType?: string, path: string = hook.path) =>
    call('POST', path, {
      as: null,
      body,
      headers: contentType ? { 'Content-Type': contentType } : {}
    })
  const postJson = (json: unknown, path: string = hook.path) =>
    postHook(JSON.stringify(json), 'application/json', path)

  beforeEach(() => start())

  it('posts as the integration user to its channel and answers only {success:true}', async () => {
    const res = await postJson({
      text: 'build ok',
      attachments: [{ title: 'run', title_link: 'https://ci/1' }]
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ success: true })
    const [m] = fake.messagesIn(ROOM.ciBuilds)
    expect(m).toMatchObject({
      msg: 'build ok',
      alias: '',
      groupable: false,
      parseUrls: false,
      bot: { i: hook.id },
      u: { _id: bot.id }
    })
  })

  it('drops blocks, as processWebhookMessage copies only the fields it knows', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }]
    expect((await postJson({ text: 'with blocks', blocks })).body).toEqual({ success: true })
    const [m] = fake.messagesIn(ROOM.ciBuilds)
    expect(m.msg).toBe('with blocks')
    expect(m).not.toHaveProperty('blocks')
  })

  it('posts nothing for an empty body, and an empty message for JSON without Content-Type (7.8+)', async () => {
    expect((await postHook('')).body).toEqual({ success: true })
    expect((await postJson({})).body).toEqual({ success: true })
    expect(fake.messages.size).toBe(0)
    expect((await postHook(JSON.stringify({ text: 'lost' }))).body).toEqual({ success: true })
    expect([...fake.messages.values()].map((m: Json) => m.msg)).toEqual([''])
    fake.setVersion('6')
    await postHook(JSON.stringify({ text: 'parsed on 6' }))
    expect([...fake.messages.values()].map((m: Json) => m.msg)).toEqual(['', 'parsed on 6'])
  })

  it('unwraps Slack payload= forms and reports JSON.parse errors', async () => {
    const payload = encodeURIComponent(JSON.stringify({ text: 'from slack' }))
    expect(
      (await postHook(`payload=${payload}`, 'application/x-www-form-urlencoded')).body
    ).toEqual({ success: true })
    expect(fake.messagesIn(ROOM.ciBuilds).map((m: Json) => m.msg)).toEqual(['from slack'])
    const bad = await postHook('payload=not json', 'application/x-www-form-urlencoded')
    expect(bad.status).toBe(400)
    let parseMessage = ''
    try {
      JSON.parse('not json')
    } catch (e) {
      parseMessage = (e as Error).message
    }
    expect(bad.body).toEqual({ success: false, error: parseMessage })
  })

  it('refuses a channel override unless the integration allows it', async () => {
    expect((await postJson({ text: 'x', channel: '#ci-builds' })).body).toEqual({
      success: false,
      error: 'overriding destination channel is disabled for this integration'
    })
    const override = SEED.integrations.override
    expect((await postJson({ text: 'x', channel: '#releases' }, override.path)).status).toBe(200)
    expect(fake.messagesIn(ROOM.releases)[0]).toMatchObject({
      emoji: ':robot:',
      bot: { i: override.id }
    })
  })

  it('reports failures as bare error strings, per target with separateResponse', async () => {
    const path = SEED.integrations.override.path
    expect((await postJson({ text: 'x', channel: '#secret-ops' }, path)).body).toEqual({
      success: false,
      error: 'error-not-allowed'
    })
    expect((await postJson({ text: 'x', channel: '#nope' }, path)).body).toEqual({
      success: false,
      error: 'invalid-channel'
    })
    expect(
      (await postJson({ text: 'x', attachments: [{ image_url: '/x.png' }] }, path)).body
    ).toEqual({
      success: false,
      error: 'Invalid href value provided'
    })
    const split = await postJson(
      { text: 'x', channel: ['#general', '#secret-ops'], separateResponse: true },
      path
    )
    expect(split.status).toBe(200)
    expect(split.body.responses[0]).toMatchObject({ channel: '#general', message: { msg: 'x' } })
    expect(split.body.responses[1]).toEqual({ channel: '#secret-ops', error: 'error-not-allowed' })
    const allFail = await postJson({ text: 'x', channel: ['#nope'], separateResponse: true }, path)
    expect(allFail.status).toBe(400)
    expect(allFail.body).toEqual({
      responses: [{ channel: '#nope', error: 'invalid-channel' }],
      success: false
    })
  })

  it('answers 503 for a disabled hook and 500 text (404 JSON on 6.x) for a bad token', async () => {
    const disabled = await postJson({ text: 'x' }, SEED.integrations.disabled.path)
    expect(disabled.status).toBe(503)
    expect(disabled.body).toEqual({ success: false, error: 'Service Unavailable' })
    fake.setVersion('6')
    const disabled6 = await postJson({ text: 'x' }, SEED.integrations.disabled.path)
    expect(disabled6.status).toBe(503)
    expect(disabled6.headers.get('content-type')).toBe('application/json')
    expect(disabled6.text).toBe('"Service Unavailable"')
    fake.setVersion('8')
    const wrong = await postJson({ text: 'x' }, `/hooks/${hook.id}/wrong-token`)
    expect(wrong.status).toBe(500)
    expect(wrong.text).toBe('Internal Server Error')
    fake.setVersion('6')
    const wrong6 = await postJson({ text: 'x' }, `/hooks/${hook.id}/wrong-token`)
    expect(wrong6.status).toBe(404)
    expect(wrong6.body).toEqual({
      success: false,
      error: 'Invalid integration id or token provided.'
    })
    expect(fake.messages.size).toBe(0)
  })

  it('checks the trimmed text against Message_MaxAllowedSize from 7.x, not at all on 6.x', async () => {
    fake.setSetting('Message_MaxAllowedSize', 5)
    expect((await postJson({ text: '  12345  ' })).status).toBe(200)
    expect((await postJson({ text: '123456' })).body).toEqual({
      success: false,
      error: 'error-message-size-exceeded'
    })
    fake.setVersion('6')
    expect((await postJson({ text: '123456789' })).status).toBe(200)
    expect(fake.messagesIn(ROOM.ciBuilds).map((m: Json) => m.msg)).toEqual(['12345', '123456789'])
  })

  it('rate-limits hooks per URL even though the hook user is a bot', async () => {
    await fake.close()
    await start({ rateLimit: { limit: 2, intervalMs: 60_000 } })
    expect((await postJson({ text: '1' })).headers.get('x-ratelimit-remaining')).toBe('1')
    expect((await postJson({ text: '2' })).status).toBe(200)
    expect((await postJson({ text: '3' })).status).toBe(429)
    expect(
      (await postJson({ text: 'x', channel: '#general' }, SEED.integrations.override.path)).status
    ).toBe(200)
  })
})
