/**
 * A dry run prints the request a real run makes: both are built by the same functions
 * (src/delivery/outgoing.ts), and these cases hold them side by side through the bundle.
 */
import { describe, expect, it } from '@jest/globals'
import { asBot, runAction } from '../helpers/action.js'
import { fakeRocketChat } from '../helpers/fake.js'

const fake = fakeRocketChat()

/** The JSON body a dry run printed after its POST line. */
function printedBody(stdout: string): { message: Record<string, unknown> } {
  const start = stdout.indexOf('{', stdout.indexOf('POST '))
  let depth = 0
  for (let i = start; i < stdout.length; i++) {
    if (stdout[i] === '{') depth++
    if (stdout[i] === '}' && --depth === 0) return JSON.parse(stdout.slice(start, i + 1))
  }
  throw new Error(`no body in ${stdout}`)
}

const CASES: [string, Record<string, string>][] = [
  ['a plain message', { room: '#general', message: 'deploy {{ github.repository }} done' }],
  [
    'alias, emoji, thread broadcast and attachments',
    {
      room: '#general',
      message: 'with attachments',
      alias: 'CI',
      emoji: ':rocket:',
      'thread-id': 'no-such-thread-needed-for-dry-run',
      'thread-broadcast': 'true',
      attachments: JSON.stringify([{ color: '#2eb886', title: 'Build', text: 'passed' }])
    }
  ],
  [
    'blocks with link buttons and a notification text',
    {
      room: '#general',
      message: 'Deployed {{ github.repository }}',
      blocks: JSON.stringify([
        { type: 'section', text: { type: 'mrkdwn', text: '*Deployed* {{ github.repository }}' } },
        { type: 'context', elements: [{ type: 'plain_text', text: 'by {{ github.actor }}' }] },
        {
          type: 'actions',
          elements: [
            { type: 'button', text: { type: 'plain_text', text: 'Open run' }, url: '{{ run_url }}' }
          ]
        }
      ])
    }
  ],
  ['the status preset in layout: blocks', { room: '#general', layout: 'blocks' }],
  [
    'a text cut to max-message-length',
    { room: '#general', message: 'x'.repeat(300), 'max-message-length': '120' }
  ]
]

describe('dry run and real send agree', () => {
  it.each(CASES)('%s', async (_, inputs) => {
    const dry = await runAction({ inputs: { ...asBot(fake.url), ...inputs, 'dry-run': 'true' } })
    expect(dry.code).toBe(0)
    const shown = printedBody(dry.stdout).message

    // The thread need not exist for a dry run; for the real one, post in a real thread.
    const real = { ...inputs }
    if (real['thread-id']) {
      const parent = await runAction({
        inputs: { ...asBot(fake.url), room: '#general', message: 'parent' }
      })
      real['thread-id'] = parent.outputs['message-id']
      shown.tmid = real['thread-id']
    }
    const from = fake.requests.length
    const run = await runAction({ inputs: { ...asBot(fake.url), ...real } })
    expect(run.code).toBe(0)
    const sent = fake.requests
      .slice(from)
      .filter((r: { path: string }) => r.path.endsWith('/chat.sendMessage'))
      .map((r: { body: { message: Record<string, unknown> } }) => r.body.message)
    expect(sent).toHaveLength(1)
    // Only what is settled when sending differs: the id and the resolved room.
    const { _id: dryId, rid: dryRid, ...dryRest } = shown
    const { _id: realId, rid: realRid, ...realRest } = sent[0]
    expect(realRest).toEqual(dryRest)
    // Blocks are in both, not missing from both.
    if (inputs.blocks || inputs.layout === 'blocks')
      expect(dryRest.blocks).toEqual(expect.any(Array))
    expect([dryId, dryRid]).toEqual([
      '(generated per message)',
      '(room #general, resolved when sending)'
    ])
    expect(realId).toBe(run.outputs['message-id'])
    expect(realRid).toBe(run.outputs['room-id'])
  })
})
