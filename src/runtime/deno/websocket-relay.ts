/// <reference lib="deno.ns" />
// Deno's server hands over a client's upgraded connection only as a WebSocket (messages), while
// the upstream's, through node:http, is a byte stream: this relays messages between the two,
// speaking RFC 6455's framing on the upstream side as a client (masked frames). Text and binary
// messages pass whole (a fragmented message is joined first), pings are answered here, and a close
// passes with its code where the WebSocket API lets one be sent (1000, 3000-4999; else none).
// No extension is negotiated with the upstream (the Deno transport drops Sec-WebSocket-Extensions).

import type { UpstreamTunnel } from '../node/upgrade.ts'
import { BINARY, CLOSE, CONTINUATION, closePayload, frame, frameReader, joined, PING, PONG, TEXT } from './websocket-frames.ts'

const encoder = new TextEncoder()

/** Relays between `client` (from Deno.upgradeWebSocket, not yet open) and the upstream's tunnel until either closes. */
export function relayWebSocket(client: WebSocket, tunnel: UpstreamTunnel): void {
  const { socket } = tunnel
  client.binaryType = 'arraybuffer'
  // The upstream may speak before the client's side is open.
  let waiting: Array<() => void> | undefined = []
  const toClient = (act: () => void) => (waiting ? waiting.push(act) : act())
  client.onopen = () => {
    const acts = waiting ?? []
    waiting = undefined
    for (const act of acts) act()
  }
  let closing = false
  // read_timeout: nginx closes a tunnel through which nothing moved for that long.
  const idle = tunnel.idleMs > 0 ? setTimeout(() => end(), tunnel.idleMs) : undefined
  const moved = () => idle?.refresh()
  function end(code?: number, reason?: string) {
    clearTimeout(idle)
    socket.destroy()
    if (client.readyState === WebSocket.CONNECTING || client.readyState === WebSocket.OPEN) {
      if (code === 1000 || (code !== undefined && code >= 3000 && code <= 4999)) client.close(code, reason)
      else client.close()
    }
  }
  client.onmessage = (event: MessageEvent<string | ArrayBuffer>) => {
    moved()
    const { data } = event
    socket.write(typeof data === 'string' ? frame(TEXT, encoder.encode(data)) : frame(BINARY, new Uint8Array(data)))
  }
  client.onclose = (event) => {
    if (closing) return end()
    closing = true
    clearTimeout(idle)
    // 1005 (none sent) and 1006 (the connection dropped) are never sent in a close frame.
    if (event.code === 1006) return end()
    socket.end(frame(CLOSE, event.code === 1005 ? new Uint8Array(0) : closePayload(event.code, event.reason)))
  }
  client.onerror = () => end()
  let message: { opcode: number; parts: Uint8Array[] } | undefined
  const read = frameReader((fin, opcode, payload) => {
    if (opcode === PING) return void socket.write(frame(PONG, payload))
    if (opcode === PONG) return
    if (opcode === CLOSE) {
      const code = payload.byteLength >= 2 ? (payload[0] << 8) | payload[1] : undefined
      const reason = new TextDecoder().decode(payload.subarray(2))
      if (!closing) socket.end(frame(CLOSE, payload.subarray(0, 2)))
      closing = true
      return toClient(() => end(code, reason))
    }
    if (opcode === TEXT || opcode === BINARY) message = { opcode, parts: [] }
    else if (opcode !== CONTINUATION || message === undefined) return end(1002)
    message.parts.push(payload)
    if (!fin) return
    const whole = joined(message.parts)
    const data = message.opcode === TEXT ? new TextDecoder().decode(whole) : whole
    message = undefined
    toClient(() => client.send(data))
  }, end)
  if (tunnel.head.byteLength > 0) read(tunnel.head)
  socket.on('data', (chunk: Uint8Array) => {
    moved()
    read(chunk)
  })
  socket.on('error', () => end())
  socket.on('close', () => toClient(() => end()))
}
