// The plain-proxy case's upstream: an HTTP service at its cheapest. It reads the request body to
// the end, counting its bytes and keeping none, then answers as many bytes (at most 1 MiB) from
// one buffer made at start, so every proxy in front of it carries the same size each way.
// Usage: node scripts/bench/plain-upstream.ts

import { randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { announce } from './listening.ts'

const ANSWER = randomBytes(1024 * 1024)

const server = http.createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  let bytes = 0
  request.on('data', (chunk: Buffer) => {
    bytes += chunk.byteLength
  })
  request.once('end', () => {
    const length = Math.min(bytes, ANSWER.byteLength)
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': length }).end(ANSWER.subarray(0, length))
  })
})
server.listen(0, '127.0.0.1', () => announce((server.address() as AddressInfo).port))
