import { describe, expect, it } from '@jest/globals'
import { inputErrorOf, settingsFrom } from '../helpers/settings.js'

const base: Record<string, string> = {
  'server-url': 'https://chat.example.com/',
  'auth-token': 'secret-token-value',
  'user-id': 'aobEdbYhXfu5hkeqG',
  room: '#general',
  message: 'hello'
}

const settingsWith = (overrides: Record<string, string>) => settingsFrom({ ...base, ...overrides })
const errorOf = (overrides: Record<string, string>) => inputErrorOf({ ...base, ...overrides })

describe('settings.ts', () => {
  it('reads the minimal inputs with documented defaults', () => {
    const s = settingsWith({})
    expect(s.serverUrl.href).toBe('https://chat.example.com/')
    expect(s.room).toEqual({ kind: 'name', name: 'general', given: '#general' })
    expect(s.retries).toBe(3)
    expect(s.timeoutMs).toBe(120_000)
    expect(s.failOnError).toBe(true)
    expect(s.dryRun).toBe(false)
    expect(s.template).toBe(true)
    expect(s.preset).toBe('auto')
    expect(s.mentionIf).toEqual(['failure'])
    expect(s.allowedMentions).toBe('users')
    expect(s.longMessage).toBe('truncate')
    expect(s.maxMessageLength).toBeUndefined()
    expect(s.attachments).toBeUndefined()
    expect(s.warnings).toEqual([])
  })

  it('folds "//" in the path, which would otherwise send the token to another host', () => {
    const url = settingsWith({ 'server-url': 'http://localhost//127.0.0.1:9/' }).serverUrl
    expect(url.host).toBe('localhost')
    expect(url.pathname).toBe('/127.0.0.1:9')
  })

  it('does not quote a server-url with a query, where tokens tend to hide', () => {
    const error = errorOf({ 'server-url': 'https://chat.example.com/?token=abc123' })
    expect(error.message).toMatch(/has a query/)
    expect(error.message).not.toContain('abc123')
  })

  it('keeps a sub-path and drops trailing slashes', () => {
    expect(settingsWith({ 'server-url': 'https://example.com/chat///' }).serverUrl.pathname).toBe(
      '/chat'
    )
  })

  it('refuses plain http to a remote host, allows it with allow-insecure-http (and warns), and not to loopback', () => {
    const refused = errorOf({ 'server-url': 'http://chat.example.com' })
    expect(refused.input).toBe('server-url')
    expect(refused.message).toMatch(/clear text.*allow-insecure-http: true/)
    expect(
      settingsWith({ 'server-url': 'http://chat.example.com', 'allow-insecure-http': 'true' })
        .warnings
    ).toEqual([
      'server-url uses plain http to chat.example.com (allow-insecure-http is true): auth-token and user-id travel in clear text. Use https.'
    ])
    expect(settingsWith({ 'server-url': 'http://127.0.0.1:3000' }).warnings).toEqual([])
    expect(settingsWith({ 'server-url': 'http://localhost:3000' }).warnings).toEqual([])
  })

  it.each([
    [{ 'server-url': '' }, 'server-url', /is required/],
    [{ 'server-url': 'chat.example.com' }, 'server-url', /"chat.example.com" is not a URL/],
    [{ 'server-url': 'ftp://chat.example.com' }, 'server-url', /only http and https/],
    [{ 'server-url': 'https://u:p@chat.example.com' }, 'server-url', /credentials/],
    [{ 'auth-token': '' }, 'auth-token', /is required/],
    [{ 'user-id': '' }, 'user-id', /is required/],
    [{ room: '' }, 'room', /is required/],
    [{ room: '#' }, 'room', /channel name/],
    [{ room: '@' }, 'room', /username/],
    [{ room: '#two words' }, 'room', /white space/],
    [{ retries: 'three' }, 'retries', /"three" is not a whole number/],
    [{ retries: '99' }, 'retries', /out of range/],
    [{ 'timeout-seconds': '0' }, 'timeout-seconds', /out of range/],
    [{ 'fail-on-error': 'yes' }, 'fail-on-error', /"yes" is not a boolean/],
    [{ 'dry-run': '1' }, 'dry-run', /not a boolean/],
    [{ preset: 'fancy' }, 'preset', /"fancy" is not one of auto, status, release, run, none/],
    [{ 'long-message': 'wrap' }, 'long-message', /truncate, split, fail/],
    [{ 'allowed-mentions': 'some' }, 'allowed-mentions', /users, none, all/],
    [{ 'mention-if': 'failure,sometimes' }, 'mention-if', /"sometimes"/],
    [{ emoji: 'not an emoji!' }, 'emoji', /short code/],
    [{ avatar: 'javascript:alert(1)' }, 'avatar', /not an image URL/],
    [{ 'thread-broadcast': 'true' }, 'thread-broadcast', /thread-id is empty/],
    [{ proxy: 'socks5://proxy:1080' }, 'proxy', /not an http\(s\) proxy URL/],
    [
      { proxy: 'http://u:Sup3r%ZZSecret@proxy:3128' },
      'proxy',
      /^Input "proxy": \(http:\/\/u:\*\*\*@proxy:3128\) has a % in its user or password that is not a percent-encoding \(%XX\): write a % as %25\.$/
    ],
    [{ 'ca-cert': '/no/such/file.pem' }, 'ca-cert', /neither PEM text nor a readable file/],
    [{ attachments: '{"title": }' }, 'attachments', /line 1, column 11/]
  ])('rejects %j naming the input', (overrides, input, expected) => {
    const error = errorOf(overrides)
    expect(error.input).toBe(input)
    expect(error.message).toMatch(new RegExp(`^Input "${input}": `))
    expect(error.message).toMatch(expected)
  })

  it('takes a proxy as HTTPS_PROXY is taken: host:port means http://host:port', () => {
    expect(settingsWith({ proxy: 'proxy.internal:3128' }).proxy).toBe('proxy.internal:3128')
  })

  it('never quotes the token in an error', () => {
    const error = errorOf({ room: '', 'auth-token': 'secret-token-value' })
    expect(error.message).not.toContain('secret-token-value')
  })

  it('remembers fail-on-error when a later input is bad', () => {
    expect(errorOf({ 'fail-on-error': 'false', retries: 'x' }).failOnError).toBe(false)
  })

  it('needs no credentials for a dry run', () => {
    const s = settingsWith({ 'dry-run': 'true', 'auth-token': '', 'user-id': '' })
    expect(s.dryRun).toBe(true)
  })

  it('normalises emoji and room forms', () => {
    expect(settingsWith({ emoji: 'rocket' }).emoji).toBe(':rocket:')
    expect(settingsWith({ emoji: ':rocket:' }).emoji).toBe(':rocket:')
    expect(settingsWith({ room: '@alice' }).room).toEqual({
      kind: 'user',
      username: 'alice',
      given: '@alice'
    })
    expect(settingsWith({ room: 'GENERAL' }).room).toEqual({
      kind: 'id-or-name',
      value: 'GENERAL',
      given: 'GENERAL'
    })
  })

  it('accepts one attachment object or an array', () => {
    expect(settingsWith({ attachments: '{"title":"a"}' }).attachments).toEqual([{ title: 'a' }])
    expect(settingsWith({ attachments: '[{"title":"a"},{"text":"b"}]' }).attachments).toHaveLength(
      2
    )
  })

  it('reads ca-cert as PEM text', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'
    expect(settingsWith({ 'ca-cert': pem }).caCert).toBe(pem)
  })

  it('refuses layout: blocks for a run report that later steps update, saying why and what to use', () => {
    const board = { preset: 'run', layout: 'blocks', 'message-key': 'run-1' }
    const refused = errorOf(board)
    expect(refused.input).toBe('layout')
    expect(refused.message).toMatch(
      /^Input "layout": blocks cannot be used with preset: run with message-key in update mode \(a live board\)/
    )
    expect(refused.message).toMatch(/chat\.update takes no blocks/)
    expect(refused.message).toMatch(/would show the first version of the report forever/)
    expect(refused.message).toMatch(/Use layout: attachments/)
    expect(
      errorOf({ preset: 'run', layout: 'blocks', 'update-message-id': 'aB3dE5gH7jK9mN1pQ' }).message
    ).toMatch(/with update-message-id, the step updates a message/)
    // Posted once (no key, or each step a new reply in the thread), blocks are fine.
    expect(settingsWith({ preset: 'run', layout: 'blocks' }).layout).toBe('blocks')
    expect(settingsWith({ ...board, 'key-mode': 'thread' }).layout).toBe('blocks')
    // A live board in text, and other presets, as before.
    expect(settingsWith({ ...board, layout: 'attachments' }).preset).toBe('run')
    expect(settingsWith({ ...board, preset: 'status' }).layout).toBe('blocks')
  })
})
