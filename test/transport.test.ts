// The core's reading of answers (src/transport.ts) over real loopback connections, through the
// runtime's fetch and through the Node transport: credential answers stop at 64 KiB, compressed
// answers are refused unread, and Accept-Encoding asks for none. "Stops reading" is proved by the
// server, which writes only as fast as the client reads and sees its connection close first.

import { Buffer } from 'node:buffer'
import { createServer } from 'node:net'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { responseOf } from '../src/http/held-body.ts'
import { directFetch } from '../src/runtime/node/transport.ts'
import { AnswerRefused, type Fetch, fetchText, fetchTransport, readLimited, TransportFailure } from '../src/transport.ts'
import { collectHeaders, type LoopbackServer, listenLoopback } from './support/credential-tables.ts'
import { failure } from './support/expect-error.ts'
import { repeated } from './support/mock-invoke-limits.ts'
import { whenClosed, writeSteps } from './support/mock-streaming-functions.ts'

/** More than the sockets between server and client can hold (tcp_rmem's maximum is 32 MiB here and there). */
const LARGE_BYTES = 64 * 1024 * 1024
const CHUNK = Buffer.alloc(64 * 1024, 'z')

let server: LoopbackServer
let lastHeaders: Record<string, string> = {}

beforeAll(async () => {
  server = await listenLoopback((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    lastHeaders = collectHeaders(req)
    req.resume()
    if (url.pathname === '/large') {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' }
      if (url.searchParams.has('length')) headers['Content-Length'] = String(LARGE_BYTES)
      res.writeHead(200, headers)
      // Each chunk written once the one before was taken; how it ended is told by whenClosed(id).
      writeSteps(res, url.searchParams.get('id') ?? '', repeated(CHUNK, LARGE_BYTES))
    } else if (url.pathname === '/gzip') {
      const body = gzipSync('{"Code":"Success"}')
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': String(body.length) })
      res.end(body)
    } else res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok')
  })
})
afterAll(() => server.close())

const transports: Array<[string, Fetch]> = [
  ["the runtime's fetch", fetchTransport({ proxyUrl: undefined, verifyTls: true })],
  ['the Node transport', directFetch],
]

describe.each(transports)('fetchText through %s', (_name, fetch) => {
  it.each([
    ['chunked', ''],
    ['with its Content-Length', '&length'],
  ])('an answer over 64 KiB (%s) fails there, and the connection closes long before its end', async (_how, length) => {
    const id = crypto.randomUUID()
    const error = await failure(fetchText(fetch, `${server.url}/large?id=${id}${length}`, { method: 'GET' }, 10_000))
    expect(error).toBeInstanceOf(TransportFailure)
    expect(error.message).toBe('answer larger than 65536 bytes: not read further')
    const ended = await whenClosed(id)
    expect(ended.finished, `wrote ${ended.written} bytes`).toBe(false)
  })

  it('an answer over the limit that arrived whole, with its head, fails as one still arriving does', async () => {
    const read = async () => readLimited(await fetch(`${server.url}/plain`, { method: 'GET', wholeBody: true, maxBodyBytes: 1 }), 1)
    const error = await failure(read())
    expect(error).toBeInstanceOf(AnswerRefused)
    expect(error.message).toBe('answer larger than 1 bytes: not read further')
    // Within the limit, the same answer is read whole.
    expect(new TextDecoder().decode(await readLimited(await fetch(`${server.url}/plain`, { method: 'GET', wholeBody: true, maxBodyBytes: 2 }), 2))).toBe('ok')
  })

  it('asks for no compression, keeping the caller’s headers, and refuses a compressed answer unread', async () => {
    expect((await fetchText(fetch, `${server.url}/plain`, { method: 'GET', headers: { authorization: 'token' } }, 10_000)).text).toBe('ok')
    expect(lastHeaders).toMatchObject({ 'accept-encoding': 'identity', authorization: 'token' })
    const error = await failure(fetchText(fetch, `${server.url}/gzip`, { method: 'GET' }, 10_000))
    expect(error).toBeInstanceOf(TransportFailure)
    expect(error.message).toBe('answer compressed (Content-Encoding: gzip) though the gateway asked for none: not read')
  })
})

describe('the Node transport', () => {
  it('rejects a collected answer over maxBodyBytes itself, also one that arrived whole with its head', async () => {
    const error = await failure(directFetch(`${server.url}/plain`, { method: 'GET', wholeBody: true, maxBodyBytes: 1 }))
    expect(error).toBeInstanceOf(AnswerRefused)
    expect(error.message).toBe('answer larger than 1 bytes: not read further')
  })

  it('an answer whose head fetch refuses (status 600), body and all in one read, is a rejection, not an uncaught error', async () => {
    const raw = createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 600 Weird\r\nContent-Length: 2\r\n\r\nok'))
    })
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(raw.address() as { port: number }).port}/`
      expect(await failure(directFetch(url, { method: 'GET', wholeBody: true, maxBodyBytes: 100 }))).toBeInstanceOf(RangeError)
    } finally {
      raw.close()
    }
  })
})

describe('readLimited', () => {
  /** A body of `chunks` 4-byte chunks that counts what was pulled from it and whether it was cancelled. */
  function countingBody(chunks: number, headers: Record<string, string> = {}) {
    const seen = { pulled: 0, cancelled: false }
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (seen.pulled === chunks) return controller.close()
          seen.pulled++
          controller.enqueue(new Uint8Array(4).fill(seen.pulled))
        },
        cancel() {
          seen.cancelled = true
        },
      },
      { highWaterMark: 0 },
    )
    return { response: new Response(body, { headers }), seen }
  }

  it('returns a body of at most the limit whole, in order', async () => {
    const { response } = countingBody(3)
    expect([...(await readLimited(response, 12))]).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3])
  })

  it('stops at the chunk that crosses the limit and cancels the body', async () => {
    const { response, seen } = countingBody(1000)
    const error = await failure(readLimited(response, 10))
    expect(error).toBeInstanceOf(AnswerRefused)
    expect(seen).toEqual({ pulled: 3, cancelled: true })
  })

  it('refuses unread a body whose Content-Length is over the limit, or that is compressed', async () => {
    for (const headers of [{ 'content-length': '11' }, { 'content-encoding': 'br' }] as Record<string, string>[]) {
      const { response, seen } = countingBody(1, headers)
      expect(await failure(readLimited(response, 10))).toBeInstanceOf(AnswerRefused)
      expect(seen).toEqual({ pulled: 0, cancelled: true })
    }
    const { response } = countingBody(1, { 'content-encoding': 'identity', 'content-length': '4' })
    expect(await readLimited(response, 10)).toEqual(new Uint8Array(4).fill(1))
  })

  it('takes bytes a transport collected as they are, and still refuses them over the limit or compressed', async () => {
    const bytes = new Uint8Array([1, 2, 3, 4])
    expect(await readLimited(responseOf(bytes, {}), 4)).toBe(bytes)
    expect(await failure(readLimited(responseOf(bytes, {}), 3))).toBeInstanceOf(AnswerRefused)
    expect(await failure(readLimited(responseOf(bytes, { headers: { 'content-encoding': 'gzip' } }), 10))).toBeInstanceOf(AnswerRefused)
  })
})
