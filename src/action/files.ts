import { statSync, type Dirent, type Stats } from 'node:fs'
import { glob, realpath, stat } from 'node:fs/promises'
import { basename, extname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { InputError, quote } from '../errors.js'
import { megabytes, type LocalFile } from '../rocketchat/uploads.js'

export type { LocalFile } from '../rocketchat/uploads.js'

export interface FileLimits {
  /** Limit of each file and of all of them together, in bytes (files-max-mb). */
  maxBytes: number
  /** Each file becomes one message, so a glob that matches a build directory must stop here. */
  maxFiles?: number
}

export const MAX_FILES = 10

const GLOB_CHARS = /[*?[\]{}]/

/** How many entries one glob may visit, and for how long, before it is given up. */
export const WALK_LIMITS = { entries: 20_000, ms: 10_000 }

/**
 * Resolves the `files` input, one path or glob per entry, into the files to upload, in the
 * order given (each glob's matches sorted), each file once. Everything that can be known on
 * the runner is checked here, so that a missing, outside or oversized file fails the step
 * before anything is posted: paths must stay inside the workspace (symbolic links included),
 * a path must name a file, a glob must match one.
 */
export async function resolveFiles(
  patterns: string[],
  workspace: string,
  limits: FileLimits
): Promise<LocalFile[]> {
  if (patterns.length === 0) return []
  const root = await realpath(workspace)
  const found = new Map<string, LocalFile>()
  for (const pattern of patterns) {
    const isGlob = GLOB_CHARS.test(pattern)
    const paths = isGlob ? await expand(pattern, root) : [resolve(root, pattern)]
    let matched = 0
    for (const path of paths) {
      const file = await inspect(path, root, pattern, isGlob)
      if (!file) continue
      matched += 1
      if (!found.has(file.path)) found.set(file.path, file)
    }
    if (matched === 0) {
      throw new InputError(
        'files',
        `${quote(pattern)} matches no file in the workspace (${root}). A file that exists only on failure needs a step with if: failure().`
      )
    }
  }
  const files = [...found.values()]
  checkLimits(files, limits)
  return files
}

async function expand(pattern: string, root: string): Promise<string[]> {
  // Checked before walking, so that "../**", or a link to / in the workspace, cannot make the
  // runner list the whole disk.
  const segments = pattern.split(/[\\/]/)
  const fixed = segments.findIndex((segment) => GLOB_CHARS.test(segment))
  if (segments.slice(fixed).includes('..')) throw outside(pattern)
  const prefix = resolve(root, segments.slice(0, fixed).join('/') || '.')
  if (!inside(root, prefix)) throw outside(pattern)
  const realPrefix = await realpath(prefix).catch(() => undefined)
  if (realPrefix !== undefined && !inside(root, realPrefix)) throw outside(pattern)

  const started = Date.now()
  let visited = 0
  // Called for every entry the walk meets: counts it, and keeps the walk out of symbolic
  // links to directories (a link to a file is checked like any file, in inspect).
  const exclude = (entry: Dirent): boolean => {
    visited += 1
    if (visited > WALK_LIMITS.entries || Date.now() - started > WALK_LIMITS.ms) {
      throw new InputError(
        'files',
        `${quote(pattern)} walks too much of the workspace (over ${WALK_LIMITS.entries} entries or ${WALK_LIMITS.ms / 1000} s) without finishing. Narrow it, for example build/*.log instead of **/*.log.`
      )
    }
    return entry.isSymbolicLink() && isDirectory(join(entry.parentPath, entry.name))
  }
  const matches: string[] = []
  for await (const entry of glob(pattern, { cwd: root, exclude, withFileTypes: true })) {
    matches.push(resolve(entry.parentPath, entry.name))
  }
  return matches.sort()
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** The file at `path`, checked; undefined for a directory a glob matched. */
async function inspect(
  path: string,
  root: string,
  pattern: string,
  isGlob: boolean
): Promise<LocalFile | undefined> {
  if (!inside(root, path)) throw outside(pattern)
  const shown = relative(root, path).split(sep).join('/')
  let real: string
  let info: Stats
  try {
    real = await realpath(path)
    info = await stat(real)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'unknown error'})`
    throw new InputError('files', `${quote(shown)}: ${why} in the workspace (${root}).`)
  }
  if (!inside(root, real)) {
    // A glob skips directories, and so a link to one outside; a file outside is refused.
    if (isGlob && !info.isFile()) return undefined
    throw new InputError(
      'files',
      `${quote(shown)} is a symbolic link to a ${info.isFile() ? 'file' : 'directory'} outside the workspace; only files in the workspace are uploaded.`
    )
  }
  if (!info.isFile()) {
    if (isGlob) return undefined
    throw new InputError(
      'files',
      `${quote(shown)} is a directory, not a file. To upload what is in it, give a glob such as ${quote(`${shown}/*.log`)}.`
    )
  }
  return { path: real, shown, name: basename(path), size: info.size, type: mediaType(path) }
}

function checkLimits(files: LocalFile[], limits: FileLimits): void {
  const maxFiles = limits.maxFiles ?? MAX_FILES
  if (files.length > maxFiles) {
    const listed = files
      .slice(0, 5)
      .map((f) => f.shown)
      .join(', ')
    throw new InputError(
      'files',
      `matches ${files.length} files (${listed}, …); at most ${maxFiles} are uploaded, each as its own message. Narrow the globs, or archive the files into one.`
    )
  }
  for (const file of files) {
    if (file.size > limits.maxBytes) {
      throw new InputError(
        'files',
        `${quote(file.shown)} is ${megabytes(file.size)}, over files-max-mb (${megabytes(limits.maxBytes)}).`
      )
    }
  }
  const total = files.reduce((sum, f) => sum + f.size, 0)
  if (total > limits.maxBytes) {
    throw new InputError(
      'files',
      `the ${files.length} files add up to ${megabytes(total)}, over files-max-mb (${megabytes(limits.maxBytes)}), which bounds them together.`
    )
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

function outside(pattern: string): InputError {
  return new InputError(
    'files',
    `${quote(pattern)} is outside the workspace; only files in the workspace are uploaded.`
  )
}

// The server picks a preview (image, audio, video, plain file) from the media type.
const MEDIA_TYPES: Record<string, string> = {
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.md': 'text/markdown',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.html': 'text/html',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tgz': 'application/gzip',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav'
}

/** The media type of a file name, by extension; application/octet-stream when unknown. */
export function mediaType(name: string): string {
  return MEDIA_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream'
}
