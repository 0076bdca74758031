import { BlockList, isIP } from 'node:net'
import { spellings } from './shown.js'

// How curl picks a proxy, so that runners configured for curl and git behave the same here.

/** The proxy a dispatcher goes through, as it may be shown in logs. */
export interface ProxyInfo {
  /** The proxy URL with any password replaced by ***. */
  shown: string
  /** host:port of the proxy. */
  host: string
  /** Where it came from: "the proxy input" or the variable's name. */
  source: string
}

/**
 * The proxy curl would use for `target`: `http_proxy` (lower case only, as curl does
 * for http), `HTTPS_PROXY`/`https_proxy`, `ALL_PROXY`/`all_proxy`, minus `NO_PROXY`.
 */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv): string {
  return proxyChoice(target, env)?.url ?? ''
}

/** The proxy for `target` and the variable it came from, or undefined to go direct. */
export function proxyChoice(
  target: URL,
  env: NodeJS.ProcessEnv
): { url: string; source: string } | undefined {
  const pick = (...names: string[]): { url: string; source: string } | undefined => {
    const source = names.find((n) => env[n])
    return source ? { url: env[source] as string, source } : undefined
  }
  const proxy =
    target.protocol === 'https:'
      ? pick('https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY')
      : pick('http_proxy', 'all_proxy', 'ALL_PROXY')
  if (!proxy) return undefined
  return bypassesProxy(target, pick('no_proxy', 'NO_PROXY')?.url ?? '') ? undefined : proxy
}

/** A proxy setting that cannot be used; `detail` is the message without its source. */
export class ProxyUrlError extends Error {
  constructor(
    readonly problem: 'not-url' | 'scheme' | 'percent',
    readonly detail: string,
    source: string
  ) {
    super(`The proxy from ${source} ${detail}`)
    this.name = 'ProxyUrlError'
  }
}

/** Parses a proxy URL as curl does: a bare host:port means http://host:port. */
export function proxyUrl(raw: string, source: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new ProxyUrlError(
      'not-url',
      `is not a URL: ${JSON.stringify(redactProxyText(raw))}. Expected for example http://proxy.internal:3128.`,
      source
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProxyUrlError(
      'scheme',
      `uses ${url.protocol.slice(0, -1)} (${redactProxy(url)}); only http:// and https:// proxies are supported.`,
      source
    )
  }
  // undici decodes the credentials when it connects, and a stray % would fail there with no
  // more than "URI malformed".
  try {
    decodeURIComponent(url.username)
    decodeURIComponent(url.password)
  } catch {
    throw new ProxyUrlError(
      'percent',
      `(${redactProxy(url)}) has a % in its user or password that is not a percent-encoding (%XX): write a % as %25.`,
      source
    )
  }
  return url
}

/** A proxy URL fit for a log: the password, if any, replaced by ***. */
export function redactProxy(url: URL): string {
  const user = url.username ? `${url.username}${url.password ? ':***' : ''}@` : ''
  return `${url.protocol}//${user}${url.host}`
}

/** The variables a proxy can come from, as proxyFor reads them. */
export const PROXY_VARIABLES = [
  'https_proxy',
  'HTTPS_PROXY',
  'http_proxy',
  'HTTP_PROXY',
  'all_proxy',
  'ALL_PROXY'
] as const

/**
 * The passwords in proxy URLs, in every spelling (shown.ts spellings), for the caller to mask
 * in logs. The user-info part runs to the last @, whatever it holds: a password with an
 * unencoded / or @ still counts, even though no URL parser would read it.
 */
export function proxyPasswords(values: (string | undefined)[]): string[] {
  const found = new Set<string>()
  for (const value of values) {
    const password = value ? userInfo(value)?.password : undefined
    if (password) for (const form of spellings(password)) found.add(form)
  }
  return [...found]
}

/** A proxy URL as written, fit for a log even when it is not a URL: any password as ***. */
export function redactProxyText(raw: string): string {
  const info = userInfo(raw)
  if (!info || info.password === undefined) return raw
  return `${raw.slice(0, info.start)}${info.user}:***${raw.slice(info.end)}`
}

function userInfo(
  value: string
): { start: number; end: number; user: string; password?: string } | undefined {
  const start = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)?.[0].length ?? 0
  const end = value.lastIndexOf('@')
  if (end < start) return undefined
  const text = value.slice(start, end)
  const colon = text.indexOf(':')
  return colon < 0
    ? { start, end, user: text }
    : { start, end, user: text.slice(0, colon), password: text.slice(colon + 1) }
}

// curl's NO_PROXY: `*`, host names matching as a domain suffix (a leading dot or `*.` is
// ignored), IP addresses, and, as in curl 7.86+, CIDR ranges. A `:port` narrows an entry.
function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const port = target.port || (target.protocol === 'https:' ? '443' : '80')
  const hostIp = isIP(host)
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true
      let [pattern, entryPort] = [entry.toLowerCase(), '']
      const portMatch = /^(.*[^:]):(\d+)$/.exec(pattern)
      if (portMatch && (pattern.startsWith('[') || isIP(pattern) !== 6)) {
        ;[pattern, entryPort] = [portMatch[1], portMatch[2]]
      }
      pattern = pattern.replace(/^\[|\]$/g, '').replace(/^\*?\./, '')
      if (entryPort && entryPort !== port) return false
      const cidr = /^(.+)\/(\d{1,3})$/.exec(pattern)
      if (cidr && hostIp) return inRange(host, hostIp, cidr[1], Number(cidr[2]))
      return host === pattern || (!hostIp && host.endsWith(`.${pattern}`))
    })
}

function inRange(host: string, family: number, network: string, prefix: number): boolean {
  const networkFamily = isIP(network)
  if (networkFamily !== family) return false
  const list = new BlockList()
  try {
    list.addSubnet(network, prefix, family === 6 ? 'ipv6' : 'ipv4')
  } catch {
    return false
  }
  return list.check(host, family === 6 ? 'ipv6' : 'ipv4')
}
