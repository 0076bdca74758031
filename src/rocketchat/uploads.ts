import { readFile } from 'node:fs/promises'
import { FormData } from 'undici'
import { publicSetting } from './api.js'
import type { RocketChatClient } from './client.js'
import { DeadlineError, RocketChatError, UnknownOutcomeError } from './errors.js'
import { oneLine, quoted } from './shown.js'
import type { Logger, Message } from './types.js'

/** A local file to upload, already checked to exist. */
export interface LocalFile {
  /** Absolute path. */
  path: string
  /** How logs and errors name it (a path relative to where the user works). */
  shown: string
  /** The name the server stores and shows. */
  name: string
  /** Size in bytes. */
  size: number
  /** Media type, as browsers and the server expect it. */
  type: string
}

/**
 * The two ways to post a file: `rooms.media` (a temporary upload) then `rooms.mediaConfirm`
 * (the message), from 6.10 and the only one since 8.0; `rooms.upload` (both in one call),
 * deprecated in 6.10 and removed in 8.0.
 */
export type UploadRoute = 'rooms.media' | 'rooms.upload'

/** What uploading needs, settled before the message is posted. */
export interface UploadPlan {
  route: UploadRoute
  files: LocalFile[]
}

/** Where the file messages go and how they look (like the message they follow). */
export interface UploadTarget {
  roomId: string
  /** Thread to post them in; none: in the room. */
  tmid?: string
  alias?: string
  emoji?: string
  avatar?: string
}

/** A file that could not be uploaded; `cause` says why. */
export class UploadError extends Error {
  constructor(
    readonly file: LocalFile,
    cause: unknown
  ) {
    super(
      `Could not upload ${quoted(file.shown)}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause }
    )
    this.name = 'UploadError'
  }
}

/** A file over the server's own size limit (FileUpload_MaxFileSize), found before uploading. */
export class FileTooLargeError extends Error {
  constructor(
    readonly file: LocalFile,
    readonly limit: number
  ) {
    super(
      `${quoted(file.shown)} is ${megabytes(file.size)}, over the server's limit for uploads (FileUpload_MaxFileSize, ${megabytes(limit)}).`
    )
    this.name = 'FileTooLargeError'
  }
}

/** Sizes as people read them: "12.3 MB", "512 bytes". */
export function megabytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** The upload route of a server version as /api/info gives it ("major.minor"). */
export function uploadRouteFor(version: string | undefined): UploadRoute {
  const match = /^(\d+)\.(\d+)/.exec(version ?? '')
  // A server that hides its version is most likely recent; rooms.upload stays the fallback.
  if (!match) return 'rooms.media'
  const [major, minor] = [Number(match[1]), Number(match[2])]
  return major > 6 || (major === 6 && minor >= 10) ? 'rooms.media' : 'rooms.upload'
}

/** The version /api/info tells anyone ("8.8"); undefined when the server does not say. */
export async function serverVersion(client: RocketChatClient): Promise<string | undefined> {
  try {
    const info = await client.get<{ version?: unknown }>('info', undefined, { anonymous: true })
    return typeof info.version === 'string' ? info.version : undefined
  } catch (error) {
    if (error instanceof DeadlineError) throw error
    return undefined
  }
}

/**
 * Settles how to upload, and checks each file against the server's own size limit
 * (FileUpload_MaxFileSize, a public setting), so that a file the server would refuse fails
 * the step before the message is posted.
 */
export async function planUploads(
  client: RocketChatClient,
  files: LocalFile[]
): Promise<UploadPlan> {
  const [version, maxSize] = await Promise.all([
    serverVersion(client),
    publicSetting(client, 'FileUpload_MaxFileSize')
  ])
  // The server reads zero or less as "no limit".
  const limit = Number(maxSize)
  const tooBig = limit > 0 ? files.find((f) => f.size > limit) : undefined
  if (tooBig) throw new FileTooLargeError(tooBig, limit)
  return { route: uploadRouteFor(version), files }
}

/**
 * Posts each file as its own message, in order, and returns those messages, each exactly once:
 * a confirmation whose answer was lost is looked for in the room before it is sent again.
 */
export async function uploadFiles(
  client: RocketChatClient,
  plan: UploadPlan,
  target: UploadTarget,
  log: Logger
): Promise<Message[]> {
  let route = plan.route
  const posted: Message[] = []
  for (const file of plan.files) {
    log.info(
      `Uploading ${quoted(file.shown)} (${megabytes(file.size)}) ${target.tmid ? `into the thread ${oneLine(target.tmid, 100)}` : 'into the room'}.`
    )
    let message: Message
    try {
      message = await upload(client, route, file, target).catch((error: unknown) => {
        // The version was hidden or wrong: the server is older than rooms.media.
        if (route === 'rooms.upload' || !(error instanceof RocketChatError && error.status === 404))
          throw error
        log.info('The server has no rooms.media: uploading with rooms.upload, as before 6.10.')
        route = 'rooms.upload'
        return upload(client, route, file, target)
      })
    } catch (error) {
      throw new UploadError(file, error)
    }
    posted.push(message)
  }
  return posted
}

function upload(
  client: RocketChatClient,
  route: UploadRoute,
  file: LocalFile,
  target: UploadTarget
): Promise<Message> {
  return route === 'rooms.upload'
    ? uploadInOneCall(client, file, target)
    : uploadAndConfirm(client, file, target)
}

async function uploadAndConfirm(
  client: RocketChatClient,
  file: LocalFile,
  target: UploadTarget
): Promise<Message> {
  const room = encodeURIComponent(target.roomId)
  // A temporary upload that is never confirmed expires after a day, so retrying is harmless.
  const { file: uploaded } = await client.post<{ file: { _id: string } }>(
    `rooms.media/${room}`,
    await formWith(file)
  )
  // A confirmation is not idempotent: the server posts the file again for each one, and takes
  // no message id of ours (rooms.mediaConfirm in apps/meteor/server/api/v1/rooms.ts at
  // 04f79fdd; sendFileMessage's closed msgData pattern, apps/meteor/app/file-upload/server/
  // methods/sendFileMessage.ts at 0085ab5e). So a lost answer is settled by looking for the
  // file's message in the room; it is confirmed again only when that finds nothing.
  const since = client.serverNow() - LOOKUP_MARGIN_MS
  const { message } = await client.post<{ message: Message | null }>(
    `rooms.mediaConfirm/${room}/${encodeURIComponent(uploaded._id)}`,
    { ...look(target), ...(target.tmid && { tmid: target.tmid }) },
    { checkDelivered: () => fileMessageSince(client, target.roomId, uploaded._id, since) }
  )
  // The route answers `message: null` when sendMessage stored nothing (inferred from the route
  // reading the message back by file id): an app on the server blocked it.
  if (!message) {
    throw new Error(
      'the server confirmed the upload but stored no message for it: an app installed on the server (Administration > Apps) may have blocked it.'
    )
  }
  return message
}

// The Date header the margin is measured on has whole seconds, and the server stamps the
// message while it handles the confirmation: a minute covers both, and the room's traffic
// in that minute is a small read.
const LOOKUP_MARGIN_MS = 60_000

/**
 * The file's message, as the confirmation would have answered it, when an earlier attempt
 * posted it; undefined when it is not there. No endpoint finds a message by file id, so the
 * room's recent messages are read (chat.syncMessages: one route for every room type, on 6.x
 * to 8.x) and matched on `file._id`. When that cannot be read the outcome stays unknown, and
 * confirming again could post the file twice: the upload fails instead.
 */
async function fileMessageSince(
  client: RocketChatClient,
  roomId: string,
  fileId: string,
  since: number
): Promise<{ message: Message } | undefined> {
  try {
    const { result } = await client.get<{ result?: { updated?: Message[] } }>(
      'chat.syncMessages',
      { roomId, lastUpdate: new Date(since).toISOString() },
      { retries: 1 }
    )
    const message = (result?.updated ?? []).find(
      (m) => m.file?._id === fileId || m.files?.some((f) => f._id === fileId)
    )
    return message && { message }
  } catch (error) {
    if (error instanceof DeadlineError) throw error
    throw new UnknownOutcomeError(
      `the answer to its confirmation was lost, and whether the server posted it could not be checked (${error instanceof Error ? error.message : String(error)}). It is not confirmed again, so that it is not posted twice: look in the room before running the workflow again.`,
      { cause: error }
    )
  }
}

async function uploadInOneCall(
  client: RocketChatClient,
  file: LocalFile,
  target: UploadTarget
): Promise<Message> {
  const form = await formWith(file)
  for (const [name, value] of Object.entries({ ...look(target), tmid: target.tmid })) {
    if (value) form.append(name, value)
  }
  const { message } = await client.post<{ message: Message }>(
    `rooms.upload/${encodeURIComponent(target.roomId)}`,
    form
  )
  return message
}

function look(target: UploadTarget): Record<string, string> {
  const { alias, emoji, avatar } = target
  return { ...(alias && { alias }), ...(emoji && { emoji }), ...(avatar && { avatar }) }
}

// Read whole (files-max-mb bounds it) so that a retry can send the same bytes again. undici's
// own FormData: the one its request() knows how to encode.
async function formWith(file: LocalFile): Promise<FormData> {
  const form = new FormData()
  form.append('file', new Blob([await readFile(file.path)], { type: file.type }), file.name)
  return form
}
