// The unsigned forwarders, the practical limit of a proxy on Node: node:http with a keep-alive
// agent, nothing else (event-forward.ts is the one that also builds the gateway's event).
// - `http-forward.ts LAMBDA_URL` (node-http-forward): a Hono app on @hono/node-server that
//   forwards the request body to the Invoke URL — no event, no signing — and answers what comes
//   back, both read whole, as a Lambda proxy must.
// - `http-forward.ts --pipe UPSTREAM_URL` (node-http-proxy): a bare node:http server (no Hono)
//   that pipes each request to the same path of the plain upstream and its answer back, both
//   streamed; it only drops the hop-by-hop `connection` header and lets the agent set Host.

import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { INVOKE_PATH } from './bench-config.ts'
import { announce } from './listening.ts'

const agent = new http.Agent({ keepAlive: true })

/** A request through the agent; `answer` gets the upstream's answer at its head. */
function send(url: URL, method: string, headers: http.OutgoingHttpHeaders, answer: (incoming: http.IncomingMessage) => void): http.ClientRequest {
  return http.request(url, { method, agent, headers }, answer)
}

function forwardWhole(invokeUrl: URL, body: Buffer): Promise<Response> {
  return new Promise((resolve, reject) => {
    const outgoing = send(invokeUrl, 'POST', { 'content-length': body.byteLength }, (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.once('end', () => resolve(new Response(Buffer.concat(chunks), { status: incoming.statusCode })))
      incoming.once('error', reject)
    })
    outgoing.once('error', reject)
    outgoing.end(body)
  })
}

/** The headers to pass on: all but `connection` (hop-by-hop) and `host` (the agent sets the upstream's). */
function passedOn(headers: http.IncomingHttpHeaders): http.IncomingHttpHeaders {
  const { connection: _, host: __, ...rest } = headers
  return rest
}

function pipeServer(upstream: string): http.Server {
  return http.createServer((request, response) => {
    const outgoing = send(new URL(request.url ?? '/', upstream), request.method ?? 'GET', passedOn(request.headers), (incoming) => {
      response.writeHead(incoming.statusCode ?? 502, passedOn(incoming.headers))
      incoming.pipe(response)
    })
    outgoing.once('error', () => response.destroy())
    request.pipe(outgoing)
  })
}

if (process.argv[2] === '--pipe') {
  const server = pipeServer(process.argv[3])
  server.listen(0, '127.0.0.1', () => announce((server.address() as AddressInfo).port))
} else {
  const invokeUrl = new URL(INVOKE_PATH, process.argv[2])
  const app = new Hono()
  app.all('*', async (c) => forwardWhole(invokeUrl, Buffer.from(await c.req.arrayBuffer())))
  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => announce(info.port))
}
