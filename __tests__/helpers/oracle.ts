/**
 * The server's own markdown parser as the judge of what renders: parses a rendered text and
 * reports every link, mention, code, spoiler or emphasis node that starts inside a
 * substituted value and ends outside it. Options: the server's beforeSaveMessage hook
 * (colors, emoticons, KaTeX with both syntaxes).
 */
import { parse } from '@rocket.chat/message-parser'
import type { Piece } from '../../src/message/rendered.js'

export const PARSER_OPTIONS = {
  colors: true,
  emoticons: true,
  katex: { dollarSyntax: true, parenthesisSyntax: true }
}

type Node = { type: string; value?: unknown }

// Nodes that a value could open: how many characters of markup stand before and after the text.
const MARKED: Record<string, [number, number]> = {
  BOLD: [1, 1],
  ITALIC: [1, 1],
  STRIKE: [1, 1],
  SPOILER: [2, 2],
  INLINE_CODE: [1, 1],
  MENTION_USER: [1, 0],
  MENTION_CHANNEL: [1, 0]
}

/** Descriptions of the nodes that cross out of a value; [] when none does. */
export function crossings(pieces: readonly Piece[]): string[] {
  const text = pieces.map((piece) => piece.text).join('')
  const owner = new Int32Array(text.length)
  let at = 0
  pieces.forEach((piece, i) => {
    owner.fill(piece.origin === 'template' ? -1 : i, at, at + piece.text.length)
    at += piece.text.length
  })
  const found: string[] = []
  let cursor = 0
  const visit = (node: Node): void => {
    const span = locate(node, text, cursor)
    if (span) {
      cursor = span.inner
      const opener = owner[span.start]
      if (opener >= 0 && owner[span.end - 1] !== opener) {
        found.push(`${node.type} ${JSON.stringify(text.slice(span.start, span.end))}`)
      }
    }
    for (const child of children(node)) visit(child)
  }
  for (const block of parse(text, PARSER_OPTIONS) as Node[]) visit(block)
  return found
}

/** Every mention node of the text, as `@name`. */
export function mentionsIn(text: string): string[] {
  const out: string[] = []
  const visit = (node: Node): void => {
    if (node.type === 'MENTION_USER') out.push(`@${flat(node)}`)
    for (const child of children(node)) visit(child)
  }
  for (const block of parse(text, PARSER_OPTIONS) as Node[]) visit(block)
  return out
}

function locate(
  node: Node,
  text: string,
  from: number
): { start: number; end: number; inner: number } | undefined {
  if (node.type === 'LINK') {
    const { src } = node.value as { src: Node }
    const url = flat(src)
    const inner = text.indexOf(url, from)
    if (inner < 0) return undefined
    // [label](url): the link starts at its [; a bare URL at itself.
    const label = flat({ type: 'x', value: (node.value as { label: unknown }).label })
    const open = label !== url ? text.lastIndexOf(`[${label}](`, inner) : -1
    const start = open >= 0 ? open : inner
    return { start, end: inner + url.length + (open >= 0 ? 1 : 0), inner: start }
  }
  const marks = MARKED[node.type]
  if (!marks) return undefined
  const inner = flat(node)
  const index = text.indexOf(inner, from + marks[0])
  if (index < 0) return undefined
  return { start: index - marks[0], end: index + inner.length + marks[1], inner: index }
}

function children(node: Node): Node[] {
  const { value } = node
  if (Array.isArray(value)) return value as Node[]
  if (value && typeof value === 'object' && 'type' in value) return [value as Node]
  if (value && typeof value === 'object' && 'label' in value) {
    const label = (value as { label: unknown }).label
    return Array.isArray(label) ? (label as Node[]) : [label as Node]
  }
  return []
}

function flat(node: Node): string {
  const { value } = node
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return (value as Node[]).map(flat).join('')
  if (value && typeof value === 'object') {
    if ('type' in value) return flat(value as Node)
    if ('src' in value) return flat((value as { src: Node }).src)
  }
  return ''
}
