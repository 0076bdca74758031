import type { Dispatcher } from 'undici'
import { RocketChatClient } from '../../src/rocketchat/client.js'
import { Deadline } from '../../src/rocketchat/deadline.js'
import { createDispatcher } from '../../src/rocketchat/transport.js'
import type { Logger } from '../../src/rocketchat/types.js'
import { SEED } from '../../test/fake-rocketchat/server.mjs'

/** What a client logged, by level. */
export interface Logs {
  info: string[]
  warning: string[]
  debug: string[]
}

export interface FakeClient {
  client: RocketChatClient
  logs: Logs
  log: Logger
  dispatcher: Dispatcher
}

/**
 * A RocketChatClient for a fake server over real loopback HTTP, logging into arrays; short
 * back-offs keep retries fast. Destroy `dispatcher` when done.
 */
export function fakeClient(
  server: { url: string },
  options: { user?: 'bot' | 'ci' | 'admin'; retries?: number; budgetMs?: number } = {}
): FakeClient {
  const who = SEED.users[options.user ?? 'bot'] as { id: string; token: string }
  const serverUrl = new URL(server.url)
  // Loopback only, whatever proxy the environment of the test run sets.
  const dispatcher = createDispatcher(serverUrl, { env: {} })
  const logs: Logs = { info: [], warning: [], debug: [] }
  const log: Logger = {
    info: (m) => logs.info.push(m),
    warning: (m) => logs.warning.push(m),
    debug: (m) => logs.debug.push(m),
    block: (text) => logs.info.push(text)
  }
  const client = new RocketChatClient({
    serverUrl,
    userId: who.id,
    authToken: who.token,
    dispatcher,
    deadline: new Deadline(options.budgetMs ?? 20_000),
    retries: options.retries ?? 3,
    backoffMs: 10,
    log
  })
  return { client, logs, log, dispatcher }
}
