import type {
  ActionsBlock,
  ButtonElement,
  ContextBlock,
  DividerBlock,
  ImageBlock,
  ImageElement,
  Markdown,
  PlainText,
  SectionBlock
} from '@rocket.chat/ui-kit'
import { InputError, quote } from '../errors.js'
import { isPlainObject, memberPath, parseJsonList } from './json.js'
import { cutAt } from './length.js'

// UiKit layout blocks, the subset a message posted by a workflow can use: what the web client
// renders in a message (@rocket.chat/ui-kit MessageSurfaceLayout) minus what needs an app on
// the server. The types are ui-kit's own; only a button differs: it opens a link, so `url` is
// required, and the ids an app would route a click by are optional.

/**
 * A button that opens `url`: the web client renders it as a link (RocketChat/Rocket.Chat
 * packages/fuselage-ui-kit/src/elements/ButtonElement.tsx at 18aac3d1) and also reports the
 * click to the app named by `appId` ('core' when none), which no app on the server answers.
 */
export type LinkButton = Omit<ButtonElement, 'appId' | 'blockId' | 'actionId' | 'url'> & {
  url: string
  actionId: string
  appId?: string
  blockId?: string
}
export type TextObject = PlainText | Markdown
export type LinkSection = Omit<SectionBlock, 'accessory'> & {
  accessory?: LinkButton | ImageElement
}
export type LinkActions = Omit<ActionsBlock, 'elements'> & { elements: readonly LinkButton[] }
export type Block = LinkSection | ContextBlock | DividerBlock | ImageBlock | LinkActions

const TYPES = ['section', 'context', 'divider', 'image', 'actions']
const BUTTON_STYLES = ['primary', 'secondary', 'danger', 'warning', 'success']
// Blocks other than those above need an app on the server, or are made by the server itself.
const NOT_HERE: Record<string, string> = {
  input: 'an input block needs an app on the server to read it',
  preview: 'preview blocks are made by the server for link previews',
  video_conf: 'video conference blocks are made by the server for calls',
  callout: 'callout blocks are not rendered in messages by every supported server',
  conditional: 'conditional blocks are not rendered in messages',
  tab_navigation: 'tab navigation needs an app on the server',
  info_card: 'info cards are made by the server'
}

/** A problem at a path inside the blocks; validateBlocks turns it into an InputError. */
class BlockError extends Error {
  constructor(
    readonly at: string,
    detail: string
  ) {
    super(`${at} ${detail}`)
  }
}

type Check = (value: unknown, at: string) => void

// While the input is checked before templating, a string with a placeholder may become a URL
// or a text later; it is checked for that once rendered. (Checks run synchronously, one at a time.)
let beforeTemplating = false
const placeholder = (value: unknown): boolean =>
  beforeTemplating && typeof value === 'string' && value.includes('{{')

/**
 * Parses the `blocks` input: a JSON array of layout blocks, or one block. Returns undefined
 * when the input is empty. Checked again after templating, since a placeholder may fill a URL.
 */
export function parseBlocksInput(raw: string, input = 'blocks'): Block[] | undefined {
  const list = parseJsonList(raw, input)
  if (!list) return undefined
  beforeTemplating = true
  try {
    return validateBlocks(list, input)
  } finally {
    beforeTemplating = false
  }
}

/**
 * Checks blocks against ui-kit's shapes, so that a mistake fails before anything is sent and
 * the error names the path (`blocks[2].elements[0].url`). Returns them typed, every button
 * with an `actionId` (the client reports a click by it).
 */
export function validateBlocks(blocks: unknown[], input = 'blocks', base = 'blocks'): Block[] {
  try {
    if (blocks.length === 0)
      throw new BlockError(base, 'is an empty list; give at least one block or leave it out.')
    if (blocks.every((block) => isPlainObject(block) && block.type === 'divider'))
      throw new BlockError(base, 'holds only dividers: there is nothing to show.')
    return blocks.map((block, i) => checkBlock(block, `${base}[${i}]`))
  } catch (error) {
    if (error instanceof BlockError) throw new InputError(input, error.message)
    throw error
  }
}

function checkBlock(block: unknown, at: string): Block {
  if (!isPlainObject(block))
    throw new BlockError(at, `must be an object with a "type", got ${typeName(block)}.`)
  const type = block.type
  if (typeof type !== 'string')
    throw new BlockError(`${at}.type`, `is missing: one of ${TYPES.join(', ')}.`)
  if (Object.hasOwn(NOT_HERE, type)) {
    throw new BlockError(
      `${at}.type`,
      `is ${quote(type)}, which this action does not post: ${NOT_HERE[type]}. Use ${TYPES.join(', ')}.`
    )
  }
  if (!TYPES.includes(type))
    throw new BlockError(`${at}.type`, `is ${quote(type)}; a block is one of ${TYPES.join(', ')}.`)
  const common = { type: noop, blockId: optionalString, appId: optionalString }
  switch (type) {
    case 'section': {
      keys(block, at, { ...common, text: textObject(), fields: listOf(textObject()), accessory })
      if (block.text === undefined && block.fields === undefined)
        throw new BlockError(at, 'is a section with no "text" and no "fields": give at least one.')
      if (Array.isArray(block.fields) && block.fields.length === 0)
        throw new BlockError(`${at}.fields`, 'is empty: give at least one field or leave it out.')
      const section = { ...block }
      if (isPlainObject(block.accessory) && block.accessory.type === 'button')
        section.accessory = withActionId(block.accessory, 'accessory')
      return section as LinkSection
    }
    case 'context':
      keys(block, at, { ...common, elements: nonEmptyList(contextElement) })
      return block as ContextBlock
    case 'divider':
      keys(block, at, common)
      return block as DividerBlock
    case 'image':
      keys(block, at, {
        ...common,
        imageUrl: required(url),
        altText: required(nonEmptyString),
        title: textObject('plain_text')
      })
      return block as ImageBlock
    default: {
      keys(block, at, { ...common, elements: nonEmptyList(button) })
      const elements = (block.elements as Record<string, unknown>[]).map((element, j) =>
        withActionId(element, `link-${j}`)
      )
      return { ...block, elements } as unknown as LinkActions
    }
  }
}

function withActionId(button: Record<string, unknown>, fallback: string): LinkButton {
  return { ...button, actionId: (button.actionId as string | undefined) || fallback } as LinkButton
}

function accessory(value: unknown, at: string): void {
  if (value === undefined) return
  if (isPlainObject(value) && value.type === 'image') imageElement(value, at)
  else button(value, at)
}

function contextElement(value: unknown, at: string): void {
  if (isPlainObject(value) && value.type === 'image') imageElement(value, at)
  else textObject()(value, at)
}

function imageElement(value: unknown, at: string): void {
  keys(value as Record<string, unknown>, at, {
    type: noop,
    imageUrl: required(url),
    altText: required(nonEmptyString)
  })
}

function button(value: unknown, at: string): void {
  if (!isPlainObject(value))
    throw new BlockError(at, `must be a button object, got ${typeName(value)}.`)
  if (value.type !== 'button') {
    throw new BlockError(
      `${at}.type`,
      `is ${quote(String(value.type))}; only link buttons ("type": "button" with a "url") can be posted: selects, date pickers and the like need an app on the server to handle them.`
    )
  }
  keys(value, at, {
    type: noop,
    text: required(textObject('plain_text')),
    url: (link, where) => {
      if (link === undefined || (typeof link === 'string' && !link.trim())) {
        throw new BlockError(
          where,
          'is missing: a button must open a link ("url": "https://…"). No app on the Rocket.Chat server handles a click, so a button without a url would do nothing.'
        )
      }
      url(link, where)
    },
    style: (style, where) => {
      if (style !== undefined && !placeholder(style) && !BUTTON_STYLES.includes(style as string))
        throw new BlockError(
          where,
          `is ${quote(String(style))}; one of ${BUTTON_STYLES.join(', ')}.`
        )
    },
    secondary: optionalBoolean,
    value: optionalString,
    actionId: optionalString,
    blockId: optionalString,
    appId: optionalString
  })
}

// Every key must be known, or a typo ("feilds") would vanish without a word; each is checked.
function keys(object: Record<string, unknown>, at: string, checks: Record<string, Check>): void {
  for (const key of Object.keys(object)) {
    if (!Object.hasOwn(checks, key)) {
      throw new BlockError(
        `${at}${memberPath(key)}`,
        `is not a key of ${kind(object.type)}; it may have ${Object.keys(checks).join(', ')}.`
      )
    }
  }
  for (const [key, check] of Object.entries(checks)) check(object[key], `${at}.${key}`)
}

function kind(type: unknown): string {
  return type === 'image' || type === 'actions' ? `an ${type} block` : `a ${String(type)}`
}

function noop(): void {}

function optionalString(value: unknown, at: string): void {
  if (value !== undefined && typeof value !== 'string')
    throw new BlockError(at, `must be a string, got ${typeName(value)}.`)
}

function optionalBoolean(value: unknown, at: string): void {
  if (value !== undefined && typeof value !== 'boolean')
    throw new BlockError(at, `must be true or false, got ${typeName(value)}.`)
}

function required(check: Check): Check {
  return (value, at) => {
    if (value === undefined) throw new BlockError(at, 'is missing.')
    check(value, at)
  }
}

function nonEmptyString(value: unknown, at: string): void {
  if (placeholder(value)) return
  if (typeof value !== 'string')
    throw new BlockError(at, `must be a string, got ${typeName(value)}.`)
  if (!value.trim()) throw new BlockError(at, 'is empty.')
}

// A link opens in the reader's browser: absolute http(s) only, never javascript: or a path.
function url(value: unknown, at: string): void {
  if (placeholder(value)) return
  if (typeof value !== 'string' || !/^https?:\/\/[^\s/]/i.test(value))
    throw new BlockError(at, `is ${quote(String(value))}; it must be an absolute http(s) URL.`)
}

function textObject(only?: 'plain_text'): Check {
  const kinds = only ? ['plain_text'] : ['plain_text', 'mrkdwn']
  return (value, at) => {
    if (value === undefined) return
    if (!isPlainObject(value)) {
      throw new BlockError(
        at,
        `must be a text object like {"type": "${kinds[kinds.length - 1]}", "text": "…"}, got ${typeName(value)}.`
      )
    }
    if (!kinds.includes(value.type as string)) {
      throw new BlockError(
        `${at}.type`,
        `is ${quote(String(value.type))}; it must be ${kinds.map((k) => `"${k}"`).join(' or ')}.`
      )
    }
    const flag = value.type === 'plain_text' ? 'emoji' : 'verbatim'
    keys(value, at, { type: noop, text: required(text), [flag]: optionalBoolean })
  }
}

function text(value: unknown, at: string): void {
  if (placeholder(value)) return
  if (typeof value !== 'string')
    throw new BlockError(at, `must be a string, got ${typeName(value)}.`)
  if (!value.trim()) throw new BlockError(at, 'is empty: the block would show nothing.')
}

function listOf(check: Check): Check {
  return (value, at) => {
    if (value === undefined) return
    if (!Array.isArray(value)) throw new BlockError(at, `must be a list, got ${typeName(value)}.`)
    value.forEach((item, i) => check(item, `${at}[${i}]`))
  }
}

function nonEmptyList(check: Check): Check {
  return (value, at) => {
    if (value === undefined) throw new BlockError(at, 'is missing: a list.')
    if (Array.isArray(value) && value.length === 0)
      throw new BlockError(at, 'is empty: give at least one.')
    listOf(check)(value, at)
  }
}

/**
 * The text of a message with blocks when no `message` is given: what notifications, search
 * and clients without blocks show (Rocket.Chat's web client shows the blocks instead). The
 * first block with text, on one line.
 */
export function blocksSummary(blocks: readonly Block[], max = 300): string {
  for (const block of blocks) {
    const texts: string[] = []
    if (block.type === 'section') {
      if (block.text) texts.push(block.text.text)
      else for (const field of block.fields ?? []) texts.push(field.text)
    } else if (block.type === 'context') {
      for (const element of block.elements)
        texts.push('text' in element ? element.text : element.altText)
    } else if (block.type === 'image') {
      texts.push(block.title?.text ?? block.altText)
    } else if (block.type === 'actions') {
      for (const element of block.elements) texts.push(element.text.text)
    }
    const line = texts.join(' · ').replace(/\s+/g, ' ').trim()
    if (line) return line.length > max ? `${cutAt(line, max - 1)}…` : line
  }
  return ''
}

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  return typeof value === 'object' ? 'an object' : `${typeof value} ${quote(String(value), 40)}`
}
