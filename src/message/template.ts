import Mustache, { type TemplateSpans } from 'mustache'
import { memberPath, position } from './json.js'
import type { EnvAccess, WorkflowContext } from './context.js'
import { InputError } from '../errors.js'
import { neutralise, type AllowedMentions } from './neutralise.js'
import { joined, judgeMentions, type Origin, type Piece } from './rendered.js'

export interface TemplateOptions {
  /** The input named in errors: `message`, `alias`, `attachments`, `template-file`. */
  input: string
  /** Where inside the input the text sits, e.g. `attachments[0].title` in a template file. */
  where?: string
  allowedMentions: AllowedMentions
  warn: (msg: string) => void
  /** Which `env.<name>` templates may read; absent: whatever ctx.env holds. */
  env?: EnvAccess
  /** Filled with the env names that rendered empty and why, for one warning per step. */
  envNotes?: EnvNotes
}

export interface EnvNotes {
  unlisted: Set<string>
  secret: Set<string>
}

// Links the action builds from GITHUB_SERVER_URL: values, but their host is trusted.
const ACTION_LINKS = new Set([
  'run_url',
  'commit_url',
  'compare_url',
  'pr_url',
  'repository_url',
  'actor_url',
  'release_url',
  'github.server_url'
])

type Token = TemplateSpans[number]
type Scope = unknown[]

/**
 * Renders `{{ path }}` placeholders and mustache sections against the workflow context.
 *
 * Mustache only parses here; the tokens are rendered by the walk below rather than by
 * Mustache.render, because that walk is what makes the rules hold: every value (`{{x}}`,
 * `{{{x}}}` and `{{& x}}` alike, since nothing here is HTML) goes through the neutraliser
 * and is emitted once, never parsed again; names resolve through own properties only
 * (no `{{ constructor }}`, no lambdas); and a name that does not resolve is reported with
 * its position while the section stack is known.
 */
export function renderTemplate(text: string, ctx: WorkflowContext, opts: TemplateOptions): string {
  return joined(renderPieces(text, ctx, opts))
}

/**
 * The rendered text as pieces (written in the template, or substituted), with every mention
 * a value took part in already neutralised as `allowedMentions` says.
 */
export function renderPieces(text: string, ctx: WorkflowContext, opts: TemplateOptions): Piece[] {
  if (!text.includes('{{')) return [{ text, origin: 'template' }]
  const tokens = parseTemplate(text, opts)
  const warned = new Set<string>()
  const pieces = renderTokens(tokens, [ctx], text, opts, warned)
  return judgeMentions(pieces, opts.allowedMentions)
}

/** Renders every string leaf of parsed attachments; keys and non-strings are left alone. */
export function renderAttachments(
  attachments: unknown[],
  ctx: WorkflowContext,
  opts: TemplateOptions
): unknown[] {
  const base = opts.where ?? opts.input
  return attachments.map((item, i) => renderLeaves(item, `${base}[${i}]`, ctx, opts))
}

function renderLeaves(
  value: unknown,
  path: string,
  ctx: WorkflowContext,
  opts: TemplateOptions
): unknown {
  if (typeof value === 'string') {
    const at = opts.where === undefined ? { ...opts, input: path } : { ...opts, where: path }
    return renderTemplate(value, ctx, at)
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => renderLeaves(item, `${path}[${i}]`, ctx, opts))
    return path.endsWith('.fields') ? items.filter((field) => !isEmptiedField(field)) : items
  }
  if (typeof value === 'object' && value !== null) {
    // fromEntries defines own properties, so a "__proto__" key stays a plain key.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        renderLeaves(item, `${path}${memberPath(key)}`, ctx, opts)
      ])
    )
  }
  return value
}

// A field whose title or value (attachments) or text (blocks) rendered to nothing is dropped:
// Rocket.Chat rejects the whole message for one empty attachment field, an empty block field
// shows a hole, and an empty conditional is the usual cause.
function isEmptiedField(field: unknown): boolean {
  if (typeof field !== 'object' || field === null) return false
  const { title, value, text } = field as Record<string, unknown>
  return title === '' || value === '' || (typeof text === 'string' && !text.trim())
}

function parseTemplate(text: string, opts: TemplateOptions): TemplateSpans {
  let tokens: TemplateSpans
  try {
    tokens = Mustache.parse(text)
  } catch (error) {
    throw syntaxError(text, (error as Error).message, opts)
  }
  rejectPartials(tokens, text, opts)
  return tokens
}

function rejectPartials(tokens: TemplateSpans, text: string, opts: TemplateOptions): void {
  for (const token of tokens) {
    if (token[0] === '>') {
      throw inputError(
        opts,
        `partials ({{> ${token[1]}}}) are not supported, at ${position(text, token[2])}; use template-file to share a template.`
      )
    }
    if ((token[0] === '#' || token[0] === '^') && Array.isArray(token[4]))
      rejectPartials(token[4], text, opts)
  }
}

// Mustache reports where it gave up, which for an unclosed tag or section is the end of
// the text; point at the opening tag instead, since that is the one to fix.
function syntaxError(text: string, message: string, opts: TemplateOptions): InputError {
  const offset = Number(/ at (\d+)$/.exec(message)?.[1] ?? text.length)
  const section = /^Unclosed section "(.*)"/.exec(message)?.[1]
  const unopened = /^Unopened section "(.*)"/.exec(message)?.[1]
  let detail: string
  let at = offset
  const closing = /^\{\{\s*\/\s*(.*?)\s*\}\}/.exec(text.slice(offset))?.[1]
  if (section !== undefined && closing !== undefined) {
    const opened = findOpening(text, section, offset)
    detail = `{{/${closing}}} does not close the open section {{#${section}}}`
    if (opened !== undefined) detail += ` (opened at ${position(text, opened)})`
  } else if (section !== undefined) {
    detail = `section {{#${section}}} is never closed (expected {{/${section}}})`
    at = findOpening(text, section, offset) ?? offset
  } else if (unopened !== undefined) {
    detail = `{{/${unopened}}} closes a section that was never opened`
  } else if (message.startsWith('Unclosed tag')) {
    detail = 'a tag is opened with {{ but never closed with }}'
    const lastClose = text.lastIndexOf('}}')
    const open = text.indexOf('{{', lastClose === -1 ? 0 : lastClose + 2)
    if (open !== -1) at = open
  } else {
    detail = message
  }
  return inputError(opts, `template syntax error at ${position(text, at)}: ${detail}.`)
}

function findOpening(text: string, name: string, before: number): number | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const re = new RegExp(`\\{\\{\\s*[#^]\\s*${escaped}\\s*\\}\\}`, 'g')
  let found: number | undefined
  for (const match of text.slice(0, before).matchAll(re)) found = match.index
  return found
}

function inputError(opts: TemplateOptions, detail: string): InputError {
  return new InputError(opts.input, opts.where ? `${opts.where}: ${detail}` : detail)
}

function renderTokens(
  tokens: TemplateSpans,
  scope: Scope,
  text: string,
  opts: TemplateOptions,
  warned: Set<string>
): Piece[] {
  return tokens.flatMap((token) => renderToken(token, scope, text, opts, warned))
}

function renderToken(
  token: Token,
  scope: Scope,
  text: string,
  opts: TemplateOptions,
  warned: Set<string>
): Piece[] {
  const [type, name] = token
  switch (type) {
    case 'text':
      return [{ text: name, origin: 'template' }]
    case 'name':
    case '&': {
      const hit = lookup(scope, name)
      if (!hit.found) {
        if (noteEnv(name, opts)) return []
        if (!warned.has(name)) {
          warned.add(name)
          const label = opts.where ? `${opts.input} ${opts.where}` : opts.input
          opts.warn(
            `${label}: {{ ${name} }} at ${position(text, token[2])} is not in the workflow context; it renders empty.`
          )
        }
        return []
      }
      const value = neutralise(stringify(hit.value), { allowedMentions: opts.allowedMentions })
      // Only the context's own link fields, not a payload key of the same name in a section.
      const origin: Origin = hit.level === 0 && ACTION_LINKS.has(name) ? 'link' : 'value'
      return value ? [{ text: value, origin }] : []
    }
    case '#': {
      // A missing section name is just a false condition: that is what sections are for.
      const { value, found } = lookup(scope, name)
      if (!found) noteEnv(name, opts)
      const inner = token[4] as TemplateSpans
      if (Array.isArray(value)) {
        return value.flatMap((item) => renderTokens(inner, [...scope, item], text, opts, warned))
      }
      return value ? renderTokens(inner, [...scope, value], text, opts, warned) : []
    }
    case '^': {
      const { value, found } = lookup(scope, name)
      if (!found) noteEnv(name, opts)
      const empty = !value || (Array.isArray(value) && value.length === 0)
      return empty ? renderTokens(token[4] as TemplateSpans, scope, text, opts, warned) : []
    }
    default:
      // Comments and delimiter changes produce no output.
      return []
  }
}

// An `env.<name>` that template-env keeps out is noted for the step's one warning.
function noteEnv(name: string, opts: TemplateOptions): boolean {
  if (!opts.env || !name.startsWith('env.')) return false
  const variable = name.slice('env.'.length)
  const why = opts.env.why(variable)
  if (!why) return false
  opts.envNotes?.[why].add(variable)
  return true
}

// Mustache's lookup: try the whole dotted path at the innermost scope, then outwards.
// Own properties only, so prototype members never resolve.
function lookup(scope: Scope, name: string): { found: boolean; value?: unknown; level?: number } {
  if (name === '.') return { found: true, value: scope[scope.length - 1], level: scope.length - 1 }
  const parts = name.split('.')
  for (let level = scope.length - 1; level >= 0; level--) {
    let value: unknown = scope[level]
    let found = true
    for (const part of parts) {
      if (value === null || value === undefined || !Object.hasOwn(Object(value), part)) {
        found = false
        break
      }
      value = (value as Record<string, unknown>)[part]
    }
    if (found) return { found, value, level }
  }
  return { found: false }
}

function stringify(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}
