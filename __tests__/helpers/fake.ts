import { afterAll, beforeAll } from '@jest/globals'
import { startFakeRocketChat } from '../../test/fake-rocketchat/server.mjs'

export type Fake = Awaited<ReturnType<typeof startFakeRocketChat>>

/**
 * One fake Rocket.Chat for the test file (or the describe it is called in): started before
 * its tests, closed after them. The handle is usable as the server itself once started.
 */
export function fakeRocketChat(
  options: Parameters<typeof startFakeRocketChat>[0] = { rateLimit: false }
): Fake {
  let server: Fake | undefined
  beforeAll(async () => {
    server = await startFakeRocketChat(options)
  })
  afterAll(async () => {
    await server?.close()
  })
  return new Proxy({} as Fake, {
    get: (_, key) => {
      if (!server) throw new Error('The fake server starts in beforeAll: use it inside a test.')
      const value: unknown = Reflect.get(server, key)
      return typeof value === 'function' ? value.bind(server) : value
    }
  })
}
