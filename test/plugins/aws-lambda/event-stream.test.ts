// The response-streaming decoders against bytes made outside them: a published example of the
// event stream encoding and the tests' own encoder (test/support/event-stream-encoder.ts).

import { describe, expect, it } from 'vitest'
import { BadProxyResponse } from '../../../src/plugins/aws-lambda/response/proxy-integration.ts'
import { type EventMessage, EventStreamDecoder, EventStreamError, MAX_MESSAGE_BYTES } from '../../../src/plugins/aws-lambda/stream/event-stream.ts'
import { PreludeSplitter } from '../../../src/plugins/aws-lambda/stream/http-prelude.ts'
import { InvokeEventReader } from '../../../src/plugins/aws-lambda/stream/invoke-events.ts'
import { crc32, encodeMessage, invokeComplete, payloadChunk, writeAndReadAll } from '../../support/event-stream-encoder.ts'

/** The example of the `event_stream` Elixir package's docs: `{"foo": "bar"}` without and with a content-type header. */
const PUBLISHED = [
  Uint8Array.from([0, 0, 0, 30, 0, 0, 0, 0, 186, 242, 246, 138, ...Buffer.from('{"foo": "bar"}'), 174, 114, 88, 228]),
  Uint8Array.from([
    0,
    0,
    0,
    62,
    0,
    0,
    0,
    32,
    64,
    93,
    249,
    70,
    12,
    ...Buffer.from('content-type'),
    7,
    0,
    16,
    ...Buffer.from('application/json'),
    ...Buffer.from('{"foo": "bar"}'),
    111,
    162,
    191,
    59,
  ]),
]

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)
const decodeAll = (...chunks: Uint8Array[]) => {
  const decoder = new EventStreamDecoder()
  return chunks.flatMap((chunk) => writeAndReadAll(decoder, chunk))
}
/**
 * A message from raw parts whatever its lengths claim, both CRCs correct: `total` and
 * `headersLength` as given, then `body` (headers and payload) and the message CRC.
 */
function frame(total: number, headersLength: number, body: Uint8Array = new Uint8Array(0)): Buffer {
  const message = Buffer.alloc(12 + body.length + 4)
  message.writeUInt32BE(total, 0)
  message.writeUInt32BE(headersLength, 4)
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8)
  message.set(body, 12)
  message.writeUInt32BE(crc32(message.subarray(0, message.length - 4)), message.length - 4)
  return message
}
/** A message whose headers section is `headers` (raw bytes), lengths and CRCs correct. */
const withHeaderBytes = (headers: number[], payload = 'p') => {
  const body = Buffer.concat([Buffer.from(headers), Buffer.from(payload)])
  return frame(12 + body.length + 4, headers.length, body)
}
const summary = (messages: EventMessage[]) => messages.map((m) => ({ headers: m.headers, payload: text(m.payload) }))

describe('event stream decoder', () => {
  it("decodes the published example, which the tests' encoder reproduces byte for byte", () => {
    expect(summary(decodeAll(PUBLISHED[0]))).toEqual([{ headers: {}, payload: '{"foo": "bar"}' }])
    expect(summary(decodeAll(PUBLISHED[1]))).toEqual([{ headers: { 'content-type': 'application/json' }, payload: '{"foo": "bar"}' }])
    expect(encodeMessage({}, '{"foo": "bar"}')).toEqual(Buffer.from(PUBLISHED[0]))
    expect(encodeMessage({ 'content-type': 'application/json' }, '{"foo": "bar"}')).toEqual(Buffer.from(PUBLISHED[1]))
  })

  it('reads every header value type', () => {
    const uuid = Uint8Array.from({ length: 16 }, (_, i) => i)
    const [message] = decodeAll(
      encodeMessage(
        {
          yes: { type: 'bool', value: true },
          no: { type: 'bool', value: false },
          byte: { type: 'byte', value: -2 },
          short: { type: 'short', value: -300 },
          int: { type: 'int', value: 70000 },
          long: { type: 'long', value: -(2n ** 40n) },
          time: { type: 'timestamp', value: 1700000000000n },
          bytes: { type: 'bytes', value: Uint8Array.from([1, 2, 3]) },
          uuid: { type: 'uuid', value: uuid },
          text: 'héllo',
        },
        'p',
      ),
    )
    // Byte values are views of the received bytes (here Buffers): compared as plain arrays.
    const plain = Object.fromEntries(Object.entries(message.headers).map(([name, value]) => [name, value instanceof Uint8Array ? [...value] : value]))
    expect(plain).toEqual({
      yes: true,
      no: false,
      byte: -2,
      short: -300,
      int: 70000,
      long: -(2n ** 40n),
      time: 1700000000000n,
      bytes: [1, 2, 3],
      uuid: [...uuid],
      text: 'héllo',
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
    expect(writeAndReadAll(decoder, message.subarray(0, 20))).toEqual([])
    expect(decoder.buffered).toBe(20)
    expect(writeAndReadAll(decoder, message.subarray(20)).map((m) => text(m.payload))).toEqual(['later'])
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

  it('refuses a declared length over the limit from the prelude alone, instead of waiting for it', () => {
    for (const total of [MAX_MESSAGE_BYTES + 1, 0x7fffffff, 0xffffffff]) {
      const decoder = new EventStreamDecoder()
      expect(() => writeAndReadAll(decoder, frame(total, 0).subarray(0, 12))).toThrow(new EventStreamError(`impossible message length ${total} (headers 0)`))
    }
    // The largest allowed length is waited for.
    const decoder = new EventStreamDecoder()
    expect(writeAndReadAll(decoder, frame(MAX_MESSAGE_BYTES, 0).subarray(0, 12))).toEqual([])
    expect(decoder.buffered).toBe(12)
  })

  it('refuses a length too short for prelude and CRC, and headers longer than the message', () => {
    // A 12-byte "message" is its prelude alone: its CRC field would pass as the message CRC.
    for (const total of [0, 2, 12, 15]) {
      expect(() => decodeAll(frame(total, 0))).toThrow(new EventStreamError(`impossible message length ${total} (headers 0)`))
    }
    const body = Buffer.from([1, 0x61, 7, 0, 1, 0x62]) // a: 'b'
    expect(summary(decodeAll(frame(22, 6, body)))).toEqual([{ headers: { a: 'b' }, payload: '' }])
    expect(() => decodeAll(frame(22, 7, body))).toThrow(new EventStreamError('impossible message length 22 (headers 7)'))
    expect(() => decodeAll(frame(22, 0xffffffff, body))).toThrow(new EventStreamError('impossible message length 22 (headers 4294967295)'))
  })

  it.each([
    ['a name longer than the section', [5, 0x61, 0x62]],
    ['a name without its value type', [1, 0x61]],
    ['an int value cut short', [1, 0x61, 4, 0, 0]],
    ['a long value cut short', [1, 0x61, 5, 0, 0, 0, 0, 0, 0, 0]],
    ['a string length past the end', [1, 0x61, 7, 0, 3, 0x62, 0x63]],
    ['a byte-array length cut short', [1, 0x61, 6, 0]],
    ['a UUID cut short', [1, 0x61, 9, ...new Array(15).fill(0)]],
  ])('refuses a header that runs past the headers section: %s', (_, headers) => {
    expect(() => decodeAll(withHeaderBytes(headers))).toThrow(new EventStreamError('header runs past the headers section'))
  })

  it.each([10, 42, 255])('refuses header value type %i', (type) => {
    expect(() => decodeAll(withHeaderBytes([1, 0x61, 0, 1, 0x62, type, 0, 0]))).toThrow(new EventStreamError(`unknown header value type ${type}`))
  })

  it("keeps a header named __proto__ as a header, not the headers' prototype", () => {
    const uuid = Uint8Array.from({ length: 16 }, (_, i) => i)
    for (const value of ['text', { type: 'uuid' as const, value: uuid }]) {
      const [message] = decodeAll(encodeMessage({ ['__proto__']: value, ':event-type': 'PayloadChunk' }, 'p'))
      expect(Object.getPrototypeOf(message.headers)).toBeNull()
      expect(Object.keys(message.headers)).toEqual(['__proto__', ':event-type'])
      expect(Object.getOwnPropertyDescriptor(message.headers, '__proto__')?.value).toEqual(typeof value === 'string' ? value : Buffer.from(uuid))
      expect(message.headers[':event-type']).toBe('PayloadChunk')
      expect(message.headers.constructor).toBeUndefined()
    }
  })

  it('read() gives one message at a time after write(), and the messages before a corrupt one', () => {
    const decoder = new EventStreamDecoder()
    const corrupt = payloadChunk('bad')
    corrupt[corrupt.length - 1] ^= 1
    decoder.write(Buffer.concat([payloadChunk('one'), payloadChunk('two'), corrupt]))
    expect(text(decoder.read()!.payload)).toBe('one')
    expect(text(decoder.read()!.payload)).toBe('two')
    expect(() => decoder.read()).toThrow(new EventStreamError('message CRC mismatch'))
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
    const { stream } = body(
      payloadChunk('a'),
      encodeMessage({ ':event-type': 'SomethingNew', ':message-type': 'event' }, 'x'),
      invokeComplete({ ErrorCode: 'Unhandled', ErrorDetails: 'boom', LogResult: 'dGFpbA==' }),
    )
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
    expect(() => {
      for (let i = 0; i < 80; i++) splitter.push(bytes(' '.repeat(1024)))
    }).toThrow('streamed response prelude longer than 65536 bytes')
  })

  /** Each push's answer for the stream cut at these offsets: undefined, the split as text, or the error. */
  const pushes = (stream: Uint8Array, cuts: number[]) => {
    const splitter = new PreludeSplitter()
    const answers: Array<string | undefined> = []
    for (const [i, start] of [0, ...cuts].entries()) {
      try {
        const split = splitter.push(stream.subarray(start, cuts[i] ?? stream.length))
        answers.push(split && `${text(split.prelude)}|${text(split.rest)}`)
      } catch (error) {
        answers.push(`${(error as Error).name}: ${(error as Error).message}`)
        break
      }
    }
    return answers
  }

  it('answers on the push that completes the delimiter, wherever the chunks are cut', () => {
    const stream = bytes('{"statusCode":201}', [0, 0, 0, 0, 0, 0, 0, 0], 'body')
    const whole = 18 + 8
    for (let first = 0; first <= stream.length; first++) {
      for (let second = first; second <= stream.length; second++) {
        const answers = pushes(stream, [first, second])
        // The first push whose chunk ends at or past the delimiter answers, with the body received so far.
        const ends = [first, second, stream.length]
        const at = ends.findIndex((end) => end >= whole)
        expect(answers[at]).toBe(`{"statusCode":201}|${text(stream.subarray(whole, ends[at]))}`)
        expect(answers.slice(0, at).every((answer) => answer === undefined)).toBe(true)
      }
    }
    expect(
      pushes(
        stream,
        Array.from({ length: stream.length - 1 }, (_, i) => i + 1),
      )[whole - 1],
    ).toBe('{"statusCode":201}|')
  })

  it('refuses a short run of NULs on the push that completes 8 bytes after the first, wherever the chunks are cut', () => {
    const stream = bytes('{}', [0, 0, 0, 0, 0, 0, 0, 1], 'body')
    for (let first = 0; first <= stream.length; first++) {
      for (let second = first; second <= stream.length; second++) {
        const answers = pushes(stream, [first, second])
        const at = first >= 10 ? 0 : second >= 10 ? 1 : 2
        expect(answers).toEqual([...new Array(at).fill(undefined), 'BadProxyResponse: streamed response prelude is not followed by 8 NUL bytes'])
      }
    }
  })

  it('refuses a prelude past 64 KiB without the delimiter, in one push or many', () => {
    const fill = (length: number) => new Uint8Array(length).fill(0x20)
    const cap = 'BadProxyResponse: streamed response prelude longer than 65536 bytes'
    expect(pushes(fill(65536), [])).toEqual([undefined])
    expect(pushes(fill(65537), [])).toEqual([cap])
    expect(pushes(fill(65537), [65536])).toEqual([undefined, cap])
    expect(pushes(fill(65537), [1, 2, 65535])).toEqual([undefined, undefined, undefined, cap])
    // The cap is on bytes held while the delimiter is incomplete: a push that completes it is split.
    const late = bytes(' '.repeat(65535), [0, 0, 0, 0, 0, 0, 0, 0], 'b')
    const split = (cuts: number[]) => pushes(late, cuts).map((answer) => answer?.replace(/^ {65535}\|/, '<prelude>|'))
    expect(split([])).toEqual(['<prelude>|b'])
    expect(split([65536])).toEqual([undefined, '<prelude>|b'])
    expect(split([65537])).toEqual([cap])
  })
})
