// The benchmark's upstream: the Lambda Invoke API at its cheapest. It reads the payload to
// the end, checks nothing (no signature, no function lookup) and answers a small
// proxy-integration result, so the time measured is the gateway's, not the function's.
// InvokeWithResponseStream (the streaming case) answers in real event-stream frames: an HTTP
// integration prelude and the first event at once, then STREAM.events more on a timer.

import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { invokeComplete, payloadChunk } from '../../test/support/event-stream-encoder.ts'
import { STREAM } from './bench-config.ts'
import { announce } from './listening.ts'

const RESULT = JSON.stringify({ statusCode: 200, body: 'ok' })
const INVOKE_PATH = /^\/2015-03-31\/functions\/[^/]+\/invocations(?:\?|$)/
const STREAM_PATH = /^\/2021-11-15\/functions\/[^/]+\/response-streaming-invocations(?:\?|$)/

const PRELUDE = Buffer.concat([Buffer.from(JSON.stringify({ statusCode: 200, headers: { 'content-type': 'text/event-stream' } })), Buffer.alloc(8)])
/** One server-sent event of STREAM.eventBytes, numbered. */
const event = (n: number) => Buffer.from(`data: ${String(n).padStart(4, '0')} ${'x'.repeat(STREAM.eventBytes - 13)}\n\n`)

function stream(response: http.ServerResponse): void {
  response.writeHead(200, { 'content-type': 'application/vnd.awslambda.http-integration-response' })
  response.write(payloadChunk(Buffer.concat([PRELUDE, event(0)])))
  let sent = 0
  const timer = setInterval(() => {
    if (response.destroyed) return clearInterval(timer)
    response.write(payloadChunk(event(++sent)))
    if (sent < STREAM.events) return
    clearInterval(timer)
    response.end(invokeComplete())
  }, STREAM.intervalMs)
}

const server = http.createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  request.resume()
  request.once('end', () => {
    const url = request.url ?? ''
    if (request.method === 'POST' && INVOKE_PATH.test(url)) {
      response.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' }).end(RESULT)
    } else if (request.method === 'POST' && STREAM_PATH.test(url)) {
      stream(response)
    } else {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not an Invoke call"}')
    }
  })
})
server.listen(0, '127.0.0.1', () => announce((server.address() as AddressInfo).port))
