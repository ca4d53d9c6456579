// The AWS event stream framing (`application/vnd.amazon.eventstream`), decoded as bytes
// arrive. A message is a prelude (total length, headers length, CRC32 of those 8 bytes), typed
// headers, a payload, and a CRC32 of everything before it. A CRC mismatch ends the stream:
// neither those bytes nor the framing of anything after them can be trusted.

import { bytesToText } from '../../../encoding/base64.ts'
import { crc32 } from './crc32.ts'

export type HeaderValue = boolean | number | bigint | string | Uint8Array

export interface EventMessage {
  /** A null-prototype object: a header named `__proto__` is a header like any other. */
  headers: Record<string, HeaderValue>
  payload: Uint8Array
}

/** The bytes are not a valid event stream (bad CRC, impossible lengths, unknown header type). */
export class EventStreamError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EventStreamError'
  }
}

const PRELUDE_BYTES = 12
const CRC_BYTES = 4
/** AWS's limits: 128 KiB of headers, 16 MiB of payload. A larger length is corruption. */
export const MAX_MESSAGE_BYTES = PRELUDE_BYTES + 128 * 1024 + 16 * 1024 * 1024 + CRC_BYTES

export class EventStreamDecoder {
  #chunks: Uint8Array[] = []
  #buffered = 0

  /** Bytes received that do not make a whole message yet. */
  get buffered(): number {
    return this.#buffered
  }

  /** Takes the next bytes without decoding them: `read()` decodes one message at a time. */
  write(bytes: Uint8Array): void {
    if (bytes.byteLength > 0) {
      this.#chunks.push(bytes)
      this.#buffered += bytes.byteLength
    }
  }

  /**
   * The next whole message, else undefined. Once it has thrown, the stream is unusable. When it
   * returns undefined, fewer bytes are buffered than the next message's declared length, which is
   * at most MAX_MESSAGE_BYTES: a corrupt length cannot make the decoder wait for gigabytes.
   */
  read(): EventMessage | undefined {
    if (this.#buffered < PRELUDE_BYTES) return undefined
    const prelude = view(this.#peek(PRELUDE_BYTES))
    const total = prelude.getUint32(0)
    const headersLength = prelude.getUint32(4)
    if (crc32(new Uint8Array(prelude.buffer, prelude.byteOffset, 8)) !== prelude.getUint32(8)) {
      throw new EventStreamError('prelude CRC mismatch')
    }
    if (total > MAX_MESSAGE_BYTES || headersLength > total - PRELUDE_BYTES - CRC_BYTES) {
      throw new EventStreamError(`impossible message length ${total} (headers ${headersLength})`)
    }
    if (this.#buffered < total) return undefined
    const message = this.#take(total)
    if (crc32(message.subarray(0, total - CRC_BYTES)) !== view(message).getUint32(total - CRC_BYTES)) {
      throw new EventStreamError('message CRC mismatch')
    }
    const payloadStart = PRELUDE_BYTES + headersLength
    return { headers: parseHeaders(message.subarray(PRELUDE_BYTES, payloadStart)), payload: message.subarray(payloadStart, total - CRC_BYTES) }
  }

  /** The first `length` buffered bytes, left buffered. */
  #peek(length: number): Uint8Array {
    const first = this.#chunks[0]
    return first.byteLength >= length ? first.subarray(0, length) : this.#merge(length, false)
  }

  /** The first `length` buffered bytes, no longer buffered. */
  #take(length: number): Uint8Array {
    this.#buffered -= length
    const first = this.#chunks[0]
    if (first.byteLength > length) {
      this.#chunks[0] = first.subarray(length)
      return first.subarray(0, length)
    }
    if (first.byteLength === length) return this.#chunks.shift()!
    return this.#merge(length, true)
  }

  #merge(length: number, consume: boolean): Uint8Array {
    const merged = new Uint8Array(length)
    let offset = 0
    let index = 0
    while (offset < length) {
      const chunk = this.#chunks[index]
      const part = chunk.subarray(0, length - offset)
      merged.set(part, offset)
      offset += part.byteLength
      if (!consume) index++
      else if (part.byteLength === chunk.byteLength) this.#chunks.shift()
      else this.#chunks[0] = chunk.subarray(part.byteLength)
    }
    return merged
  }
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** name length (1 byte), name, value type (1 byte), value: every type is read, to reach the next header. */
function parseHeaders(bytes: Uint8Array): Record<string, HeaderValue> {
  const data = view(bytes)
  const headers: Record<string, HeaderValue> = Object.create(null)
  let at = 0
  const slice = (length: number) => {
    if (at + length > bytes.byteLength) throw new EventStreamError('header runs past the headers section')
    const part = bytes.subarray(at, at + length)
    at += length
    return part
  }
  const text = (length: number) => bytesToText(slice(length))
  while (at < bytes.byteLength) {
    const name = text(slice(1)[0])
    const type = slice(1)[0]
    const start = at
    switch (type) {
      case 0:
        headers[name] = true
        break
      case 1:
        headers[name] = false
        break
      case 2:
        slice(1)
        headers[name] = data.getInt8(start)
        break
      case 3:
        slice(2)
        headers[name] = data.getInt16(start)
        break
      case 4:
        slice(4)
        headers[name] = data.getInt32(start)
        break
      case 5:
      case 8:
        slice(8)
        headers[name] = data.getBigInt64(start)
        break // long, timestamp (ms)
      case 6:
        headers[name] = slice(view(slice(2)).getUint16(0))
        break
      case 7:
        headers[name] = text(view(slice(2)).getUint16(0))
        break
      case 9:
        headers[name] = slice(16)
        break // UUID
      default:
        throw new EventStreamError(`unknown header value type ${type}`)
    }
  }
  return headers
}
