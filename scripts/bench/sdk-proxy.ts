// The sdk-proxy target: the gateway as a user would write it without lambda-gateway — a Hono
// app on @hono/node-server building the same API Gateway 1.0 event and calling
// @aws-sdk/client-lambda's InvokeCommand (one attempt, as the gateway never retries).
// Usage: node scripts/bench/sdk-proxy.ts LAMBDA_URL

import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda'
import { type HttpBindings, serve } from '@hono/node-server'
import { Hono } from 'hono'
import { apiGatewayEvent } from './api-gateway-event.ts'
import { CREDENTIALS, FUNCTION_NAME, REGION } from './bench-config.ts'
import { announce } from './listening.ts'

const client = new LambdaClient({ endpoint: process.argv[2], region: REGION, credentials: CREDENTIALS, maxAttempts: 1 })
const encoder = new TextEncoder()
const decoder = new TextDecoder()

const app = new Hono<{ Bindings: HttpBindings }>()
app.all('*', async (c) => {
  const body = new Uint8Array(await c.req.arrayBuffer())
  const event = apiGatewayEvent(c.req.raw, body, c.env.incoming.socket.remoteAddress)
  const answer = await client.send(new InvokeCommand({ FunctionName: FUNCTION_NAME, Payload: encoder.encode(JSON.stringify(event)) }))
  const result = JSON.parse(decoder.decode(answer.Payload)) as { statusCode: number; headers?: Record<string, string>; body?: string }
  return c.body(result.body ?? '', result.statusCode as 200, result.headers)
})

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => announce(info.port))
