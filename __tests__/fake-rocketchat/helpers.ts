/**
 * Shared setup of the tests that prove the fake Rocket.Chat server (test/fake-rocketchat/) answers
 * as the real one does, over real HTTP on loopback. Other suites trust the fake; these suites are
 * why they may. The server sources each behaviour follows are listed in
 * test/fake-rocketchat/README.md.
 *
 * The seeded users and rooms are in fixtures.ts. Importing this module registers an afterEach that
 * closes the fake `start()` opened.
 */
import { afterEach } from '@jest/globals'
import { startFakeRocketChat } from '../../test/fake-rocketchat/server.mjs'
import { bot, type Json, type SeedUser } from './fixtures.js'

export type Fake = Awaited<ReturnType<typeof startFakeRocketChat>>

export interface Res {
  status: number
  headers: Headers
  text: string
  body: Json
}

export interface CallOptions {
  as?: SeedUser | null
  json?: unknown
  body?: string | FormData
  headers?: Record<string, string>
}

/** The fake of the running test (a live binding: `start()` replaces it). */
export let fake: Fake

export function authHeaders(user: SeedUser | null | undefined): Record<string, string> {
  return user?.token ? { 'X-User-Id': user.id, 'X-Auth-Token': user.token } : {}
}

/** One HTTP exchange with the fake; `as` defaults to the bot, `json` sets Content-Type. */
export async function call(method: string, path: string, opts: CallOptions = {}): Promise<Res> {
  const headers: Record<string, string> = { ...authHeaders(opts.as === undefined ? bot : opts.as) }
  let body = opts.body
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.json)
  }
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: { ...headers, ...opts.headers },
    body
  })
  const text = await res.text()
  let parsed: Json
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  return { status: res.status, headers: res.headers, text, body: parsed }
}

export const post = (path: string, json: unknown, as?: SeedUser | null) =>
  call('POST', `/api/v1/${path}`, { json, as })
export const get = (path: string, as?: SeedUser | null) => call('GET', `/api/v1/${path}`, { as })
export const send = (message: Record<string, unknown>, as?: SeedUser | null) =>
  post('chat.sendMessage', { message }, as)

export async function start(options: Parameters<typeof startFakeRocketChat>[0] = {}) {
  fake = await startFakeRocketChat(options)
  return fake
}

afterEach(async () => {
  await fake?.close()
})
