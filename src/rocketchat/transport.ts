import * as tls from 'node:tls'
import { Agent, ProxyAgent, request, type Dispatcher, type FormData } from 'undici'
import { NetworkError, type NetworkFailure } from './errors.js'
import { PLAIN_NAMES, type SettingNames } from './names.js'
import { proxyChoice, proxyUrl, redactProxy, type ProxyInfo } from './proxy.js'

export type NetworkNames = Pick<SettingNames, 'serverUrl' | 'caCert' | 'proxy'>

export interface NetworkOptions {
  /** Proxy URL chosen by the caller; overrides the environment. */
  proxy?: string
  /** Extra PEM CA certificates to trust, on top of the system ones. */
  caCert?: string
  env?: NodeJS.ProcessEnv
  /** How errors name the settings behind them. */
  names?: NetworkNames
}

const CONNECT_TIMEOUT_MS = 10_000

// Errors are worded differently through a proxy, and the proxy is logged once, so each
// dispatcher remembers which proxy it uses without changing what createDispatcher returns.
const proxies = new WeakMap<Dispatcher, ProxyInfo>()
const namesOf = new WeakMap<Dispatcher, NetworkNames>()

/** The proxy `dispatcher` sends through, or undefined for a direct connection. */
export function proxyOf(dispatcher: Dispatcher): ProxyInfo | undefined {
  return proxies.get(dispatcher)
}

/**
 * Builds the one dispatcher used for every request to `target`: direct, or through
 * the proxy that curl would pick for it. Certificates are always verified.
 */
export function createDispatcher(target: URL, options: NetworkOptions = {}): Dispatcher {
  // Explicit, so that not even NODE_TLS_REJECT_UNAUTHORIZED=0 turns verification off.
  const tlsOptions: tls.ConnectionOptions = {
    rejectUnauthorized: true,
    ...(options.caCert && { ca: [...defaultCertificates(), options.caCert] })
  }
  const env = options.env ?? process.env
  const names = options.names ?? PLAIN_NAMES
  const chosen = options.proxy
    ? { url: options.proxy, source: names.proxy }
    : proxyChoice(target, env)
  if (!chosen) {
    const agent = new Agent({ connect: { ...tlsOptions, timeout: CONNECT_TIMEOUT_MS } })
    namesOf.set(agent, names)
    return agent
  }
  const uri = proxyUrl(chosen.url, chosen.source)
  const agent = new ProxyAgent({
    uri: uri.href,
    requestTls: tlsOptions,
    proxyTls: { ...tlsOptions, timeout: CONNECT_TIMEOUT_MS }
  })
  proxies.set(agent, { shown: redactProxy(uri), host: uri.host, source: chosen.source })
  namesOf.set(agent, names)
  return agent
}

// The default set includes NODE_EXTRA_CA_CERTS (and the OS store under --use-system-ca);
// passing `ca` replaces that set, so it is rebuilt rather than reduced to the bundled roots.
function defaultCertificates(): readonly string[] {
  return typeof tls.getCACertificates === 'function'
    ? tls.getCACertificates('default')
    : tls.rootCertificates
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
  body?: string | FormData
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
    const text = await readCapped(response.body, options)
    // undici marks the connection free one event-loop turn after the body ends; a request sent
    // before that opens a second connection (another TCP and TLS handshake on a far server).
    await new Promise((resolve) => setImmediate(resolve))
    return { status: response.statusCode, headers: response.headers, text }
  } catch (error) {
    if (error instanceof NetworkError) throw error
    throw toNetworkError(
      error,
      options,
      namesOf.get(dispatcher) ?? PLAIN_NAMES,
      proxies.get(dispatcher)
    )
  }
}

/**
 * No Rocket.Chat answer comes near this (rooms.get for 10,000 rooms is about 3 MB); a body
 * that goes on past it is not the API's, and reading it whole could exhaust the runner.
 */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  options: Pick<AttemptOptions, 'endpoint' | 'url'>
): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size > MAX_ANSWER_BYTES) {
      body.destroy()
      // The request was sent and may have acted; trying again cannot make the answer smaller.
      throw new NetworkError(
        options.endpoint,
        'protocol',
        true,
        `${options.endpoint} (${options.url.host}) answered with more than ${MAX_ANSWER_BYTES / 1024 / 1024} MB, far more than any Rocket.Chat answer: it was cut off. Is this the Rocket.Chat server?`,
        true
      )
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

// What each OpenSSL verification code means for the person reading the log.
const CERTIFICATE_PROBLEMS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in a self-signed CA that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is signed by a CA that is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate is signed by a CA that is not trusted',
  UNABLE_TO_GET_ISSUER_CERT: 'the certificate is signed by a CA that is not trusted',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet (check the clocks)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is for another host name',
  CERT_REVOKED: 'the certificate has been revoked',
  CERT_SIGNATURE_FAILURE: 'the certificate signature does not verify',
  INVALID_CA: 'a CA certificate in the chain is not a valid CA'
}

/** Maps undici's and Node's errors to a NetworkError that says what went wrong, in words. */
function toNetworkError(
  error: unknown,
  options: Pick<AttemptOptions, 'url' | 'endpoint' | 'method' | 'timeoutMs'>,
  names: NetworkNames,
  proxy?: ProxyInfo
): NetworkError {
  const err = error as Error & { code?: string; cause?: Error & { code?: string } }
  const code = err.cause?.code ?? err.code ?? ''
  const host = options.url.host
  const what = `${options.endpoint} (${options.method} ${host})`
  const via = proxy ? ` through the proxy ${proxy.shown} (from ${proxy.source})` : ''
  const classify = (
    failure: NetworkFailure,
    maybeDelivered: boolean,
    text: string,
    permanent = false
  ): NetworkError => new NetworkError(options.endpoint, failure, maybeDelivered, text, permanent)

  const proxyStatus = /Proxy response \((\d+)\)|Proxy Authentication Required \((\d+)\)/.exec(
    `${err.message} ${err.cause?.message ?? ''}`
  )
  if (proxyStatus) {
    const status = Number(proxyStatus[1] ?? proxyStatus[2])
    const shown = proxy ? `The proxy ${proxy.shown} (from ${proxy.source})` : 'The proxy'
    const reason =
      status === 407
        ? 'it requires credentials it did not get or did not accept; put them in the proxy URL, http://user:password@host:port'
        : status === 403
          ? 'its policy does not allow this destination'
          : status >= 500 || status === 404
            ? 'it could not reach the server'
            : 'it did not open a tunnel'
    return classify(
      'proxy',
      false,
      `${shown} refused to connect to ${host} (HTTP ${status}): ${reason}. Check ${names.proxy}, or HTTPS_PROXY / HTTP_PROXY / NO_PROXY.`,
      // Credentials and policy do not change between retries; an unreachable upstream may.
      status < 500 && status !== 404
    )
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    const hostname = proxy && isProxyHost(err, proxy) ? proxy.host : options.url.hostname
    const whose = hostname === options.url.hostname ? 'the host' : 'the proxy host'
    return classify(
      'dns',
      false,
      `Could not resolve ${whose} ${hostname} (DNS ${code}). Check ${whose === 'the host' ? names.serverUrl : proxy?.source}.`,
      // EAI_AGAIN is the resolver timing out, which can pass; ENOTFOUND is an answer.
      code !== 'EAI_AGAIN'
    )
  }
  if (code === 'ECONNREFUSED') {
    return proxy
      ? classify(
          'proxy',
          false,
          `Connection refused by the proxy ${proxy.shown} (from ${proxy.source}): nothing listens there. Check the proxy setting.`
        )
      : classify(
          'refused',
          false,
          `Connection refused by ${host}: nothing listens there. Check ${names.serverUrl} and that the server is up.`
        )
  }
  if (err.name === 'SecureProxyConnectionError' || code === 'UND_ERR_PRX_TLS') {
    const reason = err.cause?.message ?? err.message
    return classify(
      'tls',
      false,
      `TLS check of the proxy ${proxy?.shown ?? ''} failed: ${reason}.`,
      true
    )
  }
  if (
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET|ERR_TLS|ERR_SSL|HOSTNAME_MISMATCH|INVALID_CA/.test(
      code
    )
  ) {
    // Node suggests its own command-line flags, which a workflow cannot pass to the action.
    const reason = (err.cause?.message ?? err.message).replace(
      /; if the root CA is installed.*$/,
      ''
    )
    const problem = CERTIFICATE_PROBLEMS[code]
    // A certificate problem is helped by a CA; a handshake that is not TLS at all is not.
    if (/ERR_SSL_(WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST)/.test(code)) {
      return classify(
        'tls',
        false,
        `TLS check of ${host} failed (${code}). The server does not speak TLS on this port: is ${host} plain http (http://), or is the port wrong?`,
        true
      )
    }
    return classify(
      'tls',
      false,
      `TLS check of ${host} failed${problem ? `: ${problem}` : ''} (${code}: ${reason}). If the server uses a private or self-signed CA, pass its certificate in ${names.caCert}.`,
      true
    )
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return classify(
      'timeout',
      false,
      `Could not connect to ${proxy ? `the proxy ${proxy.shown}` : host}: connection timed out.`
    )
  }
  if (
    err.name === 'TimeoutError' ||
    err.name === 'AbortError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_ABORTED'
  ) {
    return classify(
      'timeout',
      true,
      `No answer from ${what}${via} within ${Math.round(options.timeoutMs / 100) / 10} s.`
    )
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
      `The connection to ${host}${via} was closed before ${options.endpoint} answered.`
    )
  }
  return classify(
    'other',
    true,
    `Request ${what}${via} failed: ${err.cause?.message ?? err.message}${code ? ` (${code})` : ''}.`
  )
}

function isProxyHost(err: Error & { cause?: Error }, proxy: ProxyInfo): boolean {
  const hostname = proxy.host.replace(/:\d+$/, '')
  return `${err.message} ${err.cause?.message ?? ''}`.includes(hostname)
}
