import { describe, expect, it } from '@jest/globals'
import { inputErrorOf, settingsFrom } from '../helpers/settings.js'

const HOOK = 'https://chat.example.com/hooks/cXySNoFWsngLCCmhX/bBaDGBbQfQbbfHOFy_GU5r-K'

const rest: Record<string, string> = {
  'server-url': 'https://chat.example.com',
  'auth-token': 'secret-token-value',
  'user-id': 'aobEdbYhXfu5hkeqG',
  room: '#general',
  message: 'hello'
}
const hook: Record<string, string> = { 'webhook-url': HOOK, message: 'hello' }

const read = settingsFrom
const errorOf = inputErrorOf

describe('settings.ts: conversation inputs', () => {
  it('defaults to a new message, no reaction, no files, 10 MB', () => {
    const s = read(rest)
    expect(s).toMatchObject({
      messageKey: '',
      keyMode: 'update',
      updateMessageId: '',
      reaction: '',
      files: [],
      filesMaxBytes: 10 * 1024 * 1024
    })
    expect(s.webhook).toBeUndefined()
  })

  it('reads a key, its mode, a reaction and files one per line', () => {
    const s = read({
      ...rest,
      'message-key': 'deploy-1658821493',
      'key-mode': 'Thread',
      reaction: 'white_check_mark',
      files: 'logs/*.log\n\n  report.json  \n',
      'files-max-mb': '3',
      'thread-broadcast': 'true'
    })
    expect(s).toMatchObject({
      messageKey: 'deploy-1658821493',
      keyMode: 'thread',
      reaction: ':white_check_mark:',
      files: ['logs/*.log', 'report.json'],
      filesMaxBytes: 3 * 1024 * 1024,
      threadBroadcast: true
    })
  })

  it('needs no room to update a message by id', () => {
    const s = read({ ...rest, room: '', 'update-message-id': 'Nk3xqAGBSBrGqJFkP' })
    expect(s.room).toBeUndefined()
    expect(s.updateMessageId).toBe('Nk3xqAGBSBrGqJFkP')
    expect(read({ ...rest, 'update-message-id': 'Nk3xqAGBSBrGqJFkP' }).room?.given).toBe('#general')
  })

  it('posts through a webhook without auth-token, user-id, server-url or room', () => {
    const s = read(hook)
    expect(s.webhook?.url.href).toBe(HOOK)
    expect(s.serverUrl.href).toBe('https://chat.example.com/')
    expect(s.room).toBeUndefined()
    expect(read({ ...hook, 'server-url': 'https://chat.example.com/' }).webhook).toBeDefined()
    expect(read({ ...hook, 'thread-id': 'Nk3xqAGBSBrGqJFkP' }).threadId).toBe('Nk3xqAGBSBrGqJFkP')
  })

  it('refuses a webhook over plain http unless allow-insecure-http, then warns', () => {
    const url = 'http://chat.example.com/hooks/a/b'
    expect(() => read({ ...hook, 'webhook-url': url })).toThrow(
      /webhook-url": uses plain http to chat.example.com: the webhook's token would travel in clear text.*allow-insecure-http: true/
    )
    const s = read({ ...hook, 'webhook-url': url, 'allow-insecure-http': 'true' })
    expect(s.warnings).toEqual([
      "webhook-url uses plain http to chat.example.com (allow-insecure-http is true): the webhook's token travels in clear text. Use https."
    ])
  })

  it.each([
    [{ 'message-key': 'a\nb' }, 'message-key', /spans lines/],
    [{ 'message-key': 'k'.repeat(201) }, 'message-key', /is 201 characters; at most 200/],
    [{ 'key-mode': 'append' }, 'key-mode', /"append" is not one of update, thread/],
    [{ 'key-mode': 'thread' }, 'key-mode', /message-key is empty/],
    [{ 'update-message-id': 'two words' }, 'update-message-id', /is not a message id/],
    [{ 'update-message-id': 'abc&msgId=zzz' }, 'update-message-id', /is not a message id/],
    [
      { 'update-message-id': 'Nk3xqAGBSBrGqJFkP', 'message-key': 'k' },
      'update-message-id',
      /cannot be combined with message-key/
    ],
    [
      { 'update-message-id': 'Nk3xqAGBSBrGqJFkP', 'thread-id': 'T' },
      'thread-id',
      /an update leaves the message where it is/
    ],
    [
      { 'message-key': 'k', 'key-mode': 'thread', 'thread-id': 'T' },
      'thread-id',
      /the keyed message is the thread/
    ],
    [{ 'message-key': 'k', 'thread-broadcast': 'true' }, 'thread-broadcast', /thread-id is empty/],
    [
      { 'message-key': 'k', 'long-message': 'split' },
      'long-message',
      /an update changes one message/
    ],
    [{ 'update-message-id': 'M', 'long-message': 'split' }, 'long-message', /split cannot be used/],
    [{ reaction: 'thumbs up' }, 'reaction', /not an emoji short code/],
    [{ 'files-max-mb': '0' }, 'files-max-mb', /out of range/],
    [{ 'files-max-mb': '2.5' }, 'files-max-mb', /not a whole number/],
    [{ 'auth-token': '' }, 'auth-token', /is required \(or webhook-url\)/]
  ])('rejects %j naming the input', (overrides, input, expected) => {
    const error = errorOf({ ...rest, ...overrides })
    expect(error.input).toBe(input)
    expect(error.message).toMatch(expected)
  })

  it.each([
    ['auth-token', 't0ken', /give auth-token and user-id .* or webhook-url alone/],
    ['user-id', 'u', /give auth-token and user-id/],
    ['room', '#general', /a webhook posts to its integration's channel .*Remove room/],
    ['message-key', 'k', /no later step can find it/],
    ['update-message-id', 'M', /a webhook can only post new messages/],
    ['reaction', ':tada:', /nothing to react to/],
    ['files', 'build.log', /a webhook takes no files/],
    ['long-message', 'split', /split posts the rest as replies/],
    [
      'server-url',
      'https://other.example.com',
      /is not the server of webhook-url \(chat.example.com\)/
    ]
  ])('refuses %s with webhook-url, naming it', (input, value, expected) => {
    const error = errorOf({ ...hook, [input]: value })
    expect(error.input).toBe(input)
    expect(error.message).toMatch(expected)
    expect(error.message).not.toContain('bBaDGBbQfQbbfHOFy_GU5r-K')
  })

  it('refuses thread-broadcast with webhook-url', () => {
    const error = errorOf({ ...hook, 'thread-id': 'T', 'thread-broadcast': 'true' })
    expect(error.input).toBe('thread-broadcast')
    expect(error.message).toMatch(/cannot show a thread reply in the room/)
  })

  it('never shows the webhook URL in its own errors', () => {
    const error = errorOf({ ...hook, 'webhook-url': `${HOOK}/extra/segments` })
    expect(error.input).toBe('webhook-url')
    expect(error.message).not.toContain('bBaDGBbQfQbbfHOFy_GU5r-K')
  })
})
