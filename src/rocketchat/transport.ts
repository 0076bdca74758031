import { rootCertificates } from 'node:tls'
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici'
import { NetworkError, type NetworkFailure } from './errors.js'

export interface NetworkOptions {
  /** Proxy URL from the `proxy` input; overrides the environment. */
  proxy?: string
  /** Extra PEM CA certificates to trust, on top of the system ones. */
  caCert?: string
  env?: NodeJS.ProcessEnv
}

/**
 * Builds the one dispatcher used for every request to `target`: direct, or through
 * the proxy that curl would pick for it.
 */
export function createDispatcher(target: URL, options: NetworkOptions = {}): Dispatcher {
  const tls = options.caCert ? { ca: [...rootCertificates, options.caCert] } : {}
  const proxy = options.proxy || proxyFor(target, options.env ?? process.env)
  if (proxy) {
    return new ProxyAgent({ uri: proxy, requestTls: tls, proxyTls: tls })
  }
  return new Agent({ connect: { ...tls, timeout: 10_000 } })
}

/**
 * The proxy curl would use for `target`: `http_proxy` (lower case only, as curl does
 * for http), `HTTPS_PROXY`/`https_proxy`, `ALL_PROXY`/`all_proxy`, minus `NO_PROXY`.
 */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv): string {
  const pick = (...names: string[]): string => names.map((n) => env[n]).find((v) => v) ?? ''
  const proxy =
    target.protocol === 'https:'
      ? pick('https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY')
      : pick('http_proxy', 'all_proxy', 'ALL_PROXY')
  if (!proxy) return ''
  return bypassesProxy(target, pick('no_proxy', 'NO_PROXY')) ? '' : proxy
}

function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const port = target.port || (target.protocol === 'https:' ? '443' : '80')
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true
      let [pattern, entryPort] = [entry.toLowerCase(), '']
      const portMatch = /^(.*[^:]):(\d+)$/.exec(pattern)
      if (portMatch && !pattern.startsWith('[')) [pattern, entryPort] = [portMatch[1], portMatch[2]]
      pattern = pattern.replace(/^\[|\]$/g, '').replace(/^\*?\./, '')
      if (entryPort && entryPort !== port) return false
      return host === pattern || host.endsWith(`.${pattern}`)
    })
}

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

export interface AttemptOptions {
  method: 'GET' | 'POST'
  url: URL
  headers: Record<string, string>
  body?: string
  timeoutMs: number
  endpoint: string
}

/** One HTTP exchange; every failure to get an answer becomes a NetworkError naming its cause. */
export async function attempt(
  dispatcher: Dispatcher,
  options: AttemptOptions
): Promise<RawResponse> {
  try {
    const response = await request(options.url, {
      method: options.method,
      headers: options.headers,
      body: options.body,
      dispatcher,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal: AbortSignal.timeout(options.timeoutMs)
    })
    const text = await response.body.text()
    return { status: response.statusCode, headers: response.headers, text }
  } catch (error) {
    throw toNetworkError(error, options)
  }
}

const TLS_HINT =
  'If the server uses a private or self-signed CA, pass its certificate in the ca-cert input.'

function toNetworkError(error: unknown, options: AttemptOptions): NetworkError {
  const err = error as Error & { code?: string; cause?: Error & { code?: string } }
  const code = err.cause?.code ?? err.code ?? ''
  const host = options.url.host
  const what = `${options.endpoint} (${options.method} ${host})`
  const classify = (failure: NetworkFailure, maybeDelivered: boolean, text: string): NetworkError =>
    new NetworkError(options.endpoint, failure, maybeDelivered, text)

  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return classify(
      'dns',
      false,
      `Could not resolve the host ${options.url.hostname} (DNS ${code}). Check server-url.`
    )
  }
  if (code === 'ECONNREFUSED') {
    return classify(
      'refused',
      false,
      `Connection refused by ${host}: nothing listens there. Check server-url and that the server is up.`
    )
  }
  if (/Proxy response \((\d+)\)/.test(err.message)) {
    const status = /Proxy response \((\d+)\)/.exec(err.message)?.[1]
    return classify(
      'proxy',
      false,
      `The proxy refused to connect to ${host} (proxy answered HTTP ${status}). Check the proxy input or HTTPS_PROXY / NO_PROXY.`
    )
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|HOSTNAME_MISMATCH/.test(code)) {
    const reason = err.cause?.message ?? err.message
    return classify('tls', false, `TLS check of ${host} failed: ${reason} (${code}). ${TLS_HINT}`)
  }
  if (
    err.name === 'TimeoutError' ||
    err.name === 'AbortError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return classify(
      'timeout',
      true,
      `No answer from ${what} within ${Math.round(options.timeoutMs / 100) / 10} s.`
    )
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return classify('timeout', false, `Could not connect to ${host}: connection timed out.`)
  }
  if (
    code === 'ECONNRESET' ||
    code === 'UND_ERR_SOCKET' ||
    code === 'EPIPE' ||
    code === 'UND_ERR_CLOSED'
  ) {
    return classify(
      'reset',
      true,
      `The connection to ${host} was closed before ${options.endpoint} answered.`
    )
  }
  return classify(
    'other',
    true,
    `Request ${what} failed: ${err.cause?.message ?? err.message}${code ? ` (${code})` : ''}.`
  )
}
