// @ts-check
/**
 * The world: users, tokens, rooms, subscriptions, messages, uploads, integrations, settings.
 *
 * Shapes follow the real collections as far as the modelled endpoints read them: 1:1 DM ids are the
 * two user ids sorted and concatenated (RocketChat/Rocket.Chat
 * `apps/meteor/app/lib/server/functions/createDirectRoom.ts` at 03677ca2); personal access tokens
 * carry `type: 'personalAccessToken'` and `bypassTwoFactor`.
 */
import { SEED, DEFAULT_SETTINGS, PERMISSIONS } from './seed.mjs'
import { randomBytes } from 'node:crypto'
import { randomId, isoNow, ensureArray } from './helpers.mjs'

/**
 * @typedef {object} User
 * @property {string} _id
 * @property {string} username
 * @property {string} name
 * @property {string[]} roles
 * @property {boolean} active
 * @property {'bot'|'user'} type
 */

/** @typedef {Record<string, any>} Room a room document (`t`, `name`, `fname`, `ro`, `muted`, `uids` …) */
/** @typedef {Record<string, any>} Message a message document, exactly as stored */
/** @typedef {Record<string, any>} Upload an uploaded file, with `content` as a Buffer */
/** @typedef {Record<string, any>} Integration an incoming webhook integration */

/**
 * @typedef {object} NewUser
 * @property {string} [_id]
 * @property {string} username
 * @property {string} [name]
 * @property {string[]} [roles]
 * @property {boolean} [active]
 * @property {string} [token] personal access token
 */

/**
 * @typedef {{_id?: string, t?: 'c'|'p'|'d', name?: string, fname?: string, ro?: boolean, encrypted?: boolean,
 *   archived?: boolean, muted?: string[], blocked?: boolean, members?: string[], createdAt?: string,
 *   [key: string]: unknown}} NewRoom members are user ids or usernames
 */

/**
 * @typedef {object} NewIntegration
 * @property {string} [_id]
 * @property {string} [token]
 * @property {string} userId
 * @property {string|string[]} channel
 * @property {boolean} [enabled]
 * @property {boolean} [overrideDestinationChannelEnabled]
 * @property {string} [alias]
 * @property {string} [emoji]
 * @property {string} [avatar]
 */

/** Emoji the fake knows (a real server knows the full emojione/joypixels list plus custom ones). */
const EMOJI = new Set([
  'smile',
  'smiley',
  'grinning',
  'joy',
  'laughing',
  'wink',
  'thinking',
  'eyes',
  'heart',
  '+1',
  'thumbsup',
  '-1',
  'thumbsdown',
  'ok_hand',
  'clap',
  'tada',
  'rocket',
  'fire',
  'boom',
  'zap',
  'sparkles',
  'star',
  '100',
  'white_check_mark',
  'heavy_check_mark',
  'x',
  'warning',
  'bug',
  'robot',
  'hourglass',
  'hourglass_flowing_sand',
  'rotating_light',
  'construction',
  'package',
  'ship',
  'hammer',
  'wrench',
  'gear',
  'lock',
  'key',
  'green_circle',
  'red_circle',
  'yellow_circle',
  'large_blue_circle',
  'no_entry',
  'stop_sign',
  'pray',
  'muscle',
  'wave',
  'ghost',
  'memo',
  'bell'
])

export function createWorld() {
  return {
    /** @type {Map<string, User>} */
    users: new Map(),
    /** @type {Map<string, {userId: string, type: 'personalAccessToken'|'login', bypassTwoFactor: boolean}>} */
    tokens: new Map(),
    /** @type {Map<string, Room>} */
    rooms: new Map(),
    /** @type {Array<{_id: string, _deletedAt: string}>} */
    deletedRooms: [],
    /** @type {Map<string, {rid: string, uid: string}>} key `${rid} ${uid}` */
    subscriptions: new Map(),
    /** @type {Map<string, Message>} */
    messages: new Map(),
    /** @type {Map<string, Upload>} */
    uploads: new Map(),
    /** @type {Map<string, Integration>} */
    integrations: new Map(),
    /** @type {Record<string, any>} */
    settings: { ...DEFAULT_SETTINGS },
    /** @type {Record<string, string[]>} */
    permissions: structuredClone(PERMISSIONS),
    emoji: new Set(EMOJI),
    /**
     * Plays an installed app that implements `IPreMessageSentPrevent`: true (or a predicate that
     * returns true for a message) makes `sendMessage()` store nothing and return undefined.
     * @type {boolean | ((message: Message) => boolean)}
     */
    appPrevents: false,
    /**
     * What `createDirectMessage` does with a username that does not exist: `'refuse'`
     * (`error-invalid-user`, 6.x and develop) or `'drop'` (left out of the members, so the caller
     * gets its own self-DM with 200; the generation in between, inferred to be 7.x).
     * @type {'refuse'|'drop'}
     */
    unknownDmUsers: 'refuse'
  }
}

/** @typedef {ReturnType<typeof createWorld>} World */

/**
 * @param {World} world
 * @param {NewUser} user
 */
export function addUserTo(
  world,
  { _id = randomId(), username, name = username, roles = ['user'], active = true, token }
) {
  /** @type {User} */
  const user = {
    _id,
    username,
    name,
    roles: [...roles],
    active,
    type: roles.includes('bot') ? 'bot' : 'user'
  }
  world.users.set(_id, user)
  if (token)
    world.tokens.set(token, { userId: _id, type: 'personalAccessToken', bypassTwoFactor: true })
  return user
}

/** @param {World} world @param {unknown} username */
export function findUserByUsername(world, username) {
  const wanted = String(username).toLowerCase()
  for (const user of world.users.values()) if (user.username?.toLowerCase() === wanted) return user
  return undefined
}

/** Members may be given as user ids or usernames. @param {World} world @param {string} ref */
export function resolveUserRef(world, ref) {
  return world.users.get(ref) ?? findUserByUsername(world, ref)
}

/** @param {string} rid @param {string} uid */
const subKey = (rid, uid) => `${rid} ${uid}`

/** @param {World} world @param {string} rid @param {string} uid */
export function subscribe(world, rid, uid) {
  world.subscriptions.set(subKey(rid, uid), { rid, uid })
  const room = world.rooms.get(rid)
  if (room) room.usersCount = countMembers(world, rid)
}

/** @param {World} world @param {string} rid @param {string} uid */
export function isSubscribed(world, rid, uid) {
  return world.subscriptions.has(subKey(rid, uid))
}

/** @param {World} world @param {string} rid */
function countMembers(world, rid) {
  let n = 0
  for (const sub of world.subscriptions.values()) if (sub.rid === rid) n++
  return n
}

/**
 * @param {World} world
 * @param {NewRoom} room
 * @returns {Room}
 */
export function addRoomTo(
  world,
  { _id = randomId(), t = 'c', name, fname = name, members = [], createdAt, ...rest }
) {
  const ts = createdAt ?? isoNow()
  const owner = [...world.users.values()].find((u) => u.roles.includes('admin'))
  const room = {
    _id,
    t,
    ...(name !== undefined && { name, fname }),
    ts,
    msgs: 0,
    usersCount: 0,
    ...(owner && t !== 'd' && { u: { _id: owner._id, username: owner.username } }),
    default: _id === 'GENERAL',
    ro: false,
    sysMes: true,
    _updatedAt: ts,
    ...rest
  }
  world.rooms.set(_id, room)
  for (const ref of members) {
    const user = resolveUserRef(world, ref)
    if (!user) throw new Error(`addRoom: unknown member ${ref}`)
    subscribe(world, _id, user._id)
  }
  return room
}

/** @param {World} world @param {string} name */
export function findRoomByName(world, name) {
  for (const room of world.rooms.values()) if (room.name === name) return room
  return undefined
}

/** @param {World} world @param {string} idOrName */
export function findRoomByIdOrName(world, idOrName) {
  return world.rooms.get(idOrName) ?? findRoomByName(world, idOrName)
}

/** @typedef {keyof typeof SEED.users} SeedUserKey */

/** Loads seed.mjs: the bot and friends, ~40 rooms, three webhook integrations. @param {World} world */
export function loadSeed(world) {
  const seedTime = new Date(Date.now() - 86_400_000).toISOString()
  for (const u of Object.values(SEED.users)) {
    addUserTo(world, {
      _id: u.id,
      username: u.username,
      name: u.name,
      roles: u.roles,
      token: u.token
    })
  }
  for (const r of Object.values(SEED.rooms)) {
    const { id, members, ...fields } = r
    addRoomTo(world, {
      _id: id,
      ...fields,
      members: members.map((key) => SEED.users[/** @type {SeedUserKey} */ (key)].id),
      createdAt: seedTime
    })
  }
  for (const i of Object.values(SEED.integrations)) {
    addIntegrationTo(world, {
      ...i,
      _id: i.id,
      userId: SEED.users[/** @type {SeedUserKey} */ (i.userKey)].id
    })
  }
}

/**
 * @param {World} world
 * @param {NewIntegration} integration
 * @returns {Integration}
 */
export function addIntegrationTo(
  world,
  {
    _id = randomId(),
    token = randomBytes(18).toString('base64url'),
    userId,
    channel,
    enabled = true,
    overrideDestinationChannelEnabled = false,
    alias,
    emoji,
    avatar
  }
) {
  const integration = {
    _id,
    type: 'webhook-incoming',
    token,
    userId,
    channel: ensureArray(channel),
    enabled,
    overrideDestinationChannelEnabled,
    alias,
    emoji,
    avatar,
    path: `/hooks/${_id}/${token}`
  }
  world.integrations.set(_id, integration)
  return integration
}
