import type { Attachment } from './attachments.js'
import type { Block, LinkButton } from './blocks.js'

// What a preset says, apart from how it is laid out: a preset builds a Card, and `layout`
// turns it into the message text plus attachments (a coloured card) or plus UiKit blocks
// (sections, context lines and link buttons). Every string in a Card is final: neutralised
// where it came from untrusted text, markdown where it links.

export type Layout = 'attachments' | 'blocks'

export interface CardField {
  title: string
  /** Markdown. Never empty: the server refuses an attachment field with an empty value. */
  value: string
  /** Half width in an attachment (the default); a full line when false. */
  short?: boolean
  /** A detail (who triggered, the event): a context line with blocks, a field with attachments. */
  minor?: boolean
}

export interface Card {
  /** One line of markdown: the status or release line, with links. */
  headline: string
  /** The headline without links, for notifications (the message text with blocks). */
  summary: string
  /** Markdown under the headline (release notes): in the text with attachments, a section with blocks. */
  body?: string
  /** Attachment colour. */
  color: string
  /** Plain title of the attachment, linked to `titleLink`. */
  title: string
  titleLink?: string
  fields: CardField[]
  /** Link buttons (blocks only; with attachments the title links to the first). */
  buttons: { text: string; url: string }[]
}

export interface LaidOut {
  text: string
  attachments?: Attachment[]
  blocks?: Block[]
}

/** The card as `layout` asks. */
export function layOut(card: Card, layout: Layout): LaidOut {
  return layout === 'blocks' ? asBlocks(card) : asAttachments(card)
}

/** Text with the body after the headline, and one coloured attachment holding the fields. */
export function asAttachments(card: Card): LaidOut {
  const attachment: Attachment = { color: card.color, title: card.title }
  if (card.titleLink) attachment.title_link = card.titleLink
  if (card.fields.length) {
    attachment.fields = card.fields.map(({ short = true, title, value }) => ({
      short,
      title,
      value
    }))
  }
  const text = card.body ? `${card.headline}\n\n${card.body}` : card.headline
  return { text, attachments: [attachment] }
}

/**
 * The headline and body as sections, the fields as a section's fields, the details as a
 * context line and the links as buttons; the text is the summary, which Rocket.Chat shows
 * in notifications while its web client shows the blocks.
 */
export function asBlocks(card: Card): LaidOut {
  const blocks: Block[] = [{ type: 'section', text: { type: 'mrkdwn', text: card.headline } }]
  if (card.body) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: card.body } })
  const major = card.fields.filter((field) => !field.minor)
  const minor = card.fields.filter((field) => field.minor)
  if (major.length) {
    blocks.push({
      type: 'section',
      fields: major.map((field) => ({ type: 'mrkdwn', text: `*${field.title}*\n${field.value}` }))
    })
  }
  if (minor.length) {
    blocks.push({
      type: 'context',
      elements: minor.map((field) => ({ type: 'mrkdwn', text: `${field.title}: ${field.value}` }))
    })
  }
  if (card.buttons.length) blocks.push({ type: 'actions', elements: linkButtons(card.buttons) })
  return { text: card.summary, blocks }
}

/** Link buttons, the first one primary; each with the action id the client reports a click by. */
export function linkButtons(buttons: { text: string; url: string }[]): LinkButton[] {
  return buttons.map((button, i) => ({
    type: 'button',
    text: { type: 'plain_text', text: button.text },
    url: button.url,
    actionId: `link-${i}`,
    ...(i === 0 && { style: 'primary' as const })
  }))
}
