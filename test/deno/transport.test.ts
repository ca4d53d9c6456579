/// <reference lib="deno.ns" />
// The credential answers' cap and the refusal of compressed answers (fetchText) under Deno,
// through both of its transports: Deno's own fetch (STS) and the node:http transport through
// Deno's node: compatibility (the metadata endpoints). The server writes only as fast as the
// client reads, and sees its connection close before the end.

import { deepStrictEqual, ok } from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { gzipSync } from 'node:zlib'
import { denoTransport } from '../../src/runtime/deno/transport.ts'
import { directFetch } from '../../src/runtime/node/transport.ts'
import { type Fetch, fetchText } from '../../src/transport.ts'
import { collectHeaders, listenLoopback } from '../support/credential-tables.ts'
import { failure } from '../support/expect-error.ts'
import { repeated } from '../support/mock-invoke-limits.ts'
import { whenClosed, writeSteps } from '../support/mock-streaming-functions.ts'

const LARGE_BYTES = 64 * 1024 * 1024

Deno.test({
  name: 'fetchText under Deno: an answer over 64 KiB fails there, its connection closed early; a compressed one is refused; identity is asked for',
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    let lastHeaders: Record<string, string> = {}
    const server = await listenLoopback((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      lastHeaders = collectHeaders(req)
      req.resume()
      if (url.pathname === '/large') {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        writeSteps(res, url.searchParams.get('id') ?? '', repeated(Buffer.alloc(64 * 1024, 'z'), LARGE_BYTES))
      } else if (url.pathname === '/gzip') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }).end(gzipSync('{}'))
      } else res.writeHead(200).end('ok')
    })
    const transports: Array<[string, Fetch]> = [
      ["Deno's fetch", denoTransport({ proxyUrl: undefined, verifyTls: true })],
      ['the node:http transport', directFetch],
    ]
    try {
      for (const [name, fetch] of transports) {
        const id = crypto.randomUUID()
        const error = await failure(fetchText(fetch, `${server.url}/large?id=${id}`, { method: 'GET' }, 10_000))
        deepStrictEqual(error.message, 'answer larger than 65536 bytes: not read further', name)
        const closed = await whenClosed(id)
        deepStrictEqual(closed.finished, false, `${name}: the connection closed before the end (${closed.written} bytes written)`)
        deepStrictEqual((await fetchText(fetch, `${server.url}/plain`, { method: 'GET' }, 10_000)).text, 'ok', name)
        deepStrictEqual(lastHeaders['accept-encoding'], 'identity', name)
        const compressed = await failure(fetchText(fetch, `${server.url}/gzip`, { method: 'GET' }, 10_000))
        ok(compressed.message.startsWith('answer compressed (Content-Encoding: gzip)'), `${name}: ${compressed.message}`)
      }
    } finally {
      await server.close()
    }
  },
})

Deno.test({
  name: "the node:http transport under Deno sends the URL's Host once, and Content-Length: 0 for a bodiless PUT (the IMDSv2 token request)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    let seen: Array<[string, string]> = []
    const server = await listenLoopback((req, res) => {
      seen = []
      for (let i = 0; i < req.rawHeaders.length; i += 2) seen.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]])
      req.resume()
      res.writeHead(200).end('ok')
    })
    try {
      const host = new URL(server.url).host
      for (const [method, length] of [
        ['PUT', ['0']],
        ['GET', []],
      ] as const) {
        await (await directFetch(`${server.url}/token`, { method })).text()
        deepStrictEqual(
          seen.filter(([name]) => name === 'host').map(([, value]) => value),
          [host],
          method,
        )
        deepStrictEqual(
          seen.filter(([name]) => name === 'content-length').map(([, value]) => value),
          [...length],
          method,
        )
        ok(!seen.some(([name]) => name === 'transfer-encoding'), method)
      }
    } finally {
      await server.close()
    }
  },
})
