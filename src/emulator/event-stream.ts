// The frames of an InvokeWithResponseStream answer, as Lambda writes them: AWS's event stream
// encoding (prelude with total and headers length and their CRC-32, string headers, payload,
// CRC-32 of the whole), one PayloadChunk per write of the function, then InvokeComplete.

import { Buffer } from 'node:buffer'
import { crc32 } from '../plugins/aws-lambda/stream/crc32.ts'

/** The type code of a string header value. */
const STRING = 7

function frame(headers: Record<string, string>, payload: Uint8Array): Buffer {
  const headerBytes = Buffer.concat(
    Object.entries(headers).map(([name, value]) => {
      const nameBytes = Buffer.from(name)
      const valueBytes = Buffer.from(value)
      const head = Buffer.alloc(1 + nameBytes.length + 3)
      head[0] = nameBytes.length
      nameBytes.copy(head, 1)
      head[1 + nameBytes.length] = STRING
      head.writeUInt16BE(valueBytes.length, 2 + nameBytes.length)
      return Buffer.concat([head, valueBytes])
    }),
  )
  const total = 12 + headerBytes.length + payload.byteLength + 4
  const message = Buffer.alloc(total)
  message.writeUInt32BE(total, 0)
  message.writeUInt32BE(headerBytes.length, 4)
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8)
  headerBytes.copy(message, 12)
  message.set(payload, 12 + headerBytes.length)
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4)
  return message
}

export function payloadChunkFrame(payload: Uint8Array): Buffer {
  return frame({ ':event-type': 'PayloadChunk', ':content-type': 'application/octet-stream', ':message-type': 'event' }, payload)
}

/** The last frame: `ErrorCode`/`ErrorDetails` when the function failed, `LogResult` with `LogType: Tail`. */
export function invokeCompleteFrame(fields: { ErrorCode?: string; ErrorDetails?: string; LogResult?: string }): Buffer {
  return frame({ ':event-type': 'InvokeComplete', ':content-type': 'application/json', ':message-type': 'event' }, Buffer.from(JSON.stringify(fields)))
}
