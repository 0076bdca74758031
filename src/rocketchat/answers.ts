// How the server's own words are shown in our messages: never whole, never as markup.

/** The title of an HTML page (a login page, a proxy's error page), or undefined. */
export function htmlTitle(text: string): string | undefined {
  return /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim() || undefined
}

/** A body that is not the API's JSON, quoted on one line and cut short. */
export function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat ? JSON.stringify(flat.length > 120 ? `${flat.slice(0, 120)}…` : flat) : '(empty body)'
}
