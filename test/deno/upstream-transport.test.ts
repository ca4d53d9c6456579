/// <reference lib="deno.ns" />
// Deno's upstream transport (Node's, through Deno's node:http): a streamed request body after
// requests that left kept-alive connections behind still arrives whole. Deno's node:http
// stalls a streamed body written on a connection it reuses, so such a body goes on a new one.

import { deepStrictEqual } from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { UpstreamRequest } from '../../src/proxy/upstream-transport.ts'
import { denoUpstreamTransport } from '../../src/runtime/deno/upstream-transport.ts'

Deno.test({
  name: 'a streamed body after two GETs on kept-alive connections arrives whole (Deno stalls one on a reused connection)',
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const server = http.createServer((request, response) => {
      let size = 0
      request.on('data', (chunk: Uint8Array) => {
        size += chunk.byteLength
      })
      request.on('end', () => response.end(String(size)))
    })
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
    const base = {
      protocol: 'http',
      host: '127.0.0.1',
      port: (server.address() as AddressInfo).port,
      target: '/',
      runtime: undefined,
      timeouts: { connectMs: 2000, writeMs: 2000, readMs: 2000 },
    } as const
    const send = async (request: Pick<UpstreamRequest, 'method' | 'headers' | 'body'>) => (await denoUpstreamTransport({ ...base, ...request })).text()
    try {
      for (let i = 0; i < 2; i++) deepStrictEqual(await send({ method: 'GET', headers: [['host', 'upstream.test']], body: null }), '0')
      const size = 1024 * 1024
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < size; at += 65536) controller.enqueue(new Uint8Array(65536))
          controller.close()
        },
      })
      const headers: UpstreamRequest['headers'] = [
        ['host', 'upstream.test'],
        ['content-length', String(size)],
      ]
      deepStrictEqual(await send({ method: 'POST', headers, body: { stream: body, limit: 0, started: false, failure: undefined } }), String(size))
    } finally {
      server.close()
    }
  },
})
