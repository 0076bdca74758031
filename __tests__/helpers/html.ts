// A strict reader of the HTML fragments the action writes to the job summary: every element
// closed, in order; attributes quoted; text free of raw `<`, `>` and stray `&`. GitHub renders
// sloppy HTML somehow, but what it makes of an unclosed cell is its guess, not ours.

const VOID = new Set(['br', 'hr', 'img'])
const TAG = /<(\/?)([a-z][a-z0-9]*)((?:\s+[a-z-]+="[^"<>]*")*)\s*(\/?)>/y

export interface HtmlElement {
  tag: string
  attributes: Record<string, string>
  children: (HtmlElement | string)[]
}

/** Parses `html` into elements, or throws naming the first place that is not well formed. */
export function parseHtml(html: string): (HtmlElement | string)[] {
  const root: HtmlElement = { tag: '#root', attributes: {}, children: [] }
  const open: HtmlElement[] = [root]
  let at = 0
  let text = ''
  const flush = (): void => {
    if (!text) return
    if (/[<>]/.test(text)) throw new Error(`raw < or > in text ${JSON.stringify(text)}`)
    for (const amp of text.matchAll(/&/g)) {
      if (!/^&(#\d+|#x[0-9a-f]+|[a-z]+);/i.test(text.slice(amp.index)))
        throw new Error(`a stray & in text ${JSON.stringify(text)}`)
    }
    open[open.length - 1].children.push(text)
    text = ''
  }
  while (at < html.length) {
    if (html[at] !== '<') {
      text += html[at++]
      continue
    }
    TAG.lastIndex = at
    const m = TAG.exec(html)
    if (!m) throw new Error(`malformed tag at ${at}: ${JSON.stringify(html.slice(at, at + 40))}`)
    flush()
    const [whole, closing, tag, attrs, selfClosing] = m
    const start = at
    at += whole.length
    if (closing) {
      const top = open.pop()
      if (!top || top.tag !== tag)
        throw new Error(`</${tag}> at ${start} closes <${top?.tag ?? 'nothing'}>`)
      continue
    }
    const attributes = Object.fromEntries(
      [...attrs.matchAll(/([a-z-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])
    )
    const element: HtmlElement = { tag, attributes, children: [] }
    open[open.length - 1].children.push(element)
    if (!VOID.has(tag) && !selfClosing) open.push(element)
  }
  flush()
  if (open.length > 1) throw new Error(`<${open[open.length - 1].tag}> is never closed`)
  return root.children
}

/** The text of an element, entities decoded. */
export function textOf(node: HtmlElement | string): string {
  if (typeof node === 'string')
    return node.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
  return node.children.map(textOf).join('')
}

/** Every element named `tag`, depth first. */
export function elementsOf(nodes: (HtmlElement | string)[], tag: string): HtmlElement[] {
  const found: HtmlElement[] = []
  for (const node of nodes) {
    if (typeof node === 'string') continue
    if (node.tag === tag) found.push(node)
    found.push(...elementsOf(node.children, tag))
  }
  return found
}
