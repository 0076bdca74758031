import type { WorkflowContext } from './context.js'
import { dropEmptiedLinks, validateAttachments, type Attachment } from './attachments.js'
import type { AllowedMentions } from './neutralise.js'
import { releasePreset, statusPreset } from './presets.js'
import { renderAttachments, renderTemplate, type TemplateOptions } from './template.js'

export type { AllowedMentions } from './neutralise.js'
export type Preset = 'auto' | 'status' | 'release' | 'none'

/** A loaded template file; `path` (as given) only labels errors and warnings. */
export interface TemplateFileContent {
  message?: string
  alias?: string
  attachments?: unknown[]
  path?: string
}

export interface ContentOptions {
  /** '' when not given. */
  message: string
  /** '' when not given. */
  alias: string
  /** Parsed JSON, undefined when not given. */
  attachments?: Attachment[]
  /** Already loaded; the message, alias and attachments inputs win over its values. */
  templateFile?: TemplateFileContent
  /** false: no {{ }} rendering at all (text posted literally). */
  template: boolean
  preset: Preset
  allowedMentions: AllowedMentions
  /** Who to ping, '' for nobody. Trusted: the workflow author wrote it. */
  mention: string
  /** Statuses that trigger the mention: success, failure, cancelled, always. */
  mentionIf: string[]
  /** Server message limit in UTF-16 units, for trimming release notes (default 5000). */
  maxLength: number
}

export interface Content {
  text: string
  alias: string
  attachments?: Attachment[]
  /** The text and attachments are only there because `preset: auto` filled in for none. */
  presetOnly?: boolean
}

/** Turns inputs plus workflow context into what gets posted; pure apart from `warn`. */
export function buildContent(
  opts: ContentOptions,
  ctx: WorkflowContext,
  warn: (msg: string) => void
): Content {
  const file = opts.templateFile ?? {}
  const fileWhere = (field: string): string => (file.path ? `${file.path} ${field}` : field)
  const base = { allowedMentions: opts.allowedMentions, warn }

  // Each part remembers where it came from, so errors name the right input.
  const message = opts.message
    ? part(opts.message, { ...base, input: 'message' })
    : part(file.message, { ...base, input: 'template-file', where: fileWhere('message') })
  const alias = opts.alias
    ? part(opts.alias, { ...base, input: 'alias' })
    : part(file.alias, { ...base, input: 'template-file', where: fileWhere('alias') })
  const attachments: { items: unknown[]; at: TemplateOptions } | undefined =
    opts.attachments !== undefined
      ? { items: opts.attachments as unknown[], at: { ...base, input: 'attachments' } }
      : file.attachments !== undefined
        ? {
            items: file.attachments,
            at: { ...base, input: 'template-file', where: fileWhere('attachments') }
          }
        : undefined

  const render = (p: Part | undefined): string =>
    !p || !p.text ? '' : opts.template ? renderTemplate(p.text, ctx, p.at) : p.text
  let text = render(message)
  let list: Attachment[] | undefined
  if (attachments) {
    const { items, at } = attachments
    list = opts.template
      ? dropEmptiedLinks(renderAttachments(items, ctx, at) as Attachment[], items)
      : (items as Attachment[])
    // The input's shape was checked as written; what placeholders filled in is checked here,
    // and an error quotes the template that produced the bad value.
    validateAttachments(list, at.input, { sources: items, label: at.where ?? 'attachments' })
  }

  const mention = mentionPrefix(opts, ctx.job.status)
  const preset = choosePreset(
    opts.preset,
    Boolean(message?.text) || attachments !== undefined,
    ctx,
    warn
  )
  if (preset !== 'none') {
    const presetOpts = {
      allowedMentions: opts.allowedMentions,
      maxLength: Math.max(0, opts.maxLength - (mention ? mention.length + 1 : 0))
    }
    const built =
      preset === 'release' ? releasePreset(ctx, presetOpts) : statusPreset(ctx, presetOpts)
    // With an explicit preset, a given message replaces the preset's line and given
    // attachments follow the preset's card.
    text = text || built.text
    list = [...built.attachments, ...(list ?? [])]
  }

  if (mention) text = text ? `${mention} ${text}` : mention
  const content: Content = { text, alias: render(alias) }
  if (opts.preset === 'auto' && preset !== 'none') content.presetOnly = true
  if (list && list.length > 0) content.attachments = list
  return content
}

interface Part {
  text: string
  at: TemplateOptions
}

function part(text: string | undefined, at: TemplateOptions): Part | undefined {
  return text ? { text, at } : undefined
}

function choosePreset(
  preset: Preset,
  userContent: boolean,
  ctx: WorkflowContext,
  warn: (msg: string) => void
): 'status' | 'release' | 'none' {
  const isRelease =
    ctx.github.event_name === 'release' && Object.hasOwn(ctx.github.event, 'release')
  if (preset === 'auto') {
    if (userContent) return 'none'
    return isRelease ? 'release' : 'status'
  }
  if (preset === 'release' && !isRelease) {
    warn(
      `preset "release" needs a release event, but this run was triggered by "${ctx.github.event_name || 'unknown'}"; posting the status message instead.`
    )
    return 'status'
  }
  return preset
}

/** The mention to prepend, or '' when the job status is not one of `mentionIf`. */
export function mentionPrefix(
  opts: Pick<ContentOptions, 'mention' | 'mentionIf'>,
  status: string
): string {
  const mention = opts.mention.trim()
  if (!mention) return ''
  const when = opts.mentionIf.map((s) => s.trim().toLowerCase())
  return when.includes('always') || when.includes(status.trim().toLowerCase()) ? mention : ''
}
