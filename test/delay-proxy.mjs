/**
 * A TCP proxy on loopback that makes a local server look far away: every chunk is delivered
 * `delayMs` after it was sent, each way, and a new connection's first byte waits one extra
 * round trip, as the TCP handshake would make it. It counts what a network would charge for:
 * connections, TLS handshakes (ClientHello records) and round trips on the critical path.
 *
 * Shared by the benchmark (bench/run.mjs) and the end-to-end tests. Plain JavaScript, so that
 * both can import it without a build.
 */
import net from 'node:net'

/**
 * @typedef {object} Traffic
 * @property {number} connections TCP connections accepted
 * @property {number} handshakes TLS ClientHello records seen (one per full or resumed handshake)
 * @property {number} roundTrips the longest chain of round trips (TCP and TLS handshakes
 *   included): a byte the client sends after receiving bytes of depth n has depth n + 1, on any
 *   connection, and the server's answer inherits the depth of what it answers
 * @property {number} firstAt time the first connection was accepted (performance.now())
 * @property {number} lastAt time the last byte was delivered (performance.now())
 */

/**
 * @param {{target: {host: string, port: number}, delayMs?: number}} options
 */
export async function startDelayProxy({ target, delayMs = 25 }) {
  /** @type {Set<net.Socket>} */
  const sockets = new Set()
  let traffic = fresh()
  // Depth of the latest bytes the client has received, on any connection.
  let received = 0

  const server = net.createServer((client) => {
    const accepted = performance.now()
    traffic.connections += 1
    if (!traffic.firstAt) traffic.firstAt = accepted
    const upstream = net.connect(target)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.setNoDelay(true)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    // The TCP handshake: one round trip before the client's first byte can arrive.
    const tcpDepth = received + 1
    let sentDepth = 0
    let first = true
    const toServer = lane(upstream, accepted + 2 * delayMs)
    const toClient = lane(client, accepted)
    client.on('data', (chunk) => {
      if (first && chunk[0] === 0x16 && chunk[5] === 0x01) traffic.handshakes += 1
      const depth = Math.max(first ? tcpDepth : 0, received) + 1
      first = false
      sentDepth = Math.max(sentDepth, depth)
      traffic.roundTrips = Math.max(traffic.roundTrips, depth)
      toServer(chunk, () => undefined)
    })
    upstream.on('data', (chunk) => {
      const depth = sentDepth
      toClient(chunk, () => {
        received = Math.max(received, depth)
        traffic.lastAt = performance.now()
      })
    })
    client.on('end', () => toServer(null, () => undefined))
    upstream.on('end', () => toClient(null, () => undefined))
  })

  // Delivers chunks in order, each `delayMs` after it was handed over (and not before `from`).
  function lane(to, from) {
    let last = from
    return (chunk, delivered) => {
      const at = Math.max(performance.now() + delayMs, last)
      last = at
      setTimeout(
        () => {
          if (to.destroyed) return
          if (chunk === null) to.end()
          else to.write(chunk)
          delivered()
        },
        Math.max(0, at - performance.now())
      )
    }
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const { port } = /** @type {net.AddressInfo} */ (server.address())
  return {
    port,
    delayMs,
    /** What went through since the last reset. @returns {Traffic} */
    get traffic() {
      return { ...traffic }
    },
    /** Starts counting afresh (between two measured runs). */
    reset() {
      traffic = fresh()
      received = 0
    },
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(() => resolve(undefined)))
    }
  }
}

/** @returns {Traffic} */
function fresh() {
  return { connections: 0, handshakes: 0, roundTrips: 0, firstAt: 0, lastAt: 0 }
}
