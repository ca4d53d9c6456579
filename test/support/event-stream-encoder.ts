// An AWS event stream encoder for the tests, written from the published format (the Transcribe
// and Lex "event stream encoding" pages) and independent of src/plugins/aws-lambda/stream: big-endian
// prelude (total length, headers length, CRC32 of those 8 bytes), typed headers, payload,
// CRC32 of everything before it. Its CRC32 is the bitwise form, not the gateway's table.
import { Buffer } from 'node:buffer'

export type TestHeaderValue =
  | string
  | { type: 'bool'; value: boolean }
  | { type: 'byte' | 'short' | 'int'; value: number }
  | { type: 'long' | 'timestamp'; value: bigint }
  | { type: 'bytes' | 'uuid'; value: Uint8Array }

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

function header(name: string, value: TestHeaderValue): Buffer {
  const nameBytes = Buffer.from(name, 'utf8')
  const typed = typeof value === 'string' ? { type: 'string' as const, value } : value
  let body: Buffer
  switch (typed.type) {
    case 'bool':
      body = Buffer.from([typed.value ? 0 : 1])
      break
    case 'byte':
      body = Buffer.alloc(2)
      body[0] = 2
      body.writeInt8(typed.value, 1)
      break
    case 'short':
      body = Buffer.alloc(3)
      body[0] = 3
      body.writeInt16BE(typed.value, 1)
      break
    case 'int':
      body = Buffer.alloc(5)
      body[0] = 4
      body.writeInt32BE(typed.value, 1)
      break
    case 'long':
    case 'timestamp':
      body = Buffer.alloc(9)
      body[0] = typed.type === 'long' ? 5 : 8
      body.writeBigInt64BE(typed.value, 1)
      break
    case 'bytes':
      body = Buffer.concat([Buffer.from([6, typed.value.length >> 8, typed.value.length & 0xff]), typed.value])
      break
    case 'uuid':
      body = Buffer.concat([Buffer.from([9]), typed.value])
      break
    case 'string': {
      const text = Buffer.from(typed.value, 'utf8')
      body = Buffer.concat([Buffer.from([7, text.length >> 8, text.length & 0xff]), text])
      break
    }
  }
  return Buffer.concat([Buffer.from([nameBytes.length]), nameBytes, body])
}

export function encodeMessage(headers: Record<string, TestHeaderValue>, payload: Uint8Array | string): Buffer {
  const headerBytes = Buffer.concat(Object.entries(headers).map(([name, value]) => header(name, value)))
  const payloadBytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload)
  const total = 12 + headerBytes.length + payloadBytes.length + 4
  const message = Buffer.alloc(total)
  message.writeUInt32BE(total, 0)
  message.writeUInt32BE(headerBytes.length, 4)
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8)
  headerBytes.copy(message, 12)
  payloadBytes.copy(message, 12 + headerBytes.length)
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4)
  return message
}

/** `message` whose last byte is flipped: the message CRC no longer matches. */
export function withBadMessageCrc(message: Buffer): Buffer {
  const bad = Buffer.from(message)
  bad[bad.length - 1] ^= 0xff
  return bad
}

/** `message` with a wrong prelude CRC and its message CRC made right again: only the prelude's check can catch it. */
export function withBadPreludeCrc(message: Buffer): Buffer {
  const bad = Buffer.from(message)
  bad.writeUInt32BE((bad.readUInt32BE(8) ^ 0xffffffff) >>> 0, 8)
  bad.writeUInt32BE(crc32(bad.subarray(0, bad.length - 4)), bad.length - 4)
  return bad
}

/** Lambda's two events, as InvokeWithResponseStream sends them. */
export function payloadChunk(payload: Uint8Array | string): Buffer {
  return encodeMessage({ ':event-type': 'PayloadChunk', ':content-type': 'application/octet-stream', ':message-type': 'event' }, payload)
}

export function invokeComplete(fields: { ErrorCode?: string; ErrorDetails?: string; LogResult?: string } = {}): Buffer {
  return encodeMessage({ ':event-type': 'InvokeComplete', ':content-type': 'application/json', ':message-type': 'event' }, JSON.stringify(fields))
}

/** Writes `bytes` to a decoder and reads every message they complete, in order. */
export function writeAndReadAll<M>(decoder: { write(bytes: Uint8Array): void; read(): M | undefined }, bytes: Uint8Array): M[] {
  decoder.write(bytes)
  const messages: M[] = []
  for (let message = decoder.read(); message; message = decoder.read()) messages.push(message)
  return messages
}
