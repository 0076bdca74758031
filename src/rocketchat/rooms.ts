import { openDirect, roomInfo, subscribedRooms } from './api.js'
import type { RocketChatClient } from './client.js'
import { RocketChatError } from './errors.js'
import { looksLikeRoomId } from './ids.js'
import type { Room, RoomRef } from './types.js'

export interface ResolvedRoom {
  id: string
  /** Channel or group name; for a direct message, the other user's username. */
  name: string
  type: string
  /** Members of a direct message room, when known. */
  usernames?: string[]
}

/** The error raised when a room cannot be found or used; says what to do about it. */
export class RoomError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RoomError'
  }
}

/**
 * Finds the room to post in. A name or id costs one request (rooms.info) however many rooms
 * the user is in; rooms.get is only the fallback when rooms.info cannot answer.
 */
export async function resolveRoom(client: RocketChatClient, ref: RoomRef): Promise<ResolvedRoom> {
  if (ref.kind === 'user') return resolveDirect(client, ref.username)

  const lookups: ({ roomName: string } | { roomId: string })[] =
    ref.kind === 'name'
      ? [{ roomName: ref.name }]
      : looksLikeRoomId(ref.value)
        ? [{ roomId: ref.value }, { roomName: ref.value }]
        : [{ roomName: ref.value }, { roomId: ref.value }]

  for (const by of lookups) {
    const room = await lookup(client, by, ref.given)
    if (room) return toResolved(room)
  }
  return fallback(client, ref.kind === 'name' ? ref.name : ref.value, ref.given)
}

/**
 * The room id `ref` most likely is, when a message can be sent there before the lookup answers:
 * a value shaped like an id is looked up as an id first, so a send that succeeds there went to
 * the room resolveRoom would have found. Undefined for names and users.
 */
export function likelyRoomId(ref: RoomRef | undefined): string | undefined {
  return ref?.kind === 'id-or-name' && looksLikeRoomId(ref.value) ? ref.value : undefined
}

async function lookup(
  client: RocketChatClient,
  by: { roomName: string } | { roomId: string },
  given: string
): Promise<Room | undefined> {
  try {
    return await roomInfo(client, by)
  } catch (error) {
    // rooms.info answers not-allowed for a private room the user is not in.
    if (error instanceof RocketChatError && error.serverError === 'not-allowed') {
      throw new RoomError(
        `The room ${given} exists but this user cannot see it: it is private and the user is not a member. Invite the user to the room.`
      )
    }
    throw error
  }
}

// Display names (fname) and rooms the server keeps from rooms.info are matched among the user's own rooms.
async function fallback(
  client: RocketChatClient,
  wanted: string,
  given: string
): Promise<ResolvedRoom> {
  const rooms = await subscribedRooms(client)
  const lower = wanted.toLowerCase()
  const match =
    rooms.find((r) => r._id === wanted || r.name === wanted || r.fname === wanted) ??
    rooms.find((r) => r.name?.toLowerCase() === lower || r.fname?.toLowerCase() === lower)
  if (match) return toResolved(match)
  const close = suggestions(wanted, rooms)
  const hint = close.length ? ` Did you mean ${close.map((n) => `#${n}`).join(', ')}?` : ''
  throw new RoomError(
    `No room ${given} on the server that this user can post to.${hint} Give #name for a channel or group, @username for a direct message, or the room id.`
  )
}

async function resolveDirect(client: RocketChatClient, username: string): Promise<ResolvedRoom> {
  const noSuchUser = (): RoomError =>
    new RoomError(
      `No user @${username} on the server: cannot open a direct message. Check the username.`
    )
  try {
    const room = await openDirect(client, username)
    // Some versions leave an unknown name out of the members instead of refusing it, and
    // answer the caller's own DM (apps/meteor/server/methods/createDirectMessage.ts at
    // 08e13514, with createDirectRoom.ts at 03677ca2): the room is used only when the user
    // asked for is one of its members.
    const usernames = room.usernames ?? (await roomInfo(client, { roomId: room._id }))?.usernames
    const wanted = username.toLowerCase()
    if (!usernames?.some((u) => u.toLowerCase() === wanted)) throw noSuchUser()
    return { id: room._id, name: username, type: 'd', usernames }
  } catch (error) {
    if (error instanceof RocketChatError && error.errorType === 'error-invalid-user') {
      throw noSuchUser()
    }
    if (error instanceof RocketChatError && error.errorType === 'error-not-allowed') {
      throw new RoomError(
        `This user may not open a direct message with @${username} (no create-d permission).`
      )
    }
    throw error
  }
}

function toResolved(room: Room): ResolvedRoom {
  const name =
    room.t === 'd' ? (room.usernames ?? []).join(',') : (room.name ?? room.fname ?? room._id)
  return { id: room._id, name, type: room.t, usernames: room.usernames }
}

/** Up to three of the user's room names closest to `wanted`, for "did you mean". */
export function suggestions(wanted: string, rooms: Room[]): string[] {
  const target = wanted.toLowerCase()
  const scored = rooms
    .filter((r) => r.name && r.t !== 'd')
    .map((r) => ({
      name: r.name as string,
      score: distance(target, (r.name as string).toLowerCase())
    }))
    .filter(
      ({ name, score }) =>
        score <= Math.max(2, Math.floor(name.length / 3)) || name.toLowerCase().includes(target)
    )
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
  return scored.slice(0, 3).map((s) => s.name)
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    previous = current
  }
  return previous[b.length]
}
