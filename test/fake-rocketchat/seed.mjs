/**
 * The default world of the fake Rocket.Chat server.
 *
 * Ids look like Rocket.Chat's (17 chars of Meteor's `Random.id()` alphabet, `GENERAL` for the
 * default channel) and tokens like personal access tokens (43 URL-safe chars), so code under test
 * cannot get away with assumptions a real server would break. Everything here is fixed: tests can
 * hard-code these values through the exported constants.
 */

/**
 * @typedef {object} SeedUser
 * @property {string} id
 * @property {string} username
 * @property {string} name
 * @property {string[]} roles
 * @property {string} [token] personal access token (X-Auth-Token), with X-User-Id = id
 */

/**
 * @typedef {object} SeedRoom
 * @property {string} id
 * @property {'c'|'p'} t
 * @property {string} name
 * @property {string} fname
 * @property {boolean} [ro]
 * @property {boolean} [archived]
 * @property {string[]} members user keys of SEED.users subscribed to the room
 */

/** @type {Record<'bot'|'ci'|'admin', SeedUser & {token: string}> & Record<'alice'|'bob', SeedUser>} */
export const USERS = {
  // Holds message-impersonate and api-bypass-rate-limit through the `bot` role.
  bot: {
    id: 'aidqcTx5gEBMGtqzA',
    username: 'ci-bot',
    name: 'CI Bot',
    roles: ['bot'],
    token: 'uDatnEVta64kW-mzMvOzRCTrd-lwqkq42KjIsF2BbzA'
  },
  // A plain user account behind a PAT: rate limited, cannot set alias/avatar.
  ci: {
    id: 'ha985HrGXYrprt2ff',
    username: 'ci',
    name: 'CI User',
    roles: ['user'],
    token: 'nbUKe0RPfH-wqThgCbo78c8pTXN92NNkWiaAKJFUXzk'
  },
  // Bypasses the rate limiter but, as on the real server, has NO message-impersonate.
  admin: {
    id: 'u96KZZuZJabWtu2tP',
    username: 'admin',
    name: 'Administrator',
    roles: ['admin'],
    token: 'QVBOrAUDYecw2TRAaOArztkfIhBK-M0OHBfEzIl8nFw'
  },
  alice: { id: 's7PD5JgeQuSWNo7dC', username: 'alice', name: 'Alice Liddell', roles: ['user'] },
  bob: { id: 'ms38ZFyr9gLp4fzxa', username: 'bob', name: 'Bob Builder', roles: ['user'] }
}

/** Ids of the ~30 filler channels the bot belongs to, so rooms.get is realistically large. */
const PROJECT_ROOM_IDS = [
  '75th9R5R83eRi3dxb',
  'RPkcFXhwiRJryWjxP',
  'ubz8LtsbJ5AJFwFq5',
  'HjyagJKbxrfkc4awH',
  '7MXffv9kF7oKiKdT9',
  '3zD62YfMrLrtqHkiS',
  'xDL9EJSxmoh2HFoxQ',
  'FugzXqShjBwGisRMd',
  'nFmtKA9NdpZAAXetD',
  'hjaoLcXKiQ7e2AxoF',
  'Y6me4yxZbpRgT8jxe',
  'MHyTuJRymDSfTkohq',
  '73gJCrtoj8jdiQvsz',
  'rQHHSrJgPKbjW5cBW',
  'z2HEyWGtbaHTPRD2Q',
  '6EDmDeHFt86PnJNW2',
  'oAxAhA6u8ehxJvhud',
  'Loq8CpYwBu7FxqxCs',
  '7YWFpzsujAMeG9LeE',
  'EHYpmd9LauzKb26Ne',
  'BmGx468ymfwFLtCWu',
  'rGtHWuZhzuxhxsGR9',
  'ACWpmu4bHDwXCoRk7',
  'kagMJeDBNi6a7fnbm',
  'jN6yh9JJzEgsEwcXc',
  'qn2JJ56GKDNeQPRd8',
  'aeCK3vPH4oRpLLqc9',
  'b9LdQHHXwjZDejibY',
  '4zwFgNhsrKH6B9RiL',
  '5Kay8H3CJMXWjdpQQ'
]

/** @type {Record<string, SeedRoom>} keyed by room name */
export const ROOMS = {
  general: {
    id: 'GENERAL',
    t: 'c',
    name: 'general',
    fname: 'general',
    members: ['bot', 'ci', 'admin', 'alice', 'bob']
  },
  'ci-builds': {
    id: '9eBc2p7ckLMKgBaYi',
    t: 'c',
    name: 'ci-builds',
    fname: 'ci-builds',
    members: ['bot', 'alice']
  },
  releases: {
    id: 'hp7bKahh9YxxyCRHn',
    t: 'c',
    name: 'releases',
    fname: 'releases',
    members: ['bot']
  },
  deploys: {
    id: 's8JCcycrk3MK6sgE4',
    t: 'p',
    name: 'deploys',
    fname: 'deploys',
    members: ['bot', 'ci']
  },
  // Private and the bot is not in it: every write must fail with error-not-allowed.
  'secret-ops': {
    id: 'qgbRi73Qc9r5CRz9m',
    t: 'p',
    name: 'secret-ops',
    fname: 'secret-ops',
    members: ['admin', 'alice']
  },
  // Read-only: only post-readonly holders (admin) may post.
  announcements: {
    id: 'oek9XmGuc822gku5i',
    t: 'c',
    name: 'announcements',
    fname: 'announcements',
    ro: true,
    members: ['bot', 'admin']
  },
  // Display name differs from the slug: rooms.info?roomName= matches `name` only.
  'team-qa': {
    id: 'W4uQgAveLDpJ8pBQc',
    t: 'c',
    name: 'team-qa',
    fname: 'Team QA',
    members: ['bot']
  },
  'old-builds': {
    id: 'bNqo72CRG75xAFmbq',
    t: 'c',
    name: 'old-builds',
    fname: 'old-builds',
    archived: true,
    members: ['bot']
  },
  ...Object.fromEntries(
    PROJECT_ROOM_IDS.map((id, i) => {
      const name = `project-${String(i + 1).padStart(2, '0')}`
      return [name, { id, t: 'c', name, fname: name, members: ['bot'] }]
    })
  )
}

/**
 * @typedef {object} SeedIntegration
 * @property {string} id
 * @property {string} token
 * @property {string} path the URL path to POST to
 * @property {string} userKey SEED.users key the hook posts as
 * @property {string} channel default destination
 * @property {boolean} enabled
 * @property {boolean} overrideDestinationChannelEnabled
 * @property {string} [alias]
 * @property {string} [emoji]
 * @property {string} [avatar]
 */

/** @type {Record<'default'|'override'|'disabled', SeedIntegration>} */
export const INTEGRATIONS = {
  // A hook created the modern way: the payload may not choose its channel.
  default: {
    id: 'cXySNoFWsngLCCmhX',
    token: 'bBaDGBbQfQbbfHOFy_GU5r-K',
    path: '/hooks/cXySNoFWsngLCCmhX/bBaDGBbQfQbbfHOFy_GU5r-K',
    userKey: 'bot',
    channel: '#ci-builds',
    enabled: true,
    overrideDestinationChannelEnabled: false
  },
  // A pre-5.x hook (migrated with the override on): `channel` in the payload is honoured.
  override: {
    id: 'SJs5ZGasYth3FAQDY',
    token: 'WQJetlF7JGVw7ibG3QeU31RH',
    path: '/hooks/SJs5ZGasYth3FAQDY/WQJetlF7JGVw7ibG3QeU31RH',
    userKey: 'bot',
    channel: '#ci-builds',
    emoji: ':robot:',
    enabled: true,
    overrideDestinationChannelEnabled: true
  },
  disabled: {
    id: 'mfSjGQsvziPQNjmQr',
    token: 'P6iqy9_Gqj_QpKRALl7yIxnK',
    path: '/hooks/mfSjGQsvziPQNjmQr/P6iqy9_Gqj_QpKRALl7yIxnK',
    userKey: 'bot',
    channel: '#ci-builds',
    enabled: false,
    overrideDestinationChannelEnabled: false
  }
}

/**
 * Server settings and their defaults on a fresh server, as registered in RocketChat/Rocket.Chat
 * `apps/meteor/server/settings/`: message.ts at 06075935, threads.ts at 721a1541, e2e.ts at
 * 1702e0fa, file-upload.ts at 014c0860, rate.ts at 85f6fa3f. `Site_Url` is the fake's own value.
 */
export const DEFAULT_SETTINGS = {
  Message_MaxAllowedSize: 5000,
  Threads_enabled: true,
  Message_CustomFields_Enabled: false,
  Message_AllowEditing: true,
  Message_AllowEditing_BlockEditInMinutes: 0,
  Message_AllowDirectMessagesToYourself: true,
  E2E_Allow_Unencrypted_Messages: false,
  FileUpload_MaxFileSize: 104857600,
  Site_Url: 'http://localhost:3000',
  API_Enable_Rate_Limiter: true,
  API_Enable_Rate_Limiter_Limit_Calls_Default: 10,
  API_Enable_Rate_Limiter_Limit_Time_Default: 60000
}

/** Settings readable without auth through settings.public. */
export const PUBLIC_SETTINGS = [
  'Message_MaxAllowedSize',
  'Threads_enabled',
  'Message_AllowEditing',
  'FileUpload_MaxFileSize',
  'Site_Url'
]

/**
 * Default role grants of the permissions the modelled endpoints consult;
 * `bypass-time-limit-edit-and-delete` as `apps/meteor/app/authorization/server/constant/permissions.ts`
 * at 014c0860 grants it.
 */
export const PERMISSIONS = {
  'message-impersonate': ['bot', 'app'],
  'api-bypass-rate-limit': ['admin', 'bot', 'app'],
  'send-many-messages': ['admin', 'bot', 'app'],
  'view-c-room': ['admin', 'user', 'bot', 'app', 'anonymous', 'guest'],
  'create-d': ['admin', 'user', 'bot', 'app', 'livechat-agent'],
  'post-readonly': ['admin', 'owner', 'moderator'],
  'edit-message': ['admin', 'owner', 'moderator'],
  'bypass-time-limit-edit-and-delete': ['bot', 'app'],
  'view-statistics': ['admin']
}

/** Everything above in one object: `SEED.users.bot.token`, `SEED.rooms.general.id` … */
export const SEED = {
  users: USERS,
  rooms: ROOMS,
  integrations: INTEGRATIONS,
  settings: DEFAULT_SETTINGS,
  permissions: PERMISSIONS
}

export default SEED
