// The Node server (src/runtime/node/server.ts, answer-writer.ts, body-reader.ts): an answer Node cannot
// write, and nginx's limits: head, body and send timeouts, keep-alive, connection cap.

import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../../src/cli/start.ts'
import { createLogger } from '../../../src/log.ts'
import { listenNode } from '../../../src/runtime/node/server.ts'
import { unreadSource } from '../../../src/runtime/node/unread-answer.ts'
import { nodeUpstreamTransport } from '../../../src/runtime/node/upstream-transport.ts'
import { DEFAULT_SERVER_LIMITS } from '../../../src/settings.ts'
import { closedPort } from '../../support/closed-port.ts'
import { gatewayConfig, TEST_ENV } from '../../support/gateway-config.ts'
import { captureLogs, startGateway, vitestAsserts } from '../../support/gateway-under-test.ts'
import { sendHttp } from '../../support/http-client.ts'
import { type MockAws, startMockAws } from '../../support/mock-aws.ts'
import { header, rawExchange, rawRequest } from '../../support/raw-http.ts'
import {
  expectBodyTimeout,
  expectClientGoneLogged,
  expectStalledClientCut,
  expectStalledProxyClientCut,
  SMALL_LIMITS,
  until,
} from '../../support/server-limit-checks.ts'
import { expectUnwritableAnswersSanitised, unwritableHandler } from '../../support/unwritable-answers.ts'
import { startUpstreamServers, type UpstreamServers } from '../../support/upstream-servers.ts'

const logs = captureLogs()
let aws: MockAws
let upstreams: UpstreamServers
const servers: RunningServer[] = []

beforeAll(async () => {
  aws = await startMockAws()
  upstreams = await startUpstreamServers()
})
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
  await aws.close()
  await upstreams.close()
})

async function gateway(env: Record<string, string>): Promise<RunningServer> {
  const config = gatewayConfig(aws.lambda.port, await closedPort(), aws.sts.url, { echo: upstreams.echoPort })
  const server = await startGateway(config, { ...TEST_ENV, ...env })
  servers.push(server)
  return server
}

/** Opens a connection and sends one keep-alive request on it; resolves with the socket and the answer's head. */
function keptAlive(url: string): Promise<{ socket: Socket; head: string }> {
  const { port, hostname } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write('GET /__health HTTP/1.1\r\nHost: gateway.test\r\n\r\n'))
    socket.once('error', reject)
    socket.once('close', () => reject(new Error('closed before an answer')))
    socket.once('data', (chunk: Buffer) => {
      socket.removeAllListeners('close')
      resolve({ socket, head: chunk.toString('latin1') })
    })
  })
}

const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())))

describe('an answer Node cannot write', () => {
  it('is the sanitised 500 with its request id, one JSON log line, and the request line says 500', async () => {
    const handler = unwritableHandler()
    const log = createLogger('debug', (line) => console.error(line))
    const server = await listenNode(handler, { port: 0, host: '127.0.0.1', limits: DEFAULT_SERVER_LIMITS, log })
    servers.push(server!)
    await expectUnwritableAnswersSanitised(vitestAsserts, handler, (path) => sendHttp(server!.url, { path }), logs)
  })

  it("a status no Response may have (Node's lightweight Response takes it) is the sanitised 500 too, logged", async () => {
    const sent: number[] = []
    const handler = {
      handle: async () => ({ response: new Response('x', { status: 600 }), requestId: 'status-600', sent: (status: number) => void sent.push(status) }),
    }
    const log = createLogger('debug', (line) => console.error(line))
    const server = await listenNode(handler, { port: 0, host: '127.0.0.1', limits: DEFAULT_SERVER_LIMITS, log })
    servers.push(server!)
    const before = logs.length
    const response = await sendHttp(server!.url, { path: '/' })
    expect([response.status, await response.text()]).toEqual([500, '{"message":"An unexpected error occurred","request_id":"status-600"}'])
    expect(sent).toEqual([500])
    expect(logs.slice(before).map((line) => JSON.parse(line).msg)).toEqual(['answer not sent: status 600'])
  })

  it('a JSON answer has its Content-Length (no chunked encoding)', async () => {
    const answer = await rawExchange((await gateway({})).url, rawRequest('GET /nowhere HTTP/1.1\r\nHost: nothing.test'))
    expect([answer.status, header(answer, 'content-length'), header(answer, 'transfer-encoding')]).toEqual([404, String(answer.body.length), undefined])
  })
})

describe('a proxied answer too large to buffer', () => {
  it("is piped from the upstream's connection when nothing has read it: its web stream is never read", async () => {
    const upstream = await nodeUpstreamTransport({
      protocol: 'http',
      host: '127.0.0.1',
      port: upstreams.echoPort,
      method: 'GET',
      target: '/',
      headers: [
        ['host', 'upstream.test'],
        ['x-test-size', '300000'],
      ],
      body: null,
      runtime: undefined,
      timeouts: { connectMs: 5000, writeMs: 5000, readMs: 5000 },
    })
    const handler = { handle: async () => ({ response: upstream, requestId: 'piped', sent: () => undefined }) }
    const server = await listenNode(handler, { port: 0, host: '127.0.0.1', limits: DEFAULT_SERVER_LIMITS, log: createLogger('error', () => {}) })
    servers.push(server!)
    const answer = await fetch(server!.url)
    expect((await answer.arrayBuffer()).byteLength).toBe(300000)
    expect(unreadSource(upstream)).toBeDefined()
  })
})

describe('server limits', () => {
  let url: string
  beforeAll(async () => {
    url = (await gateway({ ...SMALL_LIMITS, CLIENT_HEADER_TIMEOUT: '300ms', KEEPALIVE_TIMEOUT: '300ms', MAX_CONNECTIONS: '3' })).url
  })

  it('CLIENT_BODY_TIMEOUT: a stalled body is answered 408 and the connection closed', () => expectBodyTimeout(vitestAsserts, url, true))

  it('SEND_TIMEOUT: a client that stops reading a stream is cut off, and the Invoke call closed', () =>
    expectStalledClientCut(vitestAsserts, url, aws.lambda.url))

  it("SEND_TIMEOUT: a client that stops reading a proxied answer is cut off, and the upstream's answer closed", () =>
    expectStalledProxyClientCut(vitestAsserts, url, upstreams.echoUrl, logs))

  it('a client that leaves before its answer is logged 499, streamed (the Invoke call closed) or buffered', async () => {
    await expectClientGoneLogged(vitestAsserts, url, aws.lambda.url, logs)
    const before = logs.length
    const invoked = aws.lambda.invocations.length
    const { port, hostname } = new URL(url)
    const socket = connect(Number(port), hostname, () => socket.write('GET / HTTP/1.1\r\nHost: slow.test\r\n\r\n'))
    await until(() => aws.lambda.invocations.slice(invoked).some((call) => call.functionName === 'functionSlow'), 'the slow function invoked')
    socket.destroy()
    await until(() => logs.slice(before).some((line) => line.includes('"msg":"request"')), "the request's log line")
    const line = logs
      .slice(before)
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === 'request')
    expect([line.route, line.status]).toEqual(['slow.test', 499])
  })

  it('CLIENT_HEADER_TIMEOUT: a head that does not arrive whole is answered 408 and the connection closed', async () => {
    const answer = await rawExchange(url, 'GET / HTTP/1.1\r\nHost: echo.test\r\n')
    expect(answer.status).toBe(408)
  })

  it('KEEPALIVE_TIMEOUT: an idle connection is closed by the server', async () => {
    const { socket } = await keptAlive(url)
    await closed(socket)
  })

  it('MAX_CONNECTIONS: a connection beyond the cap is closed without an answer', async () => {
    const open = await Promise.all([keptAlive(url), keptAlive(url), keptAlive(url)])
    try {
      await expect(keptAlive(url)).rejects.toThrow('closed before an answer')
    } finally {
      for (const { socket } of open) socket.destroy()
    }
  })
})

describe('server limit defaults', () => {
  it('keep-alive connections are announced with KEEPALIVE_TIMEOUT, 75 s by default (nginx)', async () => {
    const { socket, head } = await keptAlive((await gateway({})).url)
    socket.destroy()
    expect(head).toMatch(/\r\nKeep-Alive: timeout=75\r\n/i)
    expect(DEFAULT_SERVER_LIMITS).toEqual({
      headerTimeoutMs: 60_000,
      bodyTimeoutMs: 60_000,
      sendTimeoutMs: 60_000,
      keepAliveTimeoutMs: 75_000,
      maxConnections: 10_000,
    })
  })

  it('a bad value refuses to start, naming the variable', async () => {
    const before = logs.length
    await expect(gateway({ SEND_TIMEOUT: 'soon', MAX_CONNECTIONS: '-1' })).rejects.toThrow('gateway did not start')
    const printed = logs.slice(before).join('\n')
    expect(printed).toContain('SEND_TIMEOUT: expected a time like 60s, 500ms or 2m')
    expect(printed).toContain('MAX_CONNECTIONS: expected a number of connections')
  })
})
