/**
 * Messages with UiKit blocks through the bundle (dist/index.js) against the fake server: the
 * blocks input stored as sent, the notification text, the presets in layout: blocks, a keyed
 * update (text only: chat.update takes no blocks), and the refusals that send nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { startFakeRocketChat } from '../../test/fake-rocketchat/server.mjs'
import { INTEGRATIONS, USERS } from '../../test/fake-rocketchat/seed.mjs'
import { FIXTURE_RUNS } from '../fixtures/events/runs.js'
import { ROOT, asBot, runAction, withoutMaskCommands, type ActionRun } from '../helpers/action.js'

type Fake = Awaited<ReturnType<typeof startFakeRocketChat>>
type Button = { type: string; text: { text: string }; url: string; actionId: string }
type Block = { type: string; text?: { text: string }; elements?: Button[] }
type Stored = { _id: string; msg: string; blocks?: Block[]; attachments?: unknown[] }

const servers: Record<string, Fake> = {}
let workspace: string
const SECRET = 'ghs_runnerTokenValue1234567890'
const REPO = 'Codertocat/Hello-World'

beforeAll(async () => {
  servers['8'] = await startFakeRocketChat({ rateLimit: false })
  servers['6'] = await startFakeRocketChat({ rateLimit: false, version: '6' })
  workspace = mkdtempSync(join(tmpdir(), 'rc-blocks-'))
})
afterAll(async () => {
  rmSync(workspace, { recursive: true, force: true })
  for (const fake of Object.values(servers)) await fake.close()
})

const event = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(ROOT, '__tests__', 'fixtures', 'events', `${name}.json`), 'utf8'))

async function post(
  inputs: Record<string, string>,
  options: Partial<Parameters<typeof runAction>[0]> = {},
  fake = servers['8']
): Promise<ActionRun> {
  const run = await runAction({
    ...options,
    inputs: { ...asBot(fake.url), room: '#general', ...inputs },
    env: { GITHUB_TOKEN: SECRET, GITHUB_REPOSITORY: REPO, ...options.env },
    cwd: workspace
  })
  const visible = withoutMaskCommands(run.all)
  for (const secret of [USERS.bot.token, SECRET]) expect(visible).not.toContain(secret)
  expect(run.all).not.toMatch(/\n\s+at .+:\d+:\d+/)
  return run
}

function stored(run: ActionRun, fake = servers['8']): Stored {
  const message = fake.messages.get(run.outputs['message-id']) as Stored | undefined
  if (!message) throw new Error(`nothing stored: ${run.stdout}`)
  return message
}

const BLOCKS = [
  { type: 'section', text: { type: 'mrkdwn', text: '*Deployed* {{ github.repository }}' } },
  {
    type: 'section',
    fields: [
      { type: 'mrkdwn', text: '*Environment*\nstaging' },
      { type: 'mrkdwn', text: '*Commit*\n{{ sha7 }}' }
    ]
  },
  { type: 'context', elements: [{ type: 'mrkdwn', text: 'by {{ github.actor }}' }] },
  {
    type: 'actions',
    elements: [
      {
        type: 'button',
        text: { type: 'plain_text', text: 'Open run' },
        url: '{{ run_url }}',
        style: 'primary'
      }
    ]
  }
]

describe.each(['8', '6'])('blocks on a %s.x server', (version) => {
  it('stores the blocks as sent, with the message as the notification text', async () => {
    const fake = servers[version]
    const run = await post(
      { blocks: JSON.stringify(BLOCKS), message: 'Deployed {{ github.repository }}' },
      { env: FIXTURE_RUNS.push },
      fake
    )
    expect(run.code).toBe(0)
    const message = stored(run, fake)
    expect(message.msg).toBe(`Deployed ${REPO}`)
    expect(message.attachments ?? []).toEqual([])
    const sent = fake.requests
      .filter((r: { path: string }) => r.path === '/api/v1/chat.sendMessage')
      .at(-1).body.message
    // What the server keeps is exactly what was sent.
    expect(message.blocks).toEqual(sent.blocks)
    expect(message.blocks?.[0].text?.text).toBe(`*Deployed* ${REPO}`)
    const button = message.blocks?.[3].elements?.[0] as Button
    expect(button.url).toMatch(/^https:\/\/github\.com\/.+\/actions\/runs\/\d+$/)
    expect(button.actionId).toBe('link-0')
  })
})

describe('blocks through the bundle', () => {
  it('derives the notification text from the blocks when message is empty', async () => {
    const run = await post({ blocks: JSON.stringify(BLOCKS) }, { env: FIXTURE_RUNS.push })
    expect(run.code).toBe(0)
    expect(stored(run).msg).toBe(`*Deployed* ${REPO}`)
  })

  it('posts the status preset as blocks with link buttons', async () => {
    const run = await post(
      { layout: 'blocks', mention: '@oncall' },
      {
        event: event('pull_request'),
        eventName: 'pull_request',
        env: FIXTURE_RUNS.pull_request,
        jobStatus: 'failure'
      }
    )
    expect(run.code).toBe(0)
    const message = stored(run)
    expect(message.attachments ?? []).toEqual([])
    expect(message.msg).toMatch(/^@oncall ❌ \*Failed\*: /)
    expect(message.msg).not.toContain('](')
    const types = message.blocks?.map((b) => b.type)
    expect(types).toEqual(['section', 'section', 'context', 'actions'])
    const buttons = message.blocks?.at(-1)?.elements ?? []
    expect(buttons.map((b) => b.text.text)).toEqual(['Open run', 'View pull request'])
    for (const b of buttons) expect(b.url).toMatch(/^https:\/\/github\.com\//)
  })

  it('posts the release preset as blocks with a View release button', async () => {
    const release = event('release') as { release: { html_url: string; tag_name: string } }
    const run = await post(
      { layout: 'blocks' },
      { event: release, eventName: 'release', env: FIXTURE_RUNS.release }
    )
    expect(run.code).toBe(0)
    const message = stored(run)
    expect(message.msg).toContain(release.release.tag_name)
    const buttons = message.blocks?.at(-1)?.elements ?? []
    expect(buttons.map((b) => [b.text.text, b.url])).toEqual([
      ['View release', release.release.html_url]
    ])
  })

  it('updates only the text of a keyed blocks message, and says so', async () => {
    const fake = servers['8']
    const key = `blocks-${Date.now()}`
    const first = await post({
      blocks: JSON.stringify(BLOCKS),
      message: 'Deploying',
      'message-key': key
    })
    expect(first.code).toBe(0)
    const before = structuredClone(stored(first).blocks)
    const from = fake.requests.length
    const second = await post({
      blocks: JSON.stringify(BLOCKS),
      message: 'Deployed',
      'message-key': key
    })
    expect(second.code).toBe(0)
    expect(second.outputs['message-id']).toBe(first.outputs['message-id'])
    const message = stored(second)
    expect(message.msg).toBe('Deployed')
    expect(message.blocks).toEqual(before)
    const update = fake.requests
      .slice(from)
      .filter((r: { path: string }) => r.path === '/api/v1/chat.update')
    expect(update).toHaveLength(1)
    expect(Object.keys(update[0].body).sort()).toEqual(['msgId', 'roomId', 'text'])
    const warnings = second.annotations.filter((a) => a.level === 'warning').map((a) => a.message)
    expect(warnings).toEqual([
      expect.stringMatching(/blocks given are not posted: chat.update can only change the text/),
      expect.stringMatching(
        /has blocks, so Rocket.Chat's web client shows them instead of its text/
      )
    ])
  })

  it('posts the README example as written', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('### Buttons and sections (blocks)'))
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? ''
    const [step] = parseYaml(yaml) as { with: Record<string, string> }[]
    expect(step.with.blocks).toContain('"type": "actions"')
    // The example's server and secrets are placeholders; post() gives the fake's.
    const inputs = Object.fromEntries(
      Object.entries(step.with).filter(
        ([name]) => !['server-url', 'auth-token', 'user-id'].includes(name)
      )
    )
    const run = await post(
      { ...inputs, status: 'success' },
      { event: event('push'), eventName: 'push', env: FIXTURE_RUNS.push }
    )
    expect(run.code).toBe(0)
    const message = stored(run)
    expect(message.msg).toBe(`Deploy of ${REPO}: success`)
    const buttons = message.blocks?.at(-1)?.elements ?? []
    expect(buttons.map((b) => b.text.text)).toEqual(['Open run', 'View commit'])
    expect(buttons[1].url).toBe(`https://github.com/${REPO}/commit/${FIXTURE_RUNS.push.GITHUB_SHA}`)
  })

  it('refuses a button without url before sending anything', async () => {
    const fake = servers['8']
    const count = fake.messages.size
    const blocks = [
      { type: 'section', text: { type: 'plain_text', text: 'x' } },
      { type: 'divider' },
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'Approve' } }]
      }
    ]
    const run = await post({ blocks: JSON.stringify(blocks) })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      'Input "blocks": blocks[2].elements[0].url is missing: a button must open a link'
    )
    expect(fake.messages.size).toBe(count)
  })

  it('refuses blocks and layout: blocks with a webhook, which would drop them', async () => {
    const fake = servers['8']
    const count = fake.messages.size
    const hook = { 'webhook-url': fake.url + INTEGRATIONS.default.path }
    const refused: Record<string, string>[] = [
      { blocks: JSON.stringify(BLOCKS), message: 'x' },
      { layout: 'blocks' }
    ]
    for (const inputs of refused) {
      const run = await runAction({ inputs: { ...hook, ...inputs }, cwd: workspace })
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(
        /Input "(blocks|layout)": cannot be used with webhook-url: an incoming webhook drops blocks/
      )
    }
    writeFileSync(join(workspace, 'card.json'), JSON.stringify({ message: 'x', blocks: BLOCKS }))
    const run = await runAction({
      inputs: { ...hook, 'template-file': 'card.json' },
      cwd: workspace
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('an incoming webhook drops blocks')
    expect(withoutMaskCommands(run.all)).not.toContain(INTEGRATIONS.default.token)
    expect(fake.messages.size).toBe(count)
  })
})
