/// <reference lib="deno.ns" />
// WebSocket upgrades on the Deno server. The request goes through the gateway as any other
// (routing, every plugin's access phase); the upstream is asked through node:http (the Deno
// transport), whose 101 leaves a byte tunnel in the request's slot (src/runtime/node/upgrade.ts).
// When the gateway's answer is still that switch, the client is upgraded with
// Deno.upgradeWebSocket and messages are relayed (src/runtime/deno/websocket-relay.ts); any other
// answer is written as usual.

import { describeError, type Logger } from '../../log.ts'
import { failedAnswer } from '../../pipeline/answers.ts'
import { type RequestHandler, unwritable, writableAnswer } from '../../pipeline/exchange.ts'
import type { UpstreamRequest } from '../../proxy/upstream-transport.ts'
import { awaitUpgrade, SWITCHED, type UpgradeSlot, upgradeOf } from '../node/upgrade.ts'
import { relayWebSocket } from './websocket-relay.ts'

/** Kong passes an upgrade on only when the client asks for `websocket`. */
export function asksWebSocket(request: Request): boolean {
  return request.headers.get('upgrade')?.toLowerCase() === 'websocket'
}

/** Fields of the upstream's 101 that Deno writes itself for the client's handshake (or that frame the connection). */
const HANDSHAKE = new Set(['connection', 'upgrade', 'keep-alive', 'content-length', 'transfer-encoding', 'sec-websocket-accept', 'sec-websocket-extensions'])

/** Serves an upgrade request: the client's 101 and the relay when the upstream switched, else the gateway's answer. */
export async function answerUpgrade(handler: RequestHandler, request: Request, runtime: object, log: Logger): Promise<Response> {
  const slot = awaitUpgrade<UpgradeSlot>(runtime, {})
  const exchange = await handler.handle(request, runtime)
  const { tunnel } = slot
  if (tunnel === undefined || exchange.response.status !== SWITCHED || unwritable(exchange.response) !== undefined) {
    tunnel?.socket.destroy()
    return writableAnswer(exchange, log)
  }
  const answer = exchange.response.headers
  try {
    // No ping of Deno's own: nginx sends none, and read_timeout closes an idle tunnel. The
    // upstream's Sec-WebSocket-Protocol is copied below: Deno's `protocol` option refuses one the
    // client offered as `a,b` (it splits the offer at ', ' only).
    const { socket, response } = Deno.upgradeWebSocket(request, { idleTimeout: 0 })
    for (const [name, value] of answer) {
      if (!HANDSHAKE.has(name) && name !== 'set-cookie') response.headers.set(name, value)
    }
    for (const cookie of answer.getSetCookie()) response.headers.append('set-cookie', cookie)
    relayWebSocket(socket, tunnel)
    exchange.sent(101)
    return response
  } catch (error) {
    log.error(`answer not sent: ${describeError(error)}`, { request_id: exchange.requestId })
    tunnel.socket.destroy()
    exchange.sent(500)
    return failedAnswer(exchange.requestId)
  }
}

/** The relay agrees no extension with the upstream: permessage-deflate would compress the frames it reads. */
export function withoutExtensions(request: UpstreamRequest): UpstreamRequest {
  if (upgradeOf(request.runtime) === undefined) return request
  return { ...request, headers: request.headers.filter(([name]) => name !== 'sec-websocket-extensions') }
}
