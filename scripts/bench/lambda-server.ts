// The benchmark's upstream: the Lambda Invoke API at its cheapest. It reads the payload to
// the end, checks nothing (no signature, no function lookup) and answers a small
// proxy-integration result, so the time measured is the gateway's, not the function's.

import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { announce } from './listening.ts'

const RESULT = JSON.stringify({ statusCode: 200, body: 'ok' })
const INVOKE_PATH = /^\/2015-03-31\/functions\/[^/]+\/invocations(?:\?|$)/

const server = http.createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  request.resume()
  request.once('end', () => {
    if (request.method !== 'POST' || !INVOKE_PATH.test(request.url ?? '')) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not an Invoke call"}')
      return
    }
    response.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' }).end(RESULT)
  })
})
server.listen(0, '127.0.0.1', () => announce((server.address() as AddressInfo).port))
