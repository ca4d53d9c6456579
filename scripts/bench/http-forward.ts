// The node-http-forward target, the practical limit of a proxy on Node: a Hono app on
// @hono/node-server that forwards the request body to the Invoke URL with node:http and a
// keep-alive agent — no event, no signing — and answers what comes back.
// Usage: node scripts/bench/http-forward.ts LAMBDA_URL

import http from 'node:http'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { INVOKE_PATH } from './bench-config.ts'
import { announce } from './listening.ts'

const invokeUrl = new URL(INVOKE_PATH, process.argv[2])
const agent = new http.Agent({ keepAlive: true })

function forward(body: Buffer): Promise<Response> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(invokeUrl, { method: 'POST', agent, headers: { 'content-length': body.byteLength } }, (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.once('end', () => resolve(new Response(Buffer.concat(chunks), { status: incoming.statusCode })))
      incoming.once('error', reject)
    })
    outgoing.once('error', reject)
    outgoing.end(body)
  })
}

const app = new Hono()
app.all('*', async (c) => forward(Buffer.from(await c.req.arrayBuffer())))

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => announce(info.port))
