// RFC 6455 framing as a client speaks it (src/runtime/deno/websocket-relay.ts): frames it sends
// are masked, frames it reads may come in any pieces. No extension: reserved bits are an error.

export const CONTINUATION = 0
export const TEXT = 1
export const BINARY = 2
export const CLOSE = 8
export const PING = 9
export const PONG = 10

const encoder = new TextEncoder()

/** Parses frames from bytes as they come; a frame with reserved bits set (no extension was agreed) ends the relay. */
export function frameReader(onFrame: (fin: boolean, opcode: number, payload: Uint8Array) => void, fail: (code: number) => void) {
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
export function frame(opcode: number, payload: Uint8Array): Uint8Array {
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

export function closePayload(code: number, reason: string): Uint8Array {
  const text = encoder.encode(reason)
  const out = new Uint8Array(2 + text.byteLength)
  out[0] = code >> 8
  out[1] = code & 0xff
  out.set(text, 2)
  return out
}

export function joined(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.byteLength
  }
  return out
}
