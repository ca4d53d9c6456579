// WebSocket upgrades through the proxy, as Kong passes them (spec/02-integration/05-proxy/09-websockets_spec.lua:
// the 101's headers, text echoed; 03-upstream_headers_spec.lua: the upgrade asked of the upstream),
// against the echo server of test/support/websocket-echo.ts on the *.ws.test routes.

import { WS_KEY } from '../support/gateway-config.ts'
import type { Echo } from '../support/upstream-echo.ts'
import { REFUSED_BODY } from '../support/websocket-echo.ts'
import { type Case, type E2E, type OpenedWebSocket, type WebSocketRequest, withLogs } from './harness.ts'

/** The socket of a switched upgrade; fails the case with what answered instead. */
async function opened(t: E2E, request: WebSocketRequest): Promise<{ socket: OpenedWebSocket; headers: Headers }> {
  const outcome = await t.webSocket(request)
  if (!outcome.socket) throw new Error(`the upgrade was answered ${outcome.status}: ${outcome.body}`)
  return outcome
}

/** `message` comes back through the tunnel. */
async function expectEcho(t: E2E, socket: OpenedWebSocket, message: string): Promise<void> {
  socket.send(message)
  t.equal(await socket.next(), message, 'echoed')
}

/** Ends the socket with a close handshake. */
async function closeNormally(socket: OpenedWebSocket): Promise<void> {
  socket.close(1000)
  await socket.closed
}

/** What the echo server received with the upgrade (its `headers` command). */
async function upstreamSaw(socket: OpenedWebSocket): Promise<{ target: string; lines: Array<[string, string]> }> {
  socket.send('headers')
  return JSON.parse((await socket.next()) as string)
}

export const webSocketCases: Case[] = [
  {
    name: "WS1 text and binary messages are echoed through the gateway; the 101 carries the upstream's accept, Via and the request id",
    async run(t) {
      const { socket, headers } = await opened(t, { host: 'echo.ws.test', path: '/', headers: { 'x-request-id': 'ws-request-1' } })
      t.ok(headers.get('sec-websocket-accept'), 'Sec-WebSocket-Accept')
      t.equal(headers.get('x-request-id'), 'ws-request-1', 'X-Request-Id')
      t.ok(headers.get('via')?.endsWith('1.1 lambda-gateway'), `Via: ${headers.get('via')}`)
      // The bytes the upstream wrote: on the wire (Node, Deno) one character each, as a client
      // connected to it directly reads them; inside workerd the Response's value, which it decodes as UTF-8.
      t.ok(['caf\u00c3\u00a9', 'café'].includes(headers.get('x-bytes') ?? ''), `a field's bytes as the upstream wrote them: ${headers.get('x-bytes')}`)
      socket.send('hello websocket')
      t.equal(await socket.next(), 'hello websocket', 'text')
      const bytes = new Uint8Array([0, 1, 2, 253, 254, 255])
      socket.send(bytes)
      t.equal(await socket.next(), bytes, 'binary')
      const large = 'x'.repeat(200_000)
      socket.send(large)
      t.equal(await socket.next(), large, 'a 200 kB message')
      socket.close(1000, 'done')
      t.equal(await socket.closed, { code: 1000, reason: 'done' }, 'close')
    },
  },
  {
    name: 'WS8 the 101 head on the wire says Connection: upgrade and Upgrade: websocket (Kong 09-websockets_spec)',
    // Inside workerd the case sees the Worker's Response, whose handshake head the platform writes.
    skipIn: ['workerd'],
    async run(t) {
      const { socket, headers } = await opened(t, { host: 'echo.ws.test', path: '/' })
      t.equal(headers.get('connection')?.toLowerCase(), 'upgrade', 'Connection')
      t.equal(headers.get('upgrade')?.toLowerCase(), 'websocket', 'Upgrade')
      await closeNormally(socket)
    },
  },
  {
    name: 'WS2 close codes pass both ways: the client closes with 4000 (echoed back), the upstream closes with 4001',
    async run(t) {
      const first = await opened(t, { host: 'echo.ws.test', path: '/' })
      first.socket.close(4000, 'client leaves')
      t.equal(await first.socket.closed, { code: 4000, reason: 'client leaves' }, 'the upstream echoed the client close')
      const second = await opened(t, { host: 'echo.ws.test', path: '/' })
      second.socket.send('close 4001 upstream leaves')
      t.equal(await second.socket.closed, { code: 4001, reason: 'upstream leaves' }, 'the upstream close')
    },
  },
  {
    name: 'WS3 the upstream gets the upgrade with X-Forwarded-*, the joined path and the sub-protocol it chose',
    async run(t) {
      const { socket } = await opened(t, { host: 'prefix.ws.test', path: '/chat/room?id=7', protocols: ['chat.v2', 'chat.v1'] })
      t.equal(socket.protocol, 'chat.v2', 'the sub-protocol the upstream chose')
      const { target, lines } = await upstreamSaw(socket)
      const header = (name: string) => lines.find(([key]) => key === name)?.[1]
      t.equal(target, '/room?id=7', 'strip_path')
      t.equal(header('upgrade')?.toLowerCase(), 'websocket', 'Upgrade')
      t.equal(header('x-forwarded-host'), 'prefix.ws.test', 'X-Forwarded-Host')
      t.equal(header('x-forwarded-proto'), 'http', 'X-Forwarded-Proto')
      t.equal(header('x-forwarded-prefix'), '/chat', 'X-Forwarded-Prefix')
      t.equal(header('x-forwarded-path'), '/chat/room', 'X-Forwarded-Path')
      t.equal(header('x-forwarded-for'), t.sourceIp, 'X-Forwarded-For')
      await closeNormally(socket)
    },
  },
  {
    name: "WS9 a message the upstream fragments arrives whole; the upstream's ping is answered",
    async run(t) {
      const { socket } = await opened(t, { host: 'echo.ws.test', path: '/' })
      socket.send('fragments frag men ted')
      t.equal(await socket.next(), 'fragmented', 'the joined message')
      socket.send('ping')
      t.equal(await socket.next(), 'pong', 'the upstream got its pong')
      await closeNormally(socket)
    },
  },
  {
    name: "WS10 plugins' response phase sees the 101: response-transformer's header is on it",
    async run(t) {
      const { socket, headers } = await opened(t, { host: 'transformed.ws.test', path: '/' })
      t.equal(headers.get('x-ws-added'), 'by-response-transformer', 'the added header')
      await expectEcho(t, socket, 'still a tunnel')
      await closeNormally(socket)
    },
  },
  {
    name: "WS11 a tunnel through which nothing moves for the service's read_timeout is closed, as nginx closes it",
    // Workers: the platform holds the client's and the upstream's WebSockets, with its own limits.
    skipIn: ['workerd'],
    async run(t) {
      const { socket } = await opened(t, { host: 'idle.ws.test', path: '/' })
      await expectEcho(t, socket, 'one message')
      const { code } = await socket.closed
      t.ok(code !== 1000, `closed by the gateway, not by a close handshake: ${code}`)
    },
  },
  {
    name: 'WS4 a key-auth route: without a key 401 and no tunnel; with one the upgrade goes through',
    async run(t) {
      const refused = await t.webSocket({ host: 'auth.ws.test', path: '/' })
      t.equal(refused.status, 401, 'status')
      t.ok(refused.body?.includes('No API key found in request'), `key-auth's message: ${refused.body}`)
      const { socket } = await opened(t, { host: 'auth.ws.test', path: '/', headers: { apikey: WS_KEY } })
      await expectEcho(t, socket, 'with a key')
      await closeNormally(socket)
    },
  },
  {
    name: 'WS5 an upstream that refuses the upgrade with 404: its answer is passed on',
    async run(t) {
      const outcome = await t.webSocket({ host: 'refused.ws.test', path: '/' })
      t.equal(outcome.status, 404, 'status')
      t.equal(outcome.body, REFUSED_BODY, 'body')
    },
  },
  {
    name: "WS6 an upstream that cannot be reached: Kong's 502, no tunnel",
    async run(t) {
      const outcome = await t.webSocket({ host: 'closed.ws.test', path: '/' })
      t.equal(outcome.status, 502, 'status')
      t.equal(JSON.parse(outcome.body ?? '{}').message, 'An invalid response was received from the upstream server', 'message')
    },
  },
  {
    name: 'WS7 the request log line says 101 and the route',
    async run(t) {
      const [, logged] = await withLogs(t, async () => {
        const { socket } = await opened(t, { host: 'echo.ws.test', path: '/logged', headers: { 'x-request-id': 'ws-logged' } })
        await closeNormally(socket)
      })
      const line = logged
        .split('\n')
        .map((text) => JSON.parse(text) as Record<string, unknown>)
        .find((entry) => entry.msg === 'request' && entry.request_id === 'ws-logged')
      t.equal([line?.status, line?.route], [101, 'echo.ws.test'], 'status and route')
    },
  },
  {
    name: 'WS12 an upgrade to an upstream that answers it 200: the upstream was asked the upgrade (Connection, Upgrade: websocket), the client gets the 200 (Kong 03-upstream_headers_spec)',
    async run(t) {
      const outcome = await t.webSocket({ host: 'echo.proxy.test', path: '/get' })
      t.equal(outcome.status, 200, 'status')
      const { headers } = JSON.parse(outcome.body ?? '{}') as Echo
      const header = (name: string) => headers.find(([key]) => key === name)?.[1]
      // Kong's `keep-alive, Upgrade` on Node and Deno; Workers' fetch writes its own `Upgrade`.
      t.ok(/^(keep-alive, )?Upgrade$/.test(header('connection') ?? ''), `Connection: ${header('connection')}`)
      t.equal(header('upgrade'), 'websocket', 'Upgrade')
    },
  },
]
