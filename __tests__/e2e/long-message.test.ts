/**
 * long-message (truncate, split, fail) through dist/index.js, and when the server's
 * Message_MaxAllowedSize is read: only for a text over 5000, or after the server refused one.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { postToGeneral } from '../helpers/action.js'
import { fakeRocketChat } from '../helpers/fake.js'

interface Stored {
  _id: string
  msg: string
  tmid?: string
  rid: string
}
interface Req {
  path: string
  query: Record<string, string>
  headers: Record<string, string | undefined>
  status: number | null
}

const RUN_URL = 'https://github.com/octo-org/octo-repo/actions/runs/1658821493'
const MARKER = `\n\n… (truncated: full text in the run log, ${RUN_URL})`
// A high surrogate without its low half, or a low one without its high half.
const BROKEN_PAIR = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const EMOJI = '😀' // two UTF-16 units

const fake = fakeRocketChat()

afterEach(() => {
  fake.setSetting('Message_MaxAllowedSize', 5000)
})

async function post(text: string, inputs: Record<string, string> = {}) {
  const from = fake.requests.length
  const before = new Set(fake.messages.keys())
  const run = await postToGeneral(fake, text, inputs)
  const requests = fake.requests.slice(from) as Req[]
  return {
    run,
    /** Messages this run stored, in order. */
    stored: [...fake.messages.values()].filter((m: Stored) => !before.has(m._id)) as Stored[],
    paths: leadingReadsSorted(requests.map((r) => r.path.replace('/api/v1/', ''))),
    settingsRequests: requests.filter((r) => r.path === '/api/v1/settings.public')
  }
}

// The room lookup and the server's limit are read at the same time, so the network decides
// which arrives first: those leading reads are compared in alphabetical order.
function leadingReadsSorted(paths: string[]): string[] {
  const reads = new Set(['rooms.info', 'settings.public'])
  const end = paths.findIndex((p) => !reads.has(p))
  const k = end < 0 ? paths.length : end
  return [...paths.slice(0, k).sort(), ...paths.slice(k)]
}

/** Lines of 99 characters and a newline, `count` of them. */
function lines(count: number, prefix = 'line'): string {
  return Array.from({ length: count }, (_, i) =>
    `${prefix} ${String(i).padStart(4, '0')} `.padEnd(99, '.')
  ).join('\n')
}

describe('long-message: truncate (the default)', () => {
  it('cuts at the limit, ending with a marker and the run link', async () => {
    const text = lines(80) // 7999 units
    const p = await post(text)
    expect(p.run.code).toBe(0)
    expect(p.stored).toHaveLength(1)
    const { msg } = p.stored[0]
    expect(msg.length).toBeLessThanOrEqual(5000)
    expect(msg.length).toBeGreaterThan(5000 - MARKER.length - 100)
    expect(msg.endsWith(MARKER)).toBe(true)
    expect(text.startsWith(msg.slice(0, -MARKER.length))).toBe(true)
    // Over 5000, so the server's own limit was asked for, once, without credentials.
    expect(p.paths).toEqual(['rooms.info', 'settings.public', 'chat.sendMessage'])
    expect(p.settingsRequests[0].query).toEqual({ _id: 'Message_MaxAllowedSize' })
    expect(p.settingsRequests[0].headers['x-auth-token']).toBeUndefined()
    expect(p.run.stdout).toContain(
      'The message is 7999 characters, over the limit of 5000: posting it truncated.'
    )
  })

  it('never cuts inside a surrogate pair', async () => {
    // With max-message-length 300, the text before the marker is cut at 300 - marker length;
    // emoji from there on put a pair across every possible cut.
    const room = 300 - MARKER.length
    for (const offset of [0, 1]) {
      const text = 'a'.repeat(room - 1 - offset) + EMOJI.repeat(200)
      const p = await post(text, { 'max-message-length': '300' })
      expect(p.run.code).toBe(0)
      expect(p.stored).toHaveLength(1)
      const { msg } = p.stored[0]
      expect(msg.length).toBeLessThanOrEqual(300)
      expect(msg).not.toMatch(BROKEN_PAIR)
      expect(msg.endsWith(MARKER)).toBe(true)
      const kept = msg.slice(0, -MARKER.length)
      expect(text.startsWith(kept)).toBe(true)
      expect(kept.length).toBeGreaterThanOrEqual(room - 2)
      // The input gave the limit: the server was not asked.
      expect(p.settingsRequests).toHaveLength(0)
    }
  })
})

describe('long-message: split', () => {
  it('posts the rest as thread replies under the first message', async () => {
    const text = lines(120) // 11999 units
    const p = await post(text, { 'long-message': 'split' })
    expect(p.run.code).toBe(0)
    expect(p.stored).toHaveLength(3)
    const [first, ...rest] = p.stored
    expect(first.tmid).toBeUndefined()
    for (const part of rest) expect(part.tmid).toBe(first._id)
    for (const part of p.stored) expect(part.msg.length).toBeLessThanOrEqual(5000)
    // Cut at line ends, nothing lost.
    expect(p.stored.map((m) => m.msg).join('\n')).toBe(text)
    expect(p.run.outputs['message-id']).toBe(first._id)
    expect(p.run.outputs['thread-id']).toBe(first._id)
    expect(p.paths).toEqual([
      'rooms.info',
      'settings.public',
      'chat.sendMessage',
      'chat.sendMessage',
      'chat.sendMessage'
    ])
    expect(p.run.stdout).toContain('posting it in 3 parts, the rest as thread replies')
  })

  it('never splits a surrogate pair', async () => {
    const text = EMOJI.repeat(401) // 802 units, no spaces or line ends to break at
    const p = await post(text, { 'long-message': 'split', 'max-message-length': '301' })
    expect(p.run.code).toBe(0)
    expect(p.stored).toHaveLength(3)
    for (const part of p.stored) {
      expect(part.msg.length).toBeLessThanOrEqual(301)
      expect(part.msg).not.toMatch(BROKEN_PAIR)
    }
    expect(p.stored.map((m) => m.msg).join('')).toBe(text)
    expect(p.settingsRequests).toHaveLength(0)
  })

  it('keeps every part in the thread given by thread-id', async () => {
    const parent = await post('parent of a split')
    const thread = parent.run.outputs['message-id']
    const p = await post(lines(60), {
      'long-message': 'split',
      'max-message-length': '3000',
      'thread-id': thread
    })
    expect(p.run.code).toBe(0)
    expect(p.stored).toHaveLength(2)
    for (const part of p.stored) expect(part.tmid).toBe(thread)
    expect(p.run.outputs['thread-id']).toBe(thread)
  })
})

describe('long-message: split, failing part-way', () => {
  it('says which parts are missing, and still sets the outputs of the posted message', async () => {
    // Faults are taken in order: the first send passes (a zero delay), the second is refused.
    fake.inject({ route: 'chat.sendMessage', kind: 'delay', ms: 0 })
    fake.inject({
      route: 'chat.sendMessage',
      kind: 'status',
      status: 400,
      body: '{"success":false,"error":"Something broke [error-x]","errorType":"error-x"}',
      contentType: 'application/json'
    })
    try {
      const p = await post(lines(3), { 'long-message': 'split', 'max-message-length': '120' })
      expect(p.run.code).toBe(1)
      expect(p.stored).toHaveLength(1)
      expect(p.run.annotations[0].message).toMatch(
        /^The message was posted \(id \w{17}\), but parts 2 to 3 of the split text were not posted: Rocket.Chat answered HTTP 400 to chat.sendMessage: Something broke \[error-x\]/
      )
      expect(p.run.outputs['message-id']).toBe(p.stored[0]._id)
    } finally {
      fake.clearFaults()
    }
  })
})

describe('long-message: fail', () => {
  it('fails before sending anything', async () => {
    const p = await post(lines(60), { 'long-message': 'fail' })
    expect(p.run.code).toBe(1)
    expect(p.stored).toHaveLength(0)
    expect(p.paths).toEqual(['rooms.info', 'settings.public'])
    expect(p.run.annotations).toEqual([
      {
        level: 'error',
        message:
          "The message is 5999 characters, over the server's limit of 5000 (long-message is fail). Shorten it, or set long-message to truncate or split."
      }
    ])
  })
})

describe("the server's Message_MaxAllowedSize", () => {
  it('is not read for a text of 5000 or less', async () => {
    const p = await post('x'.repeat(5000))
    expect(p.run.code).toBe(0)
    expect(p.stored).toHaveLength(1)
    expect(p.stored[0].msg).toHaveLength(5000)
    expect(p.paths).toEqual(['rooms.info', 'chat.sendMessage'])
  })

  it('is read when the server refuses a text as too long, and the text refitted', async () => {
    fake.setSetting('Message_MaxAllowedSize', 3000)
    const p = await post(lines(40)) // 3999 units
    expect(p.run.code).toBe(0)
    expect(p.paths).toEqual([
      'rooms.info',
      'chat.sendMessage',
      'settings.public',
      'chat.sendMessage'
    ])
    expect(p.stored).toHaveLength(1)
    expect(p.stored[0].msg.length).toBeLessThanOrEqual(3000)
    expect(p.stored[0].msg.endsWith(MARKER)).toBe(true)
  })

  it('lets a text over 5000 through whole when the server allows more', async () => {
    fake.setSetting('Message_MaxAllowedSize', 8000)
    const text = lines(70) // 6999 units
    const p = await post(text)
    expect(p.run.code).toBe(0)
    expect(p.stored.map((m) => m.msg)).toEqual([text])
    expect(p.paths).toEqual(['rooms.info', 'settings.public', 'chat.sendMessage'])
  })

  it('is never read when max-message-length is given', async () => {
    fake.setSetting('Message_MaxAllowedSize', 8000)
    const p = await post(lines(70), { 'max-message-length': '6000', 'long-message': 'split' })
    expect(p.run.code).toBe(0)
    expect(p.stored).toHaveLength(2)
    expect(p.settingsRequests).toHaveLength(0)
  })

  it('falls back to 5000 when the server does not say', async () => {
    fake.inject({
      route: 'settings.public',
      kind: 'status',
      status: 404,
      body: '404 Not Found',
      contentType: 'text/plain'
    })
    const p = await post(lines(60))
    expect(p.run.code).toBe(0)
    expect(p.stored).toHaveLength(1)
    expect(p.stored[0].msg.length).toBeLessThanOrEqual(5000)
    expect(p.stored[0].msg.endsWith(MARKER)).toBe(true)
  })
})
