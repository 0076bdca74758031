import { describe, expect, it } from '@jest/globals'
import { NetworkError, RocketChatError } from '../../src/rocketchat/errors.js'
import { explainFailure } from '../../src/action/explain.js'

const refusal = (status: number, error: string, errorType?: string) =>
  new RocketChatError('chat.sendMessage', status, error, errorType)

describe('explain.ts', () => {
  it.each([
    [
      refusal(401, 'You must be logged in to do this.'),
      /^Rocket.Chat refused the credentials \(HTTP 401: "You must be logged in to do this."\)\. Check that auth-token/
    ],
    [refusal(400, 'error-not-allowed'), /not allowed to post in #ops .*Invite the user/],
    [
      refusal(400, 'not-allowed [error-not-allowed]', 'error-not-allowed'),
      /threads are turned off on this server \(Threads_enabled\)/
    ],
    [
      refusal(
        400,
        'Not allowed to send un-encrypted messages in an encrypted room [error-not-allowed]',
        'error-not-allowed'
      ),
      /#ops is end-to-end encrypted/
    ],
    [
      refusal(400, 'Not allowed [error-not-allowed]', 'error-not-allowed'),
      /^Rocket.Chat answered HTTP 400 to chat.sendMessage: Not allowed \[error-not-allowed\]$/
    ],
    [
      refusal(
        400,
        'Message size exceeds Message_MaxAllowedSize [error-message-size-exceeded]',
        'error-message-size-exceeded'
      ),
      /longer than the server allows/
    ],
    [refusal(400, 'error-message-size-exceeded'), /longer than the server allows/],
    [refusal(400, 'error-invalid-room'), /#ops no longer exists/],
    [
      refusal(400, 'The channel, ops, is archived [error-room-archived]', 'error-room-archived'),
      /^#ops is archived \("The channel, ops, is archived \[error-room-archived\]"\): nobody can post there\. Unarchive it/
    ],
    [refusal(400, "You can't send messages because the room is readonly."), /#ops is read-only/],
    [refusal(400, 'You_have_been_muted'), /muted in #ops/],
    [refusal(400, 'Invalid href value provided'), /URL fields must be absolute http\(s\) URLs/],
    [refusal(403, 'unauthorized'), /refused chat.sendMessage \(HTTP 403: "unauthorized"\)/],
    [
      refusal(400, 'Something else [error-x]', 'error-x'),
      /^Rocket.Chat answered HTTP 400 to chat.sendMessage: Something else \[error-x\]$/
    ]
  ])('explains %s', (error, expected) => {
    expect(explainFailure(error, { room: '#ops' })).toMatch(expected)
  })

  it('names message-impersonate only when alias or avatar was used', () => {
    const error = refusal(400, 'Not enough permission')
    expect(explainFailure(error, { impersonates: true })).toMatch(
      /message-impersonate permission, which the bot role has/
    )
    expect(explainFailure(error, { impersonates: false })).not.toMatch(/impersonate/)
  })

  it('keeps other errors as they are', () => {
    expect(
      explainFailure(new NetworkError('rooms.info', 'refused', false, 'Connection refused by x'))
    ).toBe('Connection refused by x')
    expect(explainFailure('plain string')).toBe('plain string')
  })
})
