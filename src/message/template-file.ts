import { readFileSync, realpathSync, statSync } from 'node:fs'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'
import { InputError, quote } from '../errors.js'
import type { TemplateFileContent } from './content.js'
import { checkAttachmentShape, type Attachment } from './attachments.js'
import { describeJsonError, MAX_DEPTH, tooDeep } from './json.js'

const INPUT = 'template-file'
const KEYS = ['message', 'alias', 'attachments', 'blocks']
// A message template is a few kilobytes; anything this big is the wrong file.
const MAX_BYTES = 1024 * 1024

/**
 * Loads `message`, `alias`, `attachments` and `blocks` from a JSON or YAML file inside the
 * workspace. The yaml package is imported only when a YAML file is read, so steps that
 * use JSON (or no file) do not pay for loading it.
 */
export async function loadTemplateFile(
  path: string,
  workspace: string
): Promise<TemplateFileContent> {
  const file = locate(path, workspace)
  const text = read(file, path)
  const ext = extname(file).toLowerCase()
  let data: unknown
  if (ext === '.json') {
    data = parseJson(text, path)
  } else if (ext === '.yml' || ext === '.yaml') {
    data = await parseYaml(text, path)
  } else {
    try {
      data = JSON.parse(text)
    } catch {
      data = await parseYaml(text, path, ' (nor valid JSON)')
    }
  }
  const deep = tooDeep(data)
  if (deep) throw new InputError(INPUT, `${quote(path)} ${deep}`)
  return { ...shape(data, path), path }
}

// The path must stay in the workspace both as written and once symlinks are followed:
// a template is read into a chat message, so it must not become a way to post files
// from elsewhere on the runner.
function locate(path: string, workspace: string): string {
  if (!path.trim()) throw new InputError(INPUT, 'is empty; give a path in the workspace.')
  const root = resolve(workspace)
  const file = resolve(root, path)
  const outside = `${quote(path)} is outside the workspace (${root}); the template file must be inside it.`
  if (!inside(root, file)) throw new InputError(INPUT, outside)
  let real: string
  try {
    real = realpathSync(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new InputError(INPUT, `${quote(path)} does not exist in the workspace (${root}).`)
    }
    throw new InputError(INPUT, `${quote(path)} cannot be read (${code ?? 'error'}).`)
  }
  if (!inside(realRoot(root), real))
    // Where the link points stays unsaid: error texts name no path outside the workspace.
    throw new InputError(INPUT, `${outside} It is a symbolic link that leads out of it.`)
  return real
}

function realRoot(root: string): string {
  try {
    return realpathSync(root)
  } catch {
    return root
  }
}

function inside(root: string, file: string): boolean {
  const rel = relative(root, file)
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
}

function read(file: string, path: string): string {
  const stat = statSync(file)
  if (!stat.isFile()) throw new InputError(INPUT, `${quote(path)} is not a file.`)
  if (stat.size > MAX_BYTES) {
    throw new InputError(
      INPUT,
      `${quote(path)} is ${stat.size} bytes; a template file may be at most 1 MiB.`
    )
  }
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '')
  if (!text.trim()) throw new InputError(INPUT, `${quote(path)} is empty.`)
  return text
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new InputError(
      INPUT,
      `${quote(path)} is not valid JSON: ${describeJsonError(text, error as Error)}`
    )
  }
}

async function parseYaml(text: string, path: string, also = ''): Promise<unknown> {
  const { parseDocument } = await import('yaml')
  let doc: ReturnType<typeof parseDocument>
  let data: unknown
  try {
    doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
    data = doc.errors.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : undefined
  } catch (error) {
    if (error instanceof RangeError) throw nestsTooDeep(path)
    // toJS refuses an alias bomb (and other resource attacks) with a plain Error.
    throw new InputError(INPUT, `${quote(path)} is refused: ${(error as Error).message}.`)
  }
  const error = doc.errors[0]
  // The YAML library recurses: a document nested deep enough exhausts the stack, which it
  // reports as a syntax error.
  if (error && /call stack/i.test(error.message)) throw nestsTooDeep(path)
  if (error) {
    const reason = error.message.split('\n', 1)[0].replace(/ at line \d+, column \d+:?$/, '')
    const at = error.linePos?.[0]
    const where = at ? ` at line ${at.line}, column ${at.col}` : ''
    throw new InputError(INPUT, `${quote(path)} is not valid YAML${also}: ${reason}${where}.`)
  }
  return data
}

function nestsTooDeep(path: string): InputError {
  return new InputError(
    INPUT,
    `${quote(path)} nests arrays and mappings more than ${MAX_DEPTH} levels deep; at most ${MAX_DEPTH} are accepted.`
  )
}

function shape(data: unknown, path: string): Omit<TemplateFileContent, 'path'> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InputError(
      INPUT,
      `${quote(path)} must hold a mapping with message, alias, attachments and/or blocks.`
    )
  }
  const record = data as Record<string, unknown>
  const unknown = Object.keys(record).filter((key) => !KEYS.includes(key))
  if (unknown.length > 0) {
    throw new InputError(
      INPUT,
      `${quote(path)} has ${unknown.map((k) => quote(k)).join(', ')}; the keys it may hold are ${KEYS.join(', ')}.`
    )
  }
  const out: Omit<TemplateFileContent, 'path'> = {}
  for (const key of ['message', 'alias'] as const) {
    const value = record[key]
    if (value === undefined || value === null) continue
    if (typeof value !== 'string') {
      throw new InputError(
        INPUT,
        `${quote(path)}: ${key} must be a string, got ${describe(value)}.`
      )
    }
    out[key] = value
  }
  for (const key of ['attachments', 'blocks'] as const) {
    const value = record[key]
    if (value === undefined || value === null) continue
    // One may be given as an object, as the attachments and blocks inputs allow.
    const list = Array.isArray(value) ? value : [value]
    list.forEach((item, i) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw new InputError(
          INPUT,
          `${quote(path)}: ${key}[${i}] must be an object, got ${describe(item)}.`
        )
      }
    })
    if (key === 'attachments')
      checkAttachmentShape(list as Attachment[], INPUT, `${path} attachments`)
    out[key] = list
  }
  return out
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${quote(String(value), 40)}`
}
