import { record, str, urlPath, type WorkflowContext } from './context.js'
import type { Attachment } from './attachments.js'
import { asAttachments, type Card, type CardField } from './card.js'
import { cutAt, DEFAULT_MAX_LENGTH } from './length.js'
import { inlineCode, neutralise, type AllowedMentions } from './neutralise.js'

export interface PresetOptions {
  allowedMentions: AllowedMentions
  /** Longest text the server takes, in UTF-16 units (Message_MaxAllowedSize). */
  maxLength?: number
}

export interface PresetContent {
  text: string
  attachments: Attachment[]
}

const STATUS: Record<string, { icon: string; word: string; color: string }> = {
  success: { icon: '✅', word: 'Succeeded', color: '#2eb886' },
  failure: { icon: '❌', word: 'Failed', color: '#d40e0d' },
  cancelled: { icon: '⚪', word: 'Cancelled', color: '#9e9e9e' }
}
const UNKNOWN_COLOR = '#9e9e9e'
const RELEASE_COLOR = '#1d74f5'
// A commit subject or PR title is one line in a card; a runaway one should not fill it.
const MAX_SUBJECT = 300

/** The job status message as an attachment: see statusCard. */
export function statusPreset(ctx: WorkflowContext, opts: PresetOptions): PresetContent {
  return asAttachments(statusCard(ctx, opts)) as PresetContent
}

/** The job status: status word and colour, what ran, on which code, by whom; links to the run and PR. */
export function statusCard(ctx: WorkflowContext, opts: PresetOptions): Card {
  const { github } = ctx
  const plain = (value: string): string =>
    neutralise(value, { allowedMentions: opts.allowedMentions })
  const status = ctx.job.status.trim().toLowerCase()
  const known = STATUS[status]
  const icon = known?.icon ?? '❔'
  const word = known?.word ?? (status ? plain(ctx.job.status.trim()) : 'Status unknown')

  const what = [github.workflow, github.job].filter(Boolean).map(plain).join(' / ')
  const repo = link(plain(github.repository), ctx.repository_url)
  const run = github.run_number ? `Run #${github.run_number}` : 'Run'
  const headline = (linked: typeof link): string => {
    let line = `${icon} *${word}*`
    if (what) line += `: ${what}`
    if (ctx.pr_number) line += ` for PR #${ctx.pr_number}`
    else if (ctx.branch) line += ` on ${plain(ctx.branch)}`
    else if (ctx.tag) line += ` on tag ${plain(ctx.tag)}`
    if (github.repository) line += ` in ${linked(plain(github.repository), ctx.repository_url)}`
    if (ctx.run_url) line += ` · ${linked(run, ctx.run_url)}`
    return line
  }

  const fields: CardField[] = []
  const add = (title: string, value: string, more: Omit<CardField, 'title' | 'value'> = {}) => {
    // The server refuses a field with an empty title or value, so empty ones are left out.
    if (value.trim()) fields.push({ short: true, ...more, title, value })
  }
  add('Repository', repo)
  if (ctx.pr_number) {
    const title = plain(clip(ctx.pr_title))
    add('Pull request', `${link(`#${ctx.pr_number}`, ctx.pr_url)} ${title}`.trim(), {
      short: false
    })
    add('Branch', branches(ctx, plain))
    add('Author', userLink(ctx, ctx.pr_author))
  } else if (ctx.branch) {
    add('Branch', link(plain(ctx.branch), treeUrl(ctx, ctx.branch)))
  } else if (ctx.tag) {
    add('Tag', link(plain(ctx.tag), treeUrl(ctx, ctx.tag)))
  }
  add('Commit', commitLine(ctx, plain), { short: false })
  add('Triggered by', triggeredBy(ctx), { minor: true })
  add('Event', eventLine(ctx, opts.allowedMentions), { minor: true })

  const runTitle = [github.workflow || 'Workflow run', github.run_number && `#${github.run_number}`]
    .filter(Boolean)
    .join(' ')
  const buttons: Card['buttons'] = []
  if (ctx.run_url) buttons.push({ text: 'Open run', url: ctx.run_url })
  if (ctx.pr_number && ctx.pr_url) buttons.push({ text: 'View pull request', url: ctx.pr_url })
  return {
    headline: headline(link),
    summary: headline((label) => label),
    color: known?.color ?? UNKNOWN_COLOR,
    title: plain(runTitle),
    ...(ctx.run_url && { titleLink: ctx.run_url }),
    fields,
    buttons
  }
}

/**
 * The release message as an attachment: see releaseCard.
 */
export function releasePreset(ctx: WorkflowContext, opts: PresetOptions): PresetContent {
  return asAttachments(releaseCard(ctx, opts)) as PresetContent
}

/**
 * The release: name and tag linked to the release, author, and the notes trimmed so that
 * headline and notes fit `maxLength`, with a link to the rest. The notes keep their markdown
 * (maintainers wrote them); only mentions are neutralised.
 */
export function releaseCard(ctx: WorkflowContext, opts: PresetOptions): Card {
  const maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH
  const plain = (value: string): string =>
    neutralise(value, { allowedMentions: opts.allowedMentions })
  const event = ctx.github.event
  const release = record(event.release)
  const action = str(event.action)
  const tag = ctx.release_tag || ctx.tag
  const name = clip(ctx.release_name || tag || 'release')
  const prerelease = release.prerelease === true

  let lead: string
  if (action === 'published' || action === 'released' || action === 'created' || action === '') {
    lead = prerelease ? '🧪 New pre-release' : '🚀 New release'
  } else if (action === 'prereleased') {
    lead = '🧪 New pre-release'
  } else {
    lead = `📦 Release ${plain(action)}`
  }
  const title = name === tag || !tag ? `*${plain(name)}*` : `*${plain(name)}* (${plain(tag)})`
  const headlineWith = (linked: typeof link): string => {
    let line = `${lead}: ${linked(title, ctx.release_url)}`
    if (ctx.github.repository)
      line += ` of ${linked(plain(ctx.github.repository), ctx.repository_url)}`
    return line
  }
  const headline = headlineWith(link)

  const body = str(release.body).replace(/\r\n?/g, '\n').trim()
  const notes = neutralise(body, { allowedMentions: opts.allowedMentions, markdown: 'keep' })
  const readMore = ctx.release_url
    ? `\n\n… ${link('Read the full release notes', ctx.release_url)}`
    : '\n\n…'
  let text = headline
  if (notes) {
    const room = maxLength - headline.length - 2
    text += `\n\n${notes.length <= room ? notes : trimNotes(notes, room - readMore.length) + readMore}`
  }
  if (text.length > maxLength) text = cutAt(text, maxLength)

  const fields: CardField[] = []
  const add = (fieldTitle: string, value: string): void => {
    if (value.trim()) fields.push({ short: true, title: fieldTitle, value })
  }
  add('Tag', tag ? link(inlineCode(tag, opts.allowedMentions), treeUrl(ctx, tag)) : '')
  add('Author', userLink(ctx, str(record(release.author).login)))
  add('Repository', link(plain(ctx.github.repository), ctx.repository_url))
  if (prerelease) add('Pre-release', 'yes')

  return {
    // The cut can land in the headline only when it alone is over the limit.
    headline: text.length < headline.length ? text : headline,
    ...(text.length > headline.length + 2 && { body: text.slice(headline.length + 2) }),
    summary: headlineWith((label) => label),
    color: RELEASE_COLOR,
    title: plain(name),
    ...(ctx.release_url && { titleLink: ctx.release_url }),
    fields,
    buttons: ctx.release_url ? [{ text: 'View release', url: ctx.release_url }] : []
  }
}

/** Cuts markdown notes to at most `room` units, at a line or word break when one is near. */
export function trimNotes(notes: string, room: number): string {
  if (room <= 0) return ''
  // Leave room for a closing fence in case the cut lands inside a code block.
  let kept = cutAt(notes, Math.max(0, room - 4))
  const lineBreak = kept.lastIndexOf('\n')
  const space = kept.lastIndexOf(' ')
  if (lineBreak > kept.length * 0.8) kept = kept.slice(0, lineBreak)
  else if (space > kept.length * 0.9) kept = kept.slice(0, space)
  kept = kept.trimEnd()
  const fences = kept.match(/^\s*(```|~~~)/gm)?.length ?? 0
  return fences % 2 === 1 ? `${kept}\n\`\`\`` : kept
}

export function clip(value: string): string {
  return value.length > MAX_SUBJECT ? `${cutAt(value, MAX_SUBJECT - 1)}…` : value
}

export function link(label: string, url: string): string {
  return label && url ? `[${label}](${url})` : label
}

export function treeUrl(ctx: WorkflowContext, ref: string): string {
  return ctx.repository_url ? `${ctx.repository_url}/tree/${urlPath(ref)}` : ''
}

function userUrl(ctx: WorkflowContext, login: string): string {
  return login ? `${ctx.github.server_url}/${urlPath(login)}` : ''
}

export function userLink(ctx: WorkflowContext, login: string): string {
  // Logins are [A-Za-z0-9-] (plus [bot]); still neutralised, never trusted as markdown.
  if (!login) return ''
  const label = neutralise(login, { allowedMentions: 'none' })
  return link(label, userUrl(ctx, login))
}

/**
 * Every link the presets build themselves, all on GITHUB_SERVER_URL: the ones whose
 * preview `link-previews: template` allows. Links inside values are not among them.
 */
export function presetLinks(ctx: WorkflowContext): string[] {
  const { github } = ctx
  const release = record(github.event.release)
  const logins = [github.actor, github.triggering_actor, ctx.pr_author]
  logins.push(str(record(release.author).login))
  const links = [
    ctx.run_url,
    ctx.repository_url,
    ctx.pr_url,
    ctx.commit_url,
    ctx.release_url,
    ...[ctx.branch, ctx.tag, ctx.release_tag].map((ref) => (ref ? treeUrl(ctx, ref) : '')),
    ...logins.map((login) => userUrl(ctx, login))
  ]
  return [...new Set(links.filter(Boolean))]
}

function branches(ctx: WorkflowContext, plain: (value: string) => string): string {
  const pr = record(ctx.github.event.pull_request)
  const head = str(record(pr.head).label) || ctx.branch
  const base = str(record(pr.base).ref) || ctx.github.base_ref
  if (head && base) return `${plain(head)} → ${plain(base)}`
  return plain(head || base)
}

export function commitLine(ctx: WorkflowContext, plain: (value: string) => string): string {
  if (!ctx.sha7) return ''
  let line = link(ctx.sha7, ctx.commit_url)
  if (ctx.commit_message) line += ` ${plain(clip(ctx.commit_message))}`
  if (ctx.commit_author) line += ` — ${plain(ctx.commit_author)}`
  return line
}

export function triggeredBy(ctx: WorkflowContext): string {
  const { actor, triggering_actor: again } = ctx.github
  const who = userLink(ctx, actor)
  return again && again !== actor ? `${who} (re-run by ${userLink(ctx, again)})` : who
}

function eventLine(ctx: WorkflowContext, allowed: AllowedMentions): string {
  const name = ctx.github.event_name
  if (name === 'schedule') {
    const cron = str(ctx.github.event.schedule)
    return cron ? `schedule ${inlineCode(cron, allowed)}` : 'schedule'
  }
  if (name === 'workflow_dispatch') return 'workflow_dispatch (run by hand)'
  return neutralise(name, { allowedMentions: allowed })
}
