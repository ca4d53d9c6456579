// The mock Lambda's functions for the limits on what the gateway reads and for Invoke API errors
// whose body is not JSON. The large answers are written as the
// gateway takes them, and report through /__streams/{key}/closed how much was written before the
// connection closed: a gateway that stops reading at its cap closes it long before the end.

import { Buffer } from 'node:buffer'
import type { ServerResponse } from 'node:http'
import { constants, deflateRawSync, gzipSync } from 'node:zlib'
import { MAX_ANSWER_BYTES } from '../../src/plugins/aws-lambda/invoke.ts'
import { MAX_STREAMED_BYTES } from '../../src/plugins/aws-lambda/stream/invoke-events.ts'
import { invokeComplete, payloadChunk } from './event-stream-encoder.ts'
import { keyOf, type Step, writeSteps } from './mock-streaming-functions.ts'

/** What the functions send past the gateway's caps: more than the sockets between them can hold. */
export const PAST_CAP_BYTES = 64 * 1024 * 1024
/** Over-cap answers are written in chunks of this size. */
const CHUNK_BYTES = 64 * 1024

interface LimitsReply {
  status: number
  headers: Record<string, string>
  body?: string
  stream?: (res: ServerResponse) => void
}

/** The reply of one of this file's Invoke functions, else undefined. */
export function invokeLimitsReply(name: string, payload: Buffer): LimitsReply | undefined {
  // No Content-Length (chunked): only counting what arrives can stop it.
  const streamed = (headers: Record<string, string>, chunks: Iterable<Buffer>): LimitsReply => ({
    status: 200,
    headers,
    stream: (res) => writeSteps(res, keyOf(payload), chunks),
  })
  if (name.includes('functionOverCap')) {
    return streamed({ 'Content-Type': 'application/octet-stream' }, repeated(Buffer.alloc(CHUNK_BYTES, 'x'), MAX_ANSWER_BYTES + PAST_CAP_BYTES))
  }
  if (name.includes('functionGzipBomb')) return streamed({ 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, slices(gzipBomb()))
  const xml = /xmlError(\d{3})/.exec(name)
  if (xml) {
    return {
      status: Number(xml[1]),
      headers: { 'Content-Type': 'text/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">\n  <Error>\n    <Type>Sender</Type>\n    <Code>AccessDenied</Code>\n    <Message>User: arn:aws:iam::123456789012:user/gateway is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:secretFunctionName</Message>\n  </Error>\n  <RequestId>c0ffee00-0000-4000-8000-000000000000</RequestId>\n</ErrorResponse>\n`,
    }
  }
  const html = /htmlError(\d{3})/.exec(name)
  if (html) {
    return {
      status: Number(html[1]),
      headers: { 'Content-Type': 'text/html' },
      body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
    }
  }
  const empty = /emptyError(\d{3})/.exec(name)
  if (empty) {
    return { status: Number(empty[1]), headers: { 'x-amzn-ErrorType': 'InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/' } }
  }
  return undefined
}

/** InvokeWithResponseStream frames of 1 MiB of payload each, PAST_CAP_BYTES beyond the streamed cap, then InvokeComplete. */
export function* overCapFrames(): Generator<Step> {
  const payload = 1024 * 1024
  yield* repeated(payloadChunk(Buffer.alloc(payload, 'y')), MAX_STREAMED_BYTES + PAST_CAP_BYTES, payload)
  yield invokeComplete()
}

/** `chunk` until `total` bytes (counted `per` chunk) are out. */
export function* repeated(chunk: Buffer, total: number, per = chunk.length): Generator<Buffer> {
  for (let sent = 0; sent < total; sent += per) yield chunk
}

function* slices(body: Buffer): Generator<Buffer> {
  for (let at = 0; at < body.length; at += CHUNK_BYTES) yield body.subarray(at, at + CHUNK_BYTES)
}

/** Decoded, the bomb alone is twice the cap. */
const BOMB_BYTES = 2 * MAX_ANSWER_BYTES
let bomb: Buffer | undefined

/**
 * One gzip member: first a bomb, BOMB_BYTES of zeros squeezed into a few KiB, then PAST_CAP_BYTES
 * stored uncompressed. A gateway that refuses it, or stops decoding at its cap, never reads that
 * tail, so the connection closes long before the end; one that decodes everything reads it all.
 */
function gzipBomb(): Buffer {
  if (bomb) return bomb
  // A deflate stream's blocks may come from two compressions: the first ends byte-aligned (sync
  // flush) and not final; the stored blocks of the second (level 0) end the stream.
  const squeezed = deflateRawSync(Buffer.alloc(BOMB_BYTES), { level: 9, finishFlush: constants.Z_SYNC_FLUSH })
  const stored = deflateRawSync(Buffer.alloc(PAST_CAP_BYTES), { level: 0 })
  // The trailer (CRC-32 and size of the decoded bytes) of a gzip of the same bytes.
  const reference = gzipSync(Buffer.alloc(BOMB_BYTES + PAST_CAP_BYTES), { level: 1 })
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])
  bomb = Buffer.concat([header, squeezed, stored, reference.subarray(reference.length - 8)])
  return bomb
}
