// @ts-check
/** The public object tests use: the world, the recorded requests, and knobs to change both. */
import { assertVersion } from './versions.mjs'
import { validateFault } from './faults.mjs'
import {
  addIntegrationTo,
  addRoomTo,
  addUserTo,
  isSubscribed,
  resolveUserRef,
  subscribe
} from './state.mjs'
import { isoNow } from './helpers.mjs'

/** @typedef {import('./types.mjs').ServerState} ServerState */
/** @typedef {import('./types.mjs').Fault} Fault */
/** @typedef {import('./versions.mjs').ServerVersion} ServerVersion */
/** @typedef {import('./state.mjs').NewUser} NewUser */
/** @typedef {import('./state.mjs').NewRoom} NewRoom */
/** @typedef {import('./state.mjs').NewIntegration} NewIntegration */

/**
 * @param {ServerState} state
 * @param {import('node:http').Server} server the listening http(s) server
 * @param {Set<import('node:net').Socket>} sockets every open connection
 * @param {Set<NodeJS.Timeout>} timers pending `state.sleep` timers
 */
export function createHandle(state, server, sockets, timers) {
  const { world } = state
  // Documents and request records are handed out as `any`: tests read them by path and give them
  // their own shapes.
  return {
    /** Base URL, no trailing slash. */
    url: state.url,
    /** Every stored message by _id, as the database holds it. @type {Map<string, any>} */
    messages: world.messages,
    /** Uploaded files by _id (rooms.media / rooms.upload), with `content` as a Buffer. @type {Map<string, any>} */
    uploads: world.uploads,
    /** @type {Map<string, any>} */
    users: world.users,
    /** @type {Map<string, any>} */
    rooms: world.rooms,
    /** @type {Map<string, any>} */
    integrations: world.integrations,
    settings: world.settings,
    permissions: world.permissions,
    /** Every request received, in arrival order (see RequestRecord). @type {any[]} */
    requests: state.requests,
    get version() {
      return state.version
    },
    /** Stored messages of a room, in insertion order. @param {string} roomId @returns {any[]} */
    messagesIn(roomId) {
      return [...world.messages.values()].filter((m) => m.rid === roomId)
    },
    /** Queues a fault; see the Fault typedef. @param {Fault} fault */
    inject(fault) {
      validateFault(fault)
      state.faults.push({ ...fault, remaining: fault.times ?? 1 })
    },
    /** Drops queued faults that have not fired. */
    clearFaults() {
      state.faults.length = 0
    },
    /** @param {ServerVersion} version */
    setVersion(version) {
      assertVersion(version)
      state.version = version
    },
    /** @param {string} id @param {unknown} value */
    setSetting(id, value) {
      world.settings[id] = value
    },
    /** Grants a permission to exactly these roles. @param {string} permission @param {string[]} roles */
    setPermission(permission, roles) {
      world.permissions[permission] = [...roles]
    },
    /**
     * Plays an app that prevents messages (`IPreMessageSentPrevent`): true blocks every message,
     * a predicate the messages it returns true for, false none.
     * @param {boolean | ((message: any) => boolean)} prevents
     */
    preventMessages(prevents) {
      world.appPrevents = prevents
    },
    /** im.create with an unknown username: 'refuse' or 'drop' (self-DM). @param {'refuse'|'drop'} mode */
    setUnknownDmUsers(mode) {
      world.unknownDmUsers = mode
    },
    /** Forgets all rate-limit counters; windows restart now. */
    resetRateLimits() {
      state.limiter.reset()
    },
    /** @param {NewUser} user */
    addUser(user) {
      return addUserTo(world, user)
    },
    /** @param {NewRoom} room members are user ids or usernames */
    addRoom(room) {
      return addRoomTo(world, room)
    },
    /** Deletes a room; rooms.get?updatedSince= lists it in `remove`. @param {string} rid */
    removeRoom(rid) {
      world.rooms.delete(rid)
      for (const [key, sub] of world.subscriptions)
        if (sub.rid === rid) world.subscriptions.delete(key)
      world.deletedRooms.push({ _id: rid, _deletedAt: isoNow() })
    },
    /** Subscribes a user (id or username) to a room. @param {string} rid @param {string} userRef */
    subscribe(rid, userRef) {
      const user = resolveUserRef(world, userRef)
      if (!user) throw new Error(`subscribe: unknown user ${userRef}`)
      subscribe(world, rid, user._id)
    },
    /** @param {string} rid @param {string} userRef user id or username */
    isSubscribed(rid, userRef) {
      const user = resolveUserRef(world, userRef)
      return !!user && isSubscribed(world, rid, user._id)
    },
    /** @param {NewIntegration} integration */
    addIntegration(integration) {
      return addIntegrationTo(world, integration)
    },
    /** Adds a custom emoji name accepted by chat.react. @param {string} name */
    addEmoji(name) {
      world.emoji.add(name.replace(/^:|:$/g, ''))
    },
    /**
     * Events: 'request' (record) on arrival, 'response' (record, reply) when answered,
     * 'message' (message) when stored, 'message-updated' (message) after chat.update.
     * @param {string} event
     * @param {(...args: any[]) => void} listener
     */
    on(event, listener) {
      state.events.on(event, listener)
      return this
    },
    /** @param {string} event @param {(...args: any[]) => void} listener */
    off(event, listener) {
      state.events.off(event, listener)
      return this
    },
    /** Stops listening and destroys every socket, including hung and delayed exchanges. */
    async close() {
      if (state.closed) return
      state.closed = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
      const closed = new Promise((resolve) => server.close(() => resolve(undefined)))
      for (const socket of sockets) socket.destroy()
      server.closeAllConnections?.()
      await closed
    }
  }
}
