/// <reference lib="deno.ns" />
// Deno's server hands over a client's upgraded connection only as a WebSocket (messages), while
// the upstream's, through node:http, is a byte stream: this relays messages between the two,
// speaking RFC 6455's framing on the upstream side as a client (masked frames). Text and binary
// messages pass whole (a fragmented message is joined first), pings are answered here, and a close
// passes with its code where the WebSocket API lets one be sent (1000, 3000-4999; else none).
// No extension is negotiated with the upstream (the Deno transport drops Sec-WebSocket-Extensions).

import type { UpstreamTunnel } from '../node/upgrade.ts'

const CONTINUATION = 0
const TEXT = 1
const BINARY = 2
const CLOSE = 8
const PING = 9
const PONG = 10

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

/** Parses frames from bytes as they come; a frame with reserved bits set (no extension was agreed) ends the relay. */
function frameReader(onFrame: (fin: boolean, opcode: number, payload: Uint8Array) => void, fail: (code: number) => void) {
  let buffered: Uint8Array = new Uint8Array(0)
  return (chunk: Uint8Array) => {
    buffered = buffered.byteLength === 0 ? chunk : joined([buffered, chunk])
    for (;;) {
      if (buffered.byteLength < 2) return
      let length = buffered[1] & 0x7f
      let at = 2
      if (length === 126) {
        if (buffered.byteLength < 4) return
        length = (buffered[2] << 8) | buffered[3]
        at = 4
      } else if (length === 127) {
        if (buffered.byteLength < 10) return
        length = Number(new DataView(buffered.buffer, buffered.byteOffset + 2, 8).getBigUint64(0))
        at = 10
      }
      const masked = (buffered[1] & 0x80) !== 0
      const maskAt = at
      if (masked) at += 4
      if (buffered.byteLength < at + length) return
      const payload = buffered.slice(at, at + length)
      if (masked) for (let i = 0; i < payload.byteLength; i++) payload[i] ^= buffered[maskAt + (i & 3)]
      const first = buffered[0]
      buffered = buffered.subarray(at + length)
      if ((first & 0x70) !== 0) return fail(1002)
      onFrame((first & 0x80) !== 0, first & 0x0f, payload)
    }
  }
}

/** One whole frame as a client sends it: FIN set, the payload masked. */
function frame(opcode: number, payload: Uint8Array): Uint8Array {
  const length = payload.byteLength
  const extra = length < 126 ? 0 : length < 65536 ? 2 : 8
  const out = new Uint8Array(2 + extra + 4 + length)
  out[0] = 0x80 | opcode
  if (extra === 0) out[1] = 0x80 | length
  else if (extra === 2) {
    out[1] = 0x80 | 126
    out[2] = length >> 8
    out[3] = length & 0xff
  } else {
    out[1] = 0x80 | 127
    new DataView(out.buffer).setBigUint64(2, BigInt(length))
  }
  const mask = crypto.getRandomValues(new Uint8Array(4))
  out.set(mask, 2 + extra)
  for (let i = 0; i < length; i++) out[2 + extra + 4 + i] = payload[i] ^ mask[i & 3]
  return out
}

function closePayload(code: number, reason: string): Uint8Array {
  const text = encoder.encode(reason)
  const out = new Uint8Array(2 + text.byteLength)
  out[0] = code >> 8
  out[1] = code & 0xff
  out.set(text, 2)
  return out
}

function joined(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.byteLength
  }
  return out
}
