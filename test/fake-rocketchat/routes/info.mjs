// @ts-check
/**
 * GET /api/info: unversioned, no auth needed, not rate-limited.
 *
 * Sources (RocketChat/Rocket.Chat): `apps/meteor/server/api/default/info.ts` at c3c088f2 and
 * `apps/meteor/server/api/lib/getServerInfo.ts` at 50f0ec2a (major.minor only, unless the caller has
 * `view-statistics`; the trimming dates from issue #23399).
 */
import { VERSION_INFO, MIN_CLIENT_VERSIONS } from '../versions.mjs'
import { authenticate } from '../auth.mjs'
import { hasPermission } from '../permissions.mjs'
import { jsonReply } from '../replies.mjs'

/** @typedef {import('../types.mjs').ServerState} ServerState */
/** @typedef {import('../types.mjs').Ctx} Ctx */

/** @param {ServerState} server @param {Ctx} ctx */
export function apiInfo(server, ctx) {
  const info = VERSION_INFO[server.version]
  const user = authenticate(server.world, ctx.headers)
  if (user && hasPermission(server.world, user, 'view-statistics')) {
    return jsonReply(200, {
      version: info.full,
      info: {
        version: info.full,
        build: {
          date: '2026-01-01T00:00:00.000Z',
          nodeVersion: 'v22.16.0',
          arch: 'x64',
          platform: 'linux'
        },
        marketplaceApiVersion: '1.56.0',
        commit: { hash: '0000000000000000000000000000000000000000', branch: 'HEAD', tag: info.full }
      },
      minimumClientVersions: MIN_CLIENT_VERSIONS,
      success: true
    })
  }
  return jsonReply(200, {
    version: info.short,
    minimumClientVersions: MIN_CLIENT_VERSIONS,
    success: true
  })
}
