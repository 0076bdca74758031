import type { WorkflowContext } from './context.js'
import type { Attachment } from './attachments.js'
import { blocksSummary, validateBlocks, type Block } from './blocks.js'
import { layOut, type Layout } from './card.js'
import type { AllowedMentions } from './neutralise.js'
import { releaseCard, statusCard } from './presets.js'
import { renderAttachments, renderTemplate, type TemplateOptions } from './template.js'

export type { AllowedMentions } from './neutralise.js'
export type { Layout } from './card.js'
export type Preset = 'auto' | 'status' | 'release' | 'none'

/** A loaded template file; `path` (as given) only labels errors and warnings. */
export interface TemplateFileContent {
  message?: string
  alias?: string
  attachments?: unknown[]
  blocks?: unknown[]
  path?: string
}

export interface ContentOptions {
  /** '' when not given. */
  message: string
  /** '' when not given. */
  alias: string
  /** Parsed JSON, undefined when not given. */
  attachments?: Attachment[]
  /** Parsed and checked JSON, undefined when not given; checked again once rendered. */
  blocks?: Block[]
  /** Already loaded; the message, alias and attachments inputs win over its values. */
  templateFile?: TemplateFileContent
  /** false: no {{ }} rendering at all (text posted literally). */
  template: boolean
  preset: Preset
  /** How a preset is laid out: a coloured attachment (the default), or UiKit blocks. */
  layout?: Layout
  allowedMentions: AllowedMentions
  /** Who to ping, '' for nobody. Trusted: the workflow author wrote it. */
  mention: string
  /** Statuses that trigger the mention: success, failure, cancelled, always. */
  mentionIf: string[]
  /** Server message limit in UTF-16 units, for trimming release notes (default 5000). */
  maxLength: number
}

export interface Content {
  /** With blocks: the notification text (the web client shows the blocks instead). */
  text: string
  alias: string
  attachments?: Attachment[]
  blocks?: Block[]
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
  const attachments =
    opts.attachments !== undefined
      ? { items: opts.attachments as unknown[], at: { ...base, input: 'attachments' } }
      : file.attachments !== undefined
        ? {
            items: file.attachments,
            at: { ...base, input: 'template-file', where: fileWhere('attachments') }
          }
        : undefined
  const blocks: { items: unknown[]; at: TemplateOptions } | undefined =
    opts.blocks !== undefined
      ? { items: opts.blocks as unknown[], at: { ...base, input: 'blocks' } }
      : file.blocks !== undefined
        ? {
            items: file.blocks,
            at: { ...base, input: 'template-file', where: fileWhere('blocks') }
          }
        : undefined

  const render = (p: Part | undefined): string =>
    !p || !p.text ? '' : opts.template ? renderTemplate(p.text, ctx, p.at) : p.text
  let text = render(message)
  let list: Attachment[] | undefined
  if (attachments) {
    list = (
      opts.template ? renderAttachments(attachments.items, ctx, attachments.at) : attachments.items
    ) as Attachment[]
  }
  let blockList: Block[] | undefined
  if (blocks) {
    const { items, at } = blocks
    // Checked again once rendered: a placeholder may have filled a URL or emptied a text.
    const rendered = opts.template ? renderAttachments(items, ctx, at) : items
    blockList = validateBlocks(rendered, at.input, at.where ?? 'blocks')
  }

  const mention = mentionPrefix(opts, ctx.job.status)
  const preset = choosePreset(
    opts.preset,
    Boolean(message?.text) || attachments !== undefined || blocks !== undefined,
    ctx,
    warn
  )
  if (preset !== 'none') {
    const presetOpts = {
      allowedMentions: opts.allowedMentions,
      maxLength: Math.max(0, opts.maxLength - (mention ? mention.length + 1 : 0))
    }
    const card = preset === 'release' ? releaseCard(ctx, presetOpts) : statusCard(ctx, presetOpts)
    const built = layOut(card, opts.layout ?? 'attachments')
    // With an explicit preset, a given message replaces the preset's line, and given
    // attachments and blocks follow the preset's.
    text = text || built.text
    if (built.attachments) list = [...built.attachments, ...(list ?? [])]
    if (built.blocks) blockList = [...built.blocks, ...(blockList ?? [])]
  }

  // Notifications use the text, so a message of blocks is never without one.
  if (!text && blockList?.length) text = blocksSummary(blockList)
  if (mention) text = text ? `${mention} ${text}` : mention
  const content: Content = { text, alias: render(alias) }
  if (opts.preset === 'auto' && preset !== 'none') content.presetOnly = true
  if (list && list.length > 0) content.attachments = list
  if (blockList && blockList.length > 0) content.blocks = blockList
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
