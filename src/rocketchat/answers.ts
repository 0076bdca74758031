import { quoteAnswer } from './shown.js'

// How the server's own words are shown in our messages: never whole, never as markup, never
// with the credentials a misbehaving server or proxy might echo back.

/** The title of an HTML page (a login page, a proxy's error page), or undefined. */
export function htmlTitle(text: string, secrets: readonly string[] = []): string | undefined {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim()
  return title ? quoteAnswer(title, secrets, 120) : undefined
}

/** A body that is not the API's JSON, quoted on one line and cut short. */
export function snippet(text: string, secrets: readonly string[] = []): string {
  const flat = quoteAnswer(text, secrets)
  return flat ? `"${flat.replace(/"/g, '\\"')}"` : '(empty body)'
}
