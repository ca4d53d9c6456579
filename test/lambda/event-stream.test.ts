// The response-streaming decoders against bytes made outside them: a published example of the
// event stream encoding and the tests' own encoder (test/support/event-stream-encoder.ts).

import { describe, expect, it } from 'vitest'
import { EventStreamDecoder, EventStreamError, type EventMessage } from '../../src/lambda/stream/event-stream.ts'
import { PreludeSplitter } from '../../src/lambda/stream/http-prelude.ts'
import { InvokeEventReader } from '../../src/lambda/stream/invoke-events.ts'
import { BadProxyResponse } from '../../src/lambda/response/proxy-integration.ts'
import { encodeMessage, invokeComplete, payloadChunk } from '../support/event-stream-encoder.ts'

/** The example of the `event_stream` Elixir package's docs: `{"foo": "bar"}` without and with a content-type header. */
const PUBLISHED = [
  Uint8Array.from([0, 0, 0, 30, 0, 0, 0, 0, 186, 242, 246, 138, ...Buffer.from('{"foo": "bar"}'), 174, 114, 88, 228]),
  Uint8Array.from([
    0, 0, 0, 62, 0, 0, 0, 32, 64, 93, 249, 70, 12, ...Buffer.from('content-type'), 7, 0, 16, ...Buffer.from('application/json'),
    ...Buffer.from('{"foo": "bar"}'), 111, 162, 191, 59,
  ]),
]

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)
const decodeAll = (...chunks: Uint8Array[]) => {
  const decoder = new EventStreamDecoder()
  return chunks.flatMap((chunk) => decoder.push(chunk))
}
const summary = (messages: EventMessage[]) => messages.map((m) => ({ headers: m.headers, payload: text(m.payload) }))

describe('event stream decoder', () => {
  it('decodes the published example, which the tests\' encoder reproduces byte for byte', () => {
    expect(summary(decodeAll(PUBLISHED[0]))).toEqual([{ headers: {}, payload: '{"foo": "bar"}' }])
    expect(summary(decodeAll(PUBLISHED[1]))).toEqual([{ headers: { 'content-type': 'application/json' }, payload: '{"foo": "bar"}' }])
    expect(encodeMessage({}, '{"foo": "bar"}')).toEqual(Buffer.from(PUBLISHED[0]))
    expect(encodeMessage({ 'content-type': 'application/json' }, '{"foo": "bar"}')).toEqual(Buffer.from(PUBLISHED[1]))
  })

  it('reads every header value type', () => {
    const uuid = Uint8Array.from({ length: 16 }, (_, i) => i)
    const [message] = decodeAll(encodeMessage({
      yes: { type: 'bool', value: true }, no: { type: 'bool', value: false },
      byte: { type: 'byte', value: -2 }, short: { type: 'short', value: -300 }, int: { type: 'int', value: 70000 },
      long: { type: 'long', value: -(2n ** 40n) }, time: { type: 'timestamp', value: 1700000000000n },
      bytes: { type: 'bytes', value: Uint8Array.from([1, 2, 3]) }, uuid: { type: 'uuid', value: uuid }, text: 'héllo',
    }, 'p'))
    // Byte values are views of the received bytes (here Buffers): compared as plain arrays.
    const plain = Object.fromEntries(Object.entries(message.headers).map(([name, value]) => [name, value instanceof Uint8Array ? [...value] : value]))
    expect(plain).toEqual({
      yes: true, no: false, byte: -2, short: -300, int: 70000, long: -(2n ** 40n), time: 1700000000000n,
      bytes: [1, 2, 3], uuid: [...uuid], text: 'héllo',
    })
  })

  it('gives the same messages however the bytes are cut', () => {
    const stream = Buffer.concat([payloadChunk('one'), payloadChunk(''), payloadChunk('three'), invokeComplete({ ErrorCode: 'Unhandled' })])
    const whole = summary(decodeAll(stream))
    expect(whole.map((m) => m.payload)).toEqual(['one', '', 'three', '{"ErrorCode":"Unhandled"}'])
    for (let cut = 1; cut < stream.length; cut++) expect(summary(decodeAll(stream.subarray(0, cut), stream.subarray(cut)))).toEqual(whole)
    expect(summary(decodeAll(...Array.from(stream, (byte) => Uint8Array.of(byte))))).toEqual(whole)
  })

  it('holds an incomplete message until the rest arrives', () => {
    const decoder = new EventStreamDecoder()
    const message = payloadChunk('later')
    expect(decoder.push(message.subarray(0, 20))).toEqual([])
    expect(decoder.buffered).toBe(20)
    expect(decoder.push(message.subarray(20)).map((m) => text(m.payload))).toEqual(['later'])
    expect(decoder.buffered).toBe(0)
  })

  it.each([
    ['prelude', 9, 'prelude CRC mismatch'],
    ['length field', 2, 'prelude CRC mismatch'],
    ['payload', -6, 'message CRC mismatch'],
    ['message CRC', -1, 'message CRC mismatch'],
  ])('refuses a corrupted %s', (_, at, reason) => {
    const message = payloadChunk('payload')
    message[at < 0 ? message.length + at : at] ^= 0x01
    expect(() => decodeAll(message)).toThrow(new EventStreamError(reason))
  })
})

/** A body stream that yields these chunks and records whether it was cancelled. */
function body(...chunks: Uint8Array[]) {
  const state = { cancelled: false }
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks.shift()
      if (chunk) controller.enqueue(chunk)
      else controller.close()
    },
    cancel() {
      state.cancelled = true
    },
  })
  return { stream, state }
}

/** The read timeout is the caller's: these tests time nothing. */
const IGNORE_WAITS = { startWaiting: () => {}, stopWaiting: () => {} }

describe('InvokeWithResponseStream events', () => {
  it('reads PayloadChunk and InvokeComplete, skipping event types it does not know', async () => {
    let reads = 0
    const { stream } = body(payloadChunk('a'), encodeMessage({ ':event-type': 'SomethingNew', ':message-type': 'event' }, 'x'),
      invokeComplete({ ErrorCode: 'Unhandled', ErrorDetails: 'boom', LogResult: 'dGFpbA==' }))
    const events = new InvokeEventReader(stream, { startWaiting: () => reads++, stopWaiting: () => {} })
    const chunk = await events.next()
    expect(chunk.type === 'chunk' && text(chunk.payload)).toBe('a')
    expect(await events.next()).toEqual({ type: 'complete', errorCode: 'Unhandled', errorDetails: 'boom', logResult: 'dGFpbA==' })
    expect(reads).toBe(3)
  })

  it('a stream that ends without InvokeComplete, or inside a message, is an error', async () => {
    const early = new InvokeEventReader(body(payloadChunk('a')).stream, IGNORE_WAITS)
    await early.next()
    await expect(early.next()).rejects.toThrow('response stream ended without InvokeComplete')
    const cut = new InvokeEventReader(body(payloadChunk('a').subarray(0, 10)).stream, IGNORE_WAITS)
    await expect(cut.next()).rejects.toThrow('response stream ended inside a message')
  })

  it('an exception message is an error', async () => {
    const exception = encodeMessage({ ':message-type': 'exception', ':exception-type': 'ServiceException' }, '{"message":"down"}')
    await expect(new InvokeEventReader(body(exception).stream, IGNORE_WAITS).next()).rejects.toThrow('Lambda sent ServiceException in the response stream')
  })

  it('cancel() cancels the body', () => {
    const { stream, state } = body(payloadChunk('a'))
    new InvokeEventReader(stream, IGNORE_WAITS).cancel()
    expect(state.cancelled).toBe(true)
  })
})

describe('HTTP integration response prelude', () => {
  const bytes = (...parts: Array<string | number[]>) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p)] : p)))

  it('finds the 8 NUL bytes across chunks and keeps the body bytes after them', () => {
    const splitter = new PreludeSplitter()
    expect(splitter.push(bytes('{"statusCode":201}', [0, 0, 0]))).toBeUndefined()
    const split = splitter.push(bytes([0, 0, 0, 0, 0], 'body'))!
    expect(text(split.prelude)).toBe('{"statusCode":201}')
    expect(text(split.rest)).toBe('body')
  })

  it('refuses a NUL that does not start 8 of them, and a prelude that never ends', () => {
    expect(() => new PreludeSplitter().push(bytes('{}', [0, 0, 1, 0, 0, 0, 0, 0]))).toThrow(BadProxyResponse)
    const splitter = new PreludeSplitter()
    expect(() => { for (let i = 0; i < 80; i++) splitter.push(bytes(' '.repeat(1024))) }).toThrow('streamed response prelude longer than 65536 bytes')
  })
})
