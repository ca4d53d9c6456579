// WebSocket upgrades on the Node server, as Kong proxies them (nginx's upgraded connections).
// node:http hands a request asking `Upgrade: websocket` to 'upgrade' with its socket instead of
// to the request listener: it goes through the same listener (routing, every plugin's access
// phase), and an answer is written on a ServerResponse bound to that socket, then the socket is
// closed. When the upstream switched protocols (the transport left a tunnel in the request's
// slot), the 101 head goes to the client and the two sockets are piped into each other.

import { type IncomingMessage, type Server, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { type Exchange, unwritable } from '../../pipeline/exchange.ts'
import { UpstreamFailure, type UpstreamRequest } from '../../proxy/upstream-transport.ts'
import { type WriteOptions, writeAnswer } from './answer-writer.ts'
import { responseHeaders } from './transport.ts'

/** The upstream's side of a switched connection, left by the upstream transport. */
export interface UpstreamTunnel {
  socket: Duplex
  /** Bytes the upstream sent after its 101 head. */
  head: Uint8Array
  /** The upstream's Upgrade value. */
  upgrade: string | undefined
  /** `read_timeout`: nginx closes a tunnel through which nothing moved for that long (0: never). */
  idleMs: number
}

/** A client's upgrade being served: the upstream transport leaves the tunnel here when the upstream switched. */
export interface UpgradeSlot {
  tunnel?: UpstreamTunnel
}

/** A client's upgrade request on Node: its socket too. */
export interface ClientUpgrade extends UpgradeSlot {
  socket: Duplex
  /** Bytes the client sent after its request head: the tunnel's first. */
  head: Uint8Array
}

const slots = new WeakMap<object, UpgradeSlot>()

/** Marks `key` (Node: the IncomingMessage; Deno: the runtime object its server passes) as a client's upgrade. */
export function awaitUpgrade<T extends UpgradeSlot>(key: object, slot: T): T {
  slots.set(key, slot)
  return slot
}

/** The upgrade a request handed to the gateway belongs to (`runtime`: Node's bindings, or Deno's object), if any. */
export function upgradeOf(runtime: unknown): UpgradeSlot | undefined {
  if (typeof runtime !== 'object' || runtime === null) return undefined
  const { incoming } = runtime as { incoming?: IncomingMessage }
  return slots.get(incoming ?? runtime)
}

/**
 * Kong passes an upgrade on only when the client asks for `websocket` (kong/runloop/handler.lua);
 * any other Upgrade is served as a plain request, without it.
 */
export function asksWebSocket(incoming: IncomingMessage): boolean {
  return incoming.headers.upgrade?.toLowerCase() === 'websocket'
}

/**
 * Serves `server`'s upgrade requests through the same request `listener` as every other request;
 * returns what closes them all (node:http no longer counts a socket it handed to 'upgrade' as its own).
 */
export function serveUpgrades(server: Server, listener: (incoming: IncomingMessage, outgoing: ServerResponse) => unknown): () => void {
  const open = new Set<Duplex>()
  server.on('upgrade', (incoming: IncomingMessage, socket: Duplex, head: Buffer) => {
    open.add(socket)
    socket.once('close', () => open.delete(socket))
    awaitUpgrade<ClientUpgrade>(incoming, { socket, head })
    const outgoing = new ServerResponse(incoming)
    outgoing.assignSocket(socket as never)
    // Nothing reads the next request from this socket: an answer other than the switch ends it.
    outgoing.shouldKeepAlive = false
    outgoing.once('finish', () => socket.end())
    socket.on('error', () => socket.destroy())
    listener(incoming, outgoing)
  })
  return () => {
    for (const socket of open) socket.destroy()
  }
}

/**
 * A fetch Response cannot have status 101 on Node: the transport answers the upstream's 101 with
 * this status, its headers and no body, which plugins' response phase sees as Kong's see the 101.
 * Any other status is an answer the gateway made instead (a plugin that failed), and no switch.
 */
export const SWITCHED = 200

/**
 * The upstream's 101 to `request` (node:http's 'upgrade'): its socket becomes the tunnel of the
 * client's upgrade, and the answer is the stand-in. Only a client's upgrade can be tunnelled.
 */
export function switchedAnswer(request: UpstreamRequest, incoming: IncomingMessage, socket: Duplex, head: Uint8Array): Response {
  const upgrade = upgradeOf(request.runtime)
  if (upgrade === undefined) {
    socket.destroy()
    throw new UpstreamFailure('the upstream switched protocols for a request that was not an upgrade', 'answer', false)
  }
  upgrade.tunnel = { socket, head, upgrade: incoming.headers.upgrade, idleMs: request.timeouts.readMs }
  // The try lasts as long as the tunnel (or until the socket is dropped unused).
  if (request.answerEnded) socket.once('close', request.answerEnded)
  return new Response(null, { status: SWITCHED, headers: responseHeaders(incoming.rawHeaders) })
}

/** The switch when the upstream made one and the gateway's answer is still its 101, else the answer as any other. */
export async function answerUpgrade(exchange: Exchange, upgrade: ClientUpgrade, incoming: IncomingMessage, outgoing: ServerResponse, options: WriteOptions) {
  const { tunnel } = upgrade
  if (tunnel !== undefined && exchange.response.status === SWITCHED && unwritable(exchange.response) === undefined) {
    if (upgrade.socket.destroyed) {
      tunnel.socket.destroy()
      exchange.sent(499)
      return
    }
    // Header values are bytes, one per character (fetch's ByteString), as Node's own writeHead writes them.
    upgrade.socket.write(switchingHead(exchange.response, tunnel), 'latin1')
    exchange.sent(101)
    pipeBothWays(upgrade, tunnel)
    return
  }
  tunnel?.socket.destroy()
  await writeAnswer(exchange, incoming, outgoing, options)
}

/** Hop-by-hop and framing fields of the upstream's head: the switched connection has its own. */
const NOT_PASSED = new Set(['connection', 'upgrade', 'keep-alive', 'content-length', 'transfer-encoding'])

/** nginx's 101 head: the answer's fields, `Connection: upgrade`, and the upstream's Upgrade when it is the one asked for (Kong). */
function switchingHead(response: Response, tunnel: UpstreamTunnel): string {
  const lines = ['HTTP/1.1 101 Switching Protocols']
  for (const [name, value] of response.headers) {
    if (!NOT_PASSED.has(name) && name !== 'set-cookie') lines.push(`${name}: ${value}`)
  }
  for (const cookie of response.headers.getSetCookie()) lines.push(`set-cookie: ${cookie}`)
  lines.push('connection: upgrade')
  if (tunnel.upgrade?.toLowerCase() === 'websocket') lines.push(`upgrade: ${tunnel.upgrade}`)
  return `${lines.join('\r\n')}\r\n\r\n`
}

/**
 * Bytes both ways with backpressure (pipe). A side that ends is ended on the other, and either
 * side closing closes both, as nginx ends an upgraded connection; nothing moving through the
 * upstream's socket for `idleMs` closes both too.
 */
function pipeBothWays(client: ClientUpgrade, tunnel: UpstreamTunnel): void {
  const close = () => {
    client.socket.destroy()
    tunnel.socket.destroy()
  }
  for (const socket of [client.socket, tunnel.socket]) socket.on('error', close).on('close', close)
  if (tunnel.idleMs > 0 && 'setTimeout' in tunnel.socket)
    (tunnel.socket as Duplex & { setTimeout(ms: number, done: () => void): void }).setTimeout(tunnel.idleMs, close)
  if (tunnel.head.byteLength > 0) client.socket.write(tunnel.head)
  if (client.head.byteLength > 0) tunnel.socket.write(client.head)
  tunnel.socket.pipe(client.socket)
  client.socket.pipe(tunnel.socket)
}
