/**
 * The keyed create / update / thread flow, update by id, reactions and their errors, in
 * process, against the fake server over real HTTP: no module mocks.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  findMessageToUpdate,
  followUp,
  roomOf,
  sendAddressed,
  type Addressing
} from '../../src/delivery/conversation.js'
import type { Draft } from '../../src/delivery/outgoing.js'
import { keyedMessageId } from '../../src/rocketchat/keys.js'
import { addReaction, updateMessage } from '../../src/rocketchat/messages.js'
import { SEED } from '../../test/fake-rocketchat/server.mjs'
import { fakeClient, type FakeClient } from '../helpers/fake-client.js'
import { failureOf } from '../helpers/failure.js'
import { fakeRocketChat } from '../helpers/fake.js'

type Stored = Record<string, unknown> & { _id: string; rid: string; msg: string; tmid?: string }

const GENERAL = SEED.rooms.general.id
const fake = fakeRocketChat()
let made: FakeClient[] = []

afterEach(async () => {
  await Promise.all(made.map((m) => m.dispatcher.destroy()))
  made = []
  fake.clearFaults()
})

function connect(options: Parameters<typeof fakeClient>[1] = {}): FakeClient {
  const m = fakeClient(fake, options)
  made.push(m)
  return m
}

let keys = 0
/** A key no other test uses, so that tests sharing the server stay independent. */
function freshKey(): string {
  keys += 1
  return `deploy-${Date.now()}-${keys}`
}

function send(m: FakeClient, addressing: Addressing, draft: Partial<Draft> & { msg: string }) {
  return sendAddressed(
    m.client,
    addressing,
    { rid: GENERAL, ...draft },
    {
      serverUrl: new URL(fake.url),
      log: m.log
    }
  )
}

function stored(id: string): Stored {
  const message = fake.messages.get(id) as Stored | undefined
  if (!message) throw new Error(`message ${id} was not stored`)
  return message
}

function repliesTo(id: string): Stored[] {
  return ([...fake.messages.values()] as Stored[]).filter((m) => m.tmid === id)
}

function requestsTo(route: string, from: number) {
  return fake.requests.slice(from).filter((r: { path: string }) => r.path === `/api/v1/${route}`)
}

describe('message-key, update mode', () => {
  it('creates the message on first use, then updates its text: one message', async () => {
    const m = connect()
    const key = freshKey()
    const id = keyedMessageId(fake.url, GENERAL, key)
    const addressing: Addressing = { kind: 'key', key, mode: 'update' }
    const before = fake.messages.size

    const first = await send(m, addressing, { msg: 'Deploy started :hourglass:' })
    expect(first).toMatchObject({
      action: 'posted',
      anchorId: id,
      threadId: '',
      followUpThread: ''
    })
    expect(first.message._id).toBe(id)

    const second = await send(m, addressing, { msg: 'Deploy 50%' })
    const third = await send(m, addressing, { msg: 'Deploy finished :white_check_mark:' })
    expect([second.action, third.action]).toEqual(['updated', 'updated'])
    expect(third.message._id).toBe(id)
    expect(third.followUpThread).toBe(id)
    expect(fake.messages.size).toBe(before + 1)
    expect(stored(id).msg).toBe('Deploy finished :white_check_mark:')
    expect(stored(id).editedBy).toMatchObject({ username: 'ci-bot' })
  })

  it('asks the server only what it needs: getMessage + sendMessage, then getMessage + update', async () => {
    const m = connect()
    const key = freshKey()
    const from = fake.requests.length
    await send(m, { kind: 'key', key, mode: 'update' }, { msg: 'one' })
    await send(m, { kind: 'key', key, mode: 'update' }, { msg: 'two' })
    await send(m, { kind: 'key', key, mode: 'update' }, { msg: 'two' })
    const paths = fake.requests.slice(from).map((r: { path: string }) => r.path.slice(8))
    // The same text again is not sent: chat.update would change nothing.
    expect(paths).toEqual([
      'chat.getMessage',
      'chat.sendMessage',
      'chat.getMessage',
      'chat.update',
      'chat.getMessage'
    ])
  })

  it('gives one message to steps that create the same key at once', async () => {
    const key = freshKey()
    const id = keyedMessageId(fake.url, GENERAL, key)
    const texts = ['job a', 'job b', 'job c', 'job d']
    const results = await Promise.all(
      texts.map((msg) => send(connect(), { kind: 'key', key, mode: 'update' }, { msg }))
    )
    expect(results.map((r) => r.action).sort()).toEqual(['posted', 'updated', 'updated', 'updated'])
    expect(results.every((r) => r.message._id === id)).toBe(true)
    expect(([...fake.messages.values()] as Stored[]).filter((s) => s._id === id)).toHaveLength(1)
    // Creation is refused to the losers with the duplicate-id error, and they update instead.
    expect(texts).toContain(stored(id).msg)
  })

  it('stays exactly-once when the answer to the creation is lost', async () => {
    const m = connect()
    const key = freshKey()
    const id = keyedMessageId(fake.url, GENERAL, key)
    const before = fake.messages.size
    fake.inject({ route: 'chat.sendMessage', kind: 'reset-after' })
    const sent = await send(m, { kind: 'key', key, mode: 'update' }, { msg: 'started' })
    expect(sent.action).toBe('posted')
    expect(fake.messages.size).toBe(before + 1)
    expect(stored(id).msg).toBe('started')
    expect(m.logs.info.join('\n')).toMatch(/Checking whether it arrived/)
  })

  it('treats a message found after a lost answer, with other text, as another step’s', async () => {
    const key = freshKey()
    const id = keyedMessageId(fake.url, GENERAL, key)
    // Another job's message lands while this one's attempt is answered with a 502.
    fake.inject({ route: 'chat.sendMessage', kind: 'status', status: 502 })
    fake.on('response', function once(record: { path: string; status: number }) {
      if (record.path !== '/api/v1/chat.sendMessage' || record.status !== 502) return
      fake.off('response', once)
      const { id: _id, username, name } = SEED.users.bot
      const ts = new Date().toISOString()
      fake.messages.set(id, {
        _id: id,
        rid: GENERAL,
        msg: 'the other job',
        u: { _id, username, name },
        ts,
        _updatedAt: ts
      })
    })
    const m = connect()
    const sent = await send(m, { kind: 'key', key, mode: 'update' }, { msg: 'this job' })
    expect(m.logs.info.join('\n')).toMatch(/HTTP 502.*Checking whether it arrived/s)
    expect(sent.action).toBe('updated')
    expect(stored(id).msg).toBe('this job')
  })

  it('warns that attachments are not updated, and keeps the first ones', async () => {
    const m = connect()
    const key = freshKey()
    const id = keyedMessageId(fake.url, GENERAL, key)
    await send(
      m,
      { kind: 'key', key, mode: 'update' },
      {
        msg: 'build',
        attachments: [{ title: 'first', color: '#ccc' }]
      }
    )
    expect(m.logs.warning).toEqual([])
    await send(
      m,
      { kind: 'key', key, mode: 'update' },
      {
        msg: 'build done',
        attachments: [{ title: 'second' }]
      }
    )
    expect(m.logs.warning).toEqual([
      expect.stringMatching(
        /attachments given are not posted: chat.update can only change the text/
      )
    ])
    expect(stored(id)).toMatchObject({ msg: 'build done', attachments: [{ title: 'first' }] })
  })

  it('leaves the text alone when the step gives none', async () => {
    const m = connect()
    const key = freshKey()
    const id = keyedMessageId(fake.url, GENERAL, key)
    await send(m, { kind: 'key', key, mode: 'update' }, { msg: 'kept' })
    const from = fake.requests.length
    const sent = await send(m, { kind: 'key', key, mode: 'update' }, { msg: '' })
    expect(sent.action).toBe('updated')
    expect(requestsTo('chat.update', from)).toHaveLength(0)
    expect(stored(id).msg).toBe('kept')
  })

  it('refuses to create the keyed message with nothing in it', async () => {
    const m = connect()
    const error = await failureOf(
      send(m, { kind: 'key', key: 'empty-key', mode: 'update' }, { msg: '' })
    )
    expect(error.message).toMatch(/message-key "empty-key" has no message yet/)
  })

  it('keys by room: the same key in two rooms is two messages', async () => {
    const m = connect()
    const key = freshKey()
    const a = await send(m, { kind: 'key', key, mode: 'update' }, { msg: 'a' })
    const b = await send(
      m,
      { kind: 'key', key, mode: 'update' },
      {
        msg: 'b',
        rid: SEED.rooms['ci-builds'].id
      }
    )
    expect(a.message._id).not.toBe(b.message._id)
    expect(b.action).toBe('posted')
  })

  it('explains that the server does not allow editing', async () => {
    const m = connect()
    const key = freshKey()
    await send(m, { kind: 'key', key, mode: 'update' }, { msg: 'v1' })
    fake.setSetting('Message_AllowEditing', false)
    try {
      const error = await failureOf(send(m, { kind: 'key', key, mode: 'update' }, { msg: 'v2' }))
      expect(error.message).toMatch(
        /does not let this user edit the message .*Message_AllowEditing/
      )
    } finally {
      fake.setSetting('Message_AllowEditing', true)
    }
  })
})

describe('message-key, thread mode', () => {
  it('makes the first step the thread and later steps replies in it', async () => {
    const m = connect()
    const key = `pr-${freshKey()}`
    const id = keyedMessageId(fake.url, GENERAL, key)
    const addressing: Addressing = { kind: 'key', key, mode: 'thread' }
    const first = await send(m, addressing, { msg: 'PR #42 opened', tshow: true })
    expect(first).toMatchObject({
      action: 'posted',
      threadId: id,
      anchorId: id,
      followUpThread: id
    })
    expect(stored(id).tshow).toBeUndefined()

    const replies = []
    for (const msg of ['build passed', 'review approved', 'merged']) {
      replies.push(await send(m, addressing, { msg, tshow: true }))
    }
    expect(replies.map((r) => r.action)).toEqual(['replied', 'replied', 'replied'])
    expect(replies.every((r) => r.threadId === id && r.anchorId === id)).toBe(true)
    expect(repliesTo(id).map((r) => [r.msg, r.tshow])).toEqual([
      ['build passed', true],
      ['review approved', true],
      ['merged', true]
    ])
    expect(new Set(replies.map((r) => r.message._id)).size).toBe(3)
    expect(stored(id)).toMatchObject({ msg: 'PR #42 opened', tcount: 3 })
  })

  it('turns the losers of a race for the thread into replies', async () => {
    const key = freshKey()
    const id = keyedMessageId(fake.url, GENERAL, key)
    const results = await Promise.all(
      ['a', 'b', 'c'].map((msg) => send(connect(), { kind: 'key', key, mode: 'thread' }, { msg }))
    )
    expect(results.map((r) => r.action).sort()).toEqual(['posted', 'replied', 'replied'])
    expect(repliesTo(id)).toHaveLength(2)
  })

  it('keeps a lost reply exactly-once', async () => {
    const m = connect()
    const key = freshKey()
    const id = keyedMessageId(fake.url, GENERAL, key)
    await send(m, { kind: 'key', key, mode: 'thread' }, { msg: 'parent' })
    fake.inject({ route: 'chat.sendMessage', kind: 'reset-after' })
    const reply = await send(m, { kind: 'key', key, mode: 'thread' }, { msg: 'reply' })
    expect(reply.action).toBe('replied')
    expect(repliesTo(id)).toHaveLength(1)
  })
})

describe('a new message, and update-message-id', () => {
  it('posts a new message exactly once', async () => {
    const m = connect()
    const sent = await send(m, { kind: 'new' }, { msg: 'plain' })
    expect(sent).toMatchObject({ action: 'posted', threadId: '', followUpThread: '' })
    expect(sent.anchorId).toBe(sent.message._id)
    expect(stored(sent.message._id).msg).toBe('plain')
  })

  it('keeps a reply given by thread-id in its thread', async () => {
    const m = connect()
    const parent = await send(m, { kind: 'new' }, { msg: 'parent' })
    const reply = await send(m, { kind: 'new' }, { msg: 'reply', tmid: parent.message._id })
    expect(reply).toMatchObject({
      threadId: parent.message._id,
      followUpThread: parent.message._id
    })
  })

  it('updates a message by id, in the room the message is in', async () => {
    const m = connect()
    const original = await send(
      m,
      { kind: 'new' },
      {
        msg: 'before',
        rid: SEED.rooms['ci-builds'].id
      }
    )
    const target = await findMessageToUpdate(m.client, original.message._id)
    const room = await roomOf(m.client, undefined, target)
    expect(room).toMatchObject({ id: SEED.rooms['ci-builds'].id, name: 'ci-builds', type: 'c' })
    const sent = await send(
      m,
      { kind: 'existing', message: target },
      {
        msg: 'after',
        rid: room.id
      }
    )
    expect(sent).toMatchObject({
      action: 'updated',
      anchorId: target._id,
      followUpThread: target._id
    })
    expect(stored(target._id).msg).toBe('after')
  })

  it('says clearly when the message to update does not exist', async () => {
    const m = connect()
    const error = await failureOf(findMessageToUpdate(m.client, 'NoSuchMessage1234'))
    expect(error.message).toMatch(
      /^No message "NoSuchMessage1234" on the server \(update-message-id\)/
    )
  })

  it('refuses a room input that is not where the message is', async () => {
    const m = connect()
    const original = await send(m, { kind: 'new' }, { msg: 'x' })
    const target = await findMessageToUpdate(m.client, original.message._id)
    const error = await failureOf(
      roomOf(m.client, { kind: 'name', name: 'releases', given: '#releases' }, target)
    )
    expect(error.message).toMatch(/is not in #releases but in the room GENERAL/)
  })
})

describe('reactions (messages.ts, followUp)', () => {
  it('adds the reaction once, however often it is asked', async () => {
    const m = connect()
    const sent = await send(m, { kind: 'new' }, { msg: 'react to me' })
    await addReaction(m.client, sent.message._id, ':white_check_mark:')
    await addReaction(m.client, sent.message._id, 'white_check_mark')
    expect(stored(sent.message._id).reactions).toEqual({
      ':white_check_mark:': { usernames: ['ci-bot'] }
    })
    const react = fake.requests.filter((r: { path: string }) => r.path === '/api/v1/chat.react')
    expect(react.at(-1).body).toEqual({
      messageId: sent.message._id,
      emoji: 'white_check_mark',
      shouldReact: true
    })
  })

  it('reacts on the keyed message, not on the reply', async () => {
    const m = connect()
    const key = freshKey()
    const id = keyedMessageId(fake.url, GENERAL, key)
    await send(m, { kind: 'key', key, mode: 'thread' }, { msg: 'PR opened' })
    const reply = await send(m, { kind: 'key', key, mode: 'thread' }, { msg: 'merged' })
    await followUp(m.client, reply, { reaction: ':tada:', log: m.log })
    expect(stored(id).reactions).toEqual({ ':tada:': { usernames: ['ci-bot'] } })
    expect(stored(reply.message._id).reactions).toBeUndefined()
  })

  it('names an emoji the server does not know', async () => {
    const m = connect()
    const sent = await send(m, { kind: 'new' }, { msg: 'x' })
    const error = await failureOf(
      followUp(m.client, sent, { reaction: ':no_such_emoji:', log: m.log })
    )
    // deliver() wraps this with "The message was posted (id …), but: " (see the e2e upload case).
    expect(error.message).toBe(
      `The server does not know the emoji :no_such_emoji: (reaction). Use a short code the server's emoji picker offers, or a custom emoji's name.`
    )
  })

  it('updates only the text through chat.update', async () => {
    const m = connect()
    const sent = await send(m, { kind: 'new' }, { msg: 'old', emoji: ':robot:' })
    const updated = await updateMessage(
      m.client,
      { roomId: GENERAL, msgId: sent.message._id },
      'new'
    )
    expect(updated).toMatchObject({ _id: sent.message._id, msg: 'new', emoji: ':robot:' })
    const update = fake.requests.filter((r: { path: string }) => r.path === '/api/v1/chat.update')
    expect(update.at(-1).body).toEqual({ roomId: GENERAL, msgId: sent.message._id, text: 'new' })
  })
})
