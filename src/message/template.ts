import Mustache, { type TemplateSpans } from 'mustache'
import { position } from './json.js'
import type { WorkflowContext } from './context.js'
import { InputError } from '../errors.js'
import { neutralise, type AllowedMentions } from './neutralise.js'

export interface TemplateOptions {
  /** The input named in errors: `message`, `alias`, `attachments`, `template-file`. */
  input: string
  /** Where inside the input the text sits, e.g. `attachments[0].title` in a template file. */
  where?: string
  allowedMentions: AllowedMentions
  warn: (msg: string) => void
}

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
  if (!text.includes('{{')) return text
  const tokens = parseTemplate(text, opts)
  const warned = new Set<string>()
  return renderTokens(tokens, [ctx], text, opts, warned)
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
        renderLeaves(item, `${path}${member(key)}`, ctx, opts)
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

function member(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
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
): string {
  let out = ''
  for (const token of tokens) out += renderToken(token, scope, text, opts, warned)
  return out
}

function renderToken(
  token: Token,
  scope: Scope,
  text: string,
  opts: TemplateOptions,
  warned: Set<string>
): string {
  const [type, name] = token
  switch (type) {
    case 'text':
      return name
    case 'name':
    case '&': {
      const hit = lookup(scope, name)
      if (!hit.found) {
        if (!warned.has(name)) {
          warned.add(name)
          const label = opts.where ? `${opts.input} ${opts.where}` : opts.input
          opts.warn(
            `${label}: {{ ${name} }} at ${position(text, token[2])} is not in the workflow context; it renders empty.`
          )
        }
        return ''
      }
      return neutralise(stringify(hit.value), { allowedMentions: opts.allowedMentions })
    }
    case '#': {
      // A missing section name is just a false condition: that is what sections are for.
      const { value } = lookup(scope, name)
      const inner = token[4] as TemplateSpans
      if (Array.isArray(value)) {
        return value
          .map((item) => renderTokens(inner, [...scope, item], text, opts, warned))
          .join('')
      }
      return value ? renderTokens(inner, [...scope, value], text, opts, warned) : ''
    }
    case '^': {
      const { value } = lookup(scope, name)
      const empty = !value || (Array.isArray(value) && value.length === 0)
      return empty ? renderTokens(token[4] as TemplateSpans, scope, text, opts, warned) : ''
    }
    default:
      // Comments and delimiter changes produce no output.
      return ''
  }
}

// Mustache's lookup: try the whole dotted path at the innermost scope, then outwards.
// Own properties only, so prototype members never resolve.
function lookup(scope: Scope, name: string): { found: boolean; value?: unknown } {
  if (name === '.') return { found: true, value: scope[scope.length - 1] }
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
    if (found) return { found, value }
  }
  return { found: false }
}

function stringify(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}
