import type { EnvAccess, WorkflowContext } from './context.js'
import { dropEmptiedLinks, validateAttachments, type Attachment } from './attachments.js'
import { blocksSummary, validateBlocks, type Block } from './blocks.js'
import { layOut, type Layout } from './card.js'
import type { AllowedMentions } from './neutralise.js'
import { presetLinks, releaseCard, statusCard } from './presets.js'
import { templateUrls, urlsIn, type LinkPreviews } from './previews.js'
import { joined } from './rendered.js'
import { withoutHidden } from '../rocketchat/shown.js'
import { runBlocks, runPreset } from './run.js'
import { renderAttachments, renderPieces, type EnvNotes, type TemplateOptions } from './template.js'

export type { AllowedMentions } from './neutralise.js'
export type { Layout } from './card.js'
export type { LinkPreviews } from './previews.js'
export type Preset = 'auto' | 'status' | 'release' | 'run' | 'none'

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
  /** Which links get a preview card; default template. */
  linkPreviews?: LinkPreviews
  /** Which `env.<name>` templates may read (template-env); absent: whatever ctx.env holds. */
  env?: EnvAccess
}

export interface Content {
  /** With blocks: the notification text (the web client shows the blocks instead). */
  text: string
  alias: string
  attachments?: Attachment[]
  blocks?: Block[]
  /** The text and attachments are only there because `preset: auto` filled in for none. */
  presetOnly?: boolean
  /** The only URLs of the text the server may preview; undefined: every one (link-previews: all). */
  previewUrls?: string[]
}

/** Turns inputs plus workflow context into what gets posted; pure apart from `warn`. */
export function buildContent(
  opts: ContentOptions,
  ctx: WorkflowContext,
  warn: (msg: string) => void
): Content {
  const file = opts.templateFile ?? {}
  const fileWhere = (field: string): string => (file.path ? `${file.path} ${field}` : field)
  const envNotes: EnvNotes = { unlisted: new Set(), secret: new Set() }
  const base = { allowedMentions: opts.allowedMentions, warn, env: opts.env, envNotes }

  // Each part remembers where it came from, so errors name the right input.
  const message = opts.message
    ? part(opts.message, { ...base, input: 'message' })
    : part(file.message, { ...base, input: 'template-file', where: fileWhere('message') })
  const alias = opts.alias
    ? part(opts.alias, { ...base, input: 'alias' })
    : part(file.alias, { ...base, input: 'template-file', where: fileWhere('alias') })
  // A list input wins over the file's list of the same name; each remembers where it came from.
  const listOf = (
    key: 'attachments' | 'blocks'
  ): { items: unknown[]; at: TemplateOptions } | undefined => {
    const given = opts[key] as unknown[] | undefined
    if (given !== undefined) return { items: given, at: { ...base, input: key } }
    const inFile = file[key]
    return inFile === undefined
      ? undefined
      : { items: inFile, at: { ...base, input: 'template-file', where: fileWhere(key) } }
  }
  const attachments = listOf('attachments')
  const blocks = listOf('blocks')

  const pieces = (p: Part | undefined) =>
    !p || !p.text
      ? []
      : opts.template
        ? renderPieces(p.text, ctx, p.at)
        : [{ text: p.text, origin: 'template' as const }]
  const render = (p: Part | undefined): string => joined(pieces(p))
  const messagePieces = pieces(message)
  let text = joined(messagePieces)
  // Written by the workflow: the mention input, and the attachments (not previewed by the server).
  const previewable = new Set(templateUrls(messagePieces))
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
  let blockList: Block[] | undefined
  if (blocks) {
    const { items, at } = blocks
    // Checked again once rendered: a placeholder may have filled a URL or emptied a text.
    const rendered = opts.template ? renderAttachments(items, ctx, at) : items
    blockList = validateBlocks(rendered, at.input, at.where ?? 'blocks')
  }

  // The run report is about the whole run, so its result decides the mention.
  const mention = mentionPrefix(opts, ctx.run?.result ?? ctx.job.status)
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
    if (preset === 'run' && ctx.run && opts.layout === 'blocks') {
      // Posted once (settings refuses blocks for a live board): the report as blocks, the
      // whole report as the text for notifications, or the given message in its place.
      const built = runBlocks(ctx, ctx.run, presetOpts)
      text = text || built.text
      blockList = [...(built.blocks ?? []), ...(blockList ?? [])]
    } else if (preset === 'run' && ctx.run) {
      // No card: a live board is updated, and an update changes only the text.
      text = text || runPreset(ctx, ctx.run, presetOpts)
    } else {
      const card = preset === 'release' ? releaseCard(ctx, presetOpts) : statusCard(ctx, presetOpts)
      const built = layOut(card, opts.layout ?? 'attachments')
      // With an explicit preset, a given message replaces the preset's line, and given
      // attachments and blocks follow the preset's.
      text = text || built.text
      if (built.attachments) list = [...built.attachments, ...(list ?? [])]
      if (built.blocks) blockList = [...built.blocks, ...(blockList ?? [])]
    }
    for (const url of presetLinks(ctx)) previewable.add(url)
  }

  // Notifications use the text, so a message of blocks is never without one.
  if (!text && blockList?.length) text = blocksSummary(blockList)
  if (mention) {
    text = text ? `${mention} ${text}` : mention
    for (const url of urlsIn(mention)) previewable.add(url)
  }
  // A display name is one line: a value cannot break it or turn it around (bidi marks).
  const content: Content = { text, alias: withoutHidden(render(alias)) }
  if (opts.preset === 'auto' && preset !== 'none') content.presetOnly = true
  if (list && list.length > 0) content.attachments = list
  if (blockList && blockList.length > 0) content.blocks = blockList
  // Only the text's own URLs are listed, and none at all when it has none: an old server that
  // refuses the key is then never asked.
  const urls = urlsIn(text)
  const previews = opts.linkPreviews ?? 'template'
  if (previews !== 'all' && urls.length > 0) {
    content.previewUrls = previews === 'none' ? [] : urls.filter((url) => previewable.has(url))
  }
  warnAboutEnv(envNotes, warn)
  return content
}

// One warning for the whole step, however many places name the variables.
function warnAboutEnv(notes: EnvNotes, warn: (msg: string) => void): void {
  const list = (names: Set<string>): string =>
    [...names].map((name) => `{{ env.${name} }}`).join(', ')
  if (notes.unlisted.size) {
    warn(
      `${list(notes.unlisted)} rendered empty: templates read only the environment variables template-env lists. To allow them, add to the step: template-env: ${[...notes.unlisted].join(', ')} (names or globs such as DEPLOY_*; names that look like a credential's, such as *_TOKEN, never render).`
    )
  }
  if (notes.secret.size) {
    warn(
      `${list(notes.secret)} rendered empty although template-env lists them: the value holds a secret the action masks or a credential (a URL with a password, a webhook URL), the name looks like a credential's (TOKEN, KEY, SECRET, PASSWORD, AUTH…; rename the variable if it holds none), or the variable is the runner's own (ACTIONS_*, INPUT_*). Templates never print those.`
    )
  }
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
): 'status' | 'release' | 'run' | 'none' {
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
