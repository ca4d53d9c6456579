// examples/services.yml, the README's file with a Lambda route beside a proxied service: it
// passes `npm run check`, and served (its service's URL and the function's endpoint pointed at
// loopback stand-ins) each route does what its comment says.

import { readFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { RunningServer } from '../../src/cli/start.ts'
import { CHILD_PROCESS_TEST, runCheck } from '../support/child-process.ts'
import { captureLogs, mockLambdaAt, startGateway } from '../support/gateway-under-test.ts'
import { type MockLambda, startMockLambda } from '../support/mock-lambda.ts'

const FILE = 'examples/services.yml'
const ENV = { SHOP_FRONTEND_KEY: 'shop-frontend-example-key' }

interface Received {
  method: string
  target: string
  headers: IncomingHttpHeaders
}

let orders: { server: Server; url: string; received: Received[] }
let lambda: MockLambda
let gateway: RunningServer

beforeAll(async () => {
  captureLogs()
  const received: Received[] = []
  const server = createServer((request, response) => {
    received.push({ method: request.method ?? '', target: request.url ?? '', headers: request.headers })
    request.resume()
    request.once('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{"order":42}'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  orders = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received }
  lambda = await startMockLambda()
  // The file as written, but for where its service and its function are.
  const config = parse(readFileSync(new URL(`../../${FILE}`, import.meta.url), 'utf8'))
  config.services[0].url = `${orders.url}/v1`
  Object.assign(config.routes[0].plugins[0].config, mockLambdaAt(lambda.port))
  gateway = await startGateway(config, ENV)
})

afterAll(async () => {
  await gateway?.close()
  await lambda?.close()
  await new Promise((resolve) => orders?.server.close(resolve))
})

describe(FILE, () => {
  it('passes npm run check', CHILD_PROCESS_TEST, () => {
    const run = runCheck(['--config', FILE], ENV)
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: `${FILE}: valid, 2 routes\n` })
  })

  it('proxies /api/orders/42 to the service at /v1/orders/42 for a client with its key, which the service does not see', async () => {
    const answer = await fetch(`${gateway.url}/api/orders/42?expand=items`, { headers: { apikey: ENV.SHOP_FRONTEND_KEY, origin: 'https://shop.example' } })
    expect({ status: answer.status, body: await answer.json(), cors: answer.headers.get('access-control-allow-origin') }).toEqual({
      status: 200,
      body: { order: 42 },
      cors: '*',
    })
    expect(orders.received.map(({ method, target }) => ({ method, target }))).toEqual([{ method: 'GET', target: '/v1/orders/42?expand=items' }])
    expect({ apikey: orders.received[0].headers.apikey, consumer: orders.received[0].headers['x-consumer-username'] }).toEqual({
      apikey: undefined,
      consumer: 'shop-frontend',
    })
  })

  it('refuses the service without a key', async () => {
    orders.received.length = 0
    expect((await fetch(`${gateway.url}/api/orders/42`)).status).toBe(401)
    expect(orders.received).toEqual([])
  })

  it('invokes the function for POST /thumbnails', async () => {
    const answer = await fetch(`${gateway.url}/thumbnails`, { method: 'POST', body: 'image' })
    expect(answer.status).toBe(200)
    expect(lambda.invocations.map(({ functionName, signatureValid }) => ({ functionName, signatureValid }))).toEqual([
      { functionName: 'make-thumbnail', signatureValid: true },
    ])
  })
})
