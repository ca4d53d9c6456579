// The Node upstream transport against real loopback servers: keep-alive pools, nginx's three
// timeouts (connect including the TLS handshake, write, read), failures told by stage, the
// client's body cut at CLIENT_MAX_BODY_SIZE.

import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { createServer as createHttpServer } from 'node:http'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { heldBody } from '../../../src/http/held-body.ts'
import { BodyTooLarge } from '../../../src/pipeline/request.ts'
import { UpstreamFailure, type UpstreamRequest } from '../../../src/proxy/upstream-transport.ts'
import { unreadSource } from '../../../src/runtime/node/unread-answer.ts'
import { nodeUpstreamTransport, stageOf } from '../../../src/runtime/node/upstream-transport.ts'
import { closedPort } from '../../support/closed-port.ts'
import { until } from '../../support/server-limit-checks.ts'
import { type Echo, startUpstreamServers, type UpstreamServers } from '../../support/upstream-servers.ts'

let upstreams: UpstreamServers
/** Accepts connections and neither reads nor writes: a TLS handshake or a large write stalls there. */
let silent: Server
let silentPort: number
const sockets: Socket[] = []

beforeAll(async () => {
  upstreams = await startUpstreamServers()
  silent = createServer((socket) => {
    socket.pause()
    sockets.push(socket)
  })
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  silentPort = (silent.address() as { port: number }).port
})
afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  silent.close()
  await upstreams.close()
})

const request = (overrides: Partial<UpstreamRequest> = {}): UpstreamRequest => ({
  protocol: 'http',
  host: '127.0.0.1',
  port: upstreams.echoPort,
  method: 'GET',
  target: '/',
  headers: [['host', 'upstream.test']],
  body: null,
  runtime: undefined,
  timeouts: { connectMs: 5000, writeMs: 5000, readMs: 5000 },
  ...overrides,
})

/** A request to the echo server with its x-test-* controls (`readMs`: read_timeout). */
const controlled = (controls: Record<string, string>, readMs = 5000) =>
  request({
    headers: [['host', 'upstream.test'], ...Object.entries(controls).map(([name, value]) => [`x-test-${name}`, value] as const)],
    timeouts: { connectMs: 5000, writeMs: 5000, readMs },
  })

/** The try failed with an UpstreamFailure at `stage`, timed out or not. */
async function expectFailure(promise: Promise<unknown>, stage: string, timedOut: boolean) {
  const error = await failure(promise)
  expect(error).toBeInstanceOf(UpstreamFailure)
  expect([(error as UpstreamFailure).stage, (error as UpstreamFailure).timedOut]).toEqual([stage, timedOut])
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a failure')
}

describe('the Node upstream transport', () => {
  it('keeps connections alive: two requests in turn share one connection (HTTP/1.1 keep-alive pool)', async () => {
    const first = (await (await nodeUpstreamTransport(request())).json()) as Echo
    const second = (await (await nodeUpstreamTransport(request())).json()) as Echo
    expect(second.remotePort).toBe(first.remotePort)
    expect(first.headers).toContainEqual(['connection', 'keep-alive'])
  })

  it('sends the header lines as given, Host included, and the bytes with their length', async () => {
    const body = new TextEncoder().encode('hello')
    const response = await nodeUpstreamTransport(
      request({
        method: 'POST',
        body,
        headers: [
          ['host', 'named.test'],
          ['x-a', '1'],
          ['x-a', '2'],
          ['content-length', '5'],
        ],
      }),
    )
    const echo = (await response.json()) as Echo
    expect(echo.headers.slice(0, 4)).toEqual([
      ['host', 'named.test'],
      ['x-a', '1'],
      ['x-a', '2'],
      ['content-length', '5'],
    ])
    expect(echo.bodyLength).toBe(5)
  })

  it('a refused connection fails at stage connect (nothing was sent: it may be tried again)', async () => {
    await expectFailure(nodeUpstreamTransport(request({ port: await closedPort() })), 'connect', false)
  })

  it("a name that does not exist (getaddrinfo's ENOTFOUND) fails at stage resolve; any other lookup failure is a connection's", () => {
    const error = (code: string) => Object.assign(new Error(`getaddrinfo ${code} up.invalid`), { code })
    expect(stageOf(error('ENOTFOUND'), 'connect')).toBe('resolve')
    expect(stageOf(error('EAI_AGAIN'), 'connect')).toBe('connect')
    expect(stageOf(error('ECONNRESET'), 'answer')).toBe('answer')
  })

  it('connect_timeout covers the TLS handshake: a server that never answers it is a connect-stage timeout', async () => {
    const tls = { verify: true, serverName: 'silent.test' }
    const timeouts = { connectMs: 100, writeMs: 5000, readMs: 5000 }
    await expectFailure(nodeUpstreamTransport(request({ protocol: 'https', port: silentPort, tls, timeouts })), 'connect', true)
  })

  it('write_timeout: an upstream that takes none of a large body is a send-stage timeout', async () => {
    const body = new Uint8Array(64 * 1024 * 1024)
    const timeouts = { connectMs: 5000, writeMs: 100, readMs: 60_000 }
    await expectFailure(nodeUpstreamTransport(request({ port: silentPort, method: 'POST', body, timeouts })), 'send', true)
  })

  it('read_timeout: no answer head for that long once the request is sent is an answer-stage timeout', async () => {
    await expectFailure(nodeUpstreamTransport(controlled({ 'delay-head': '2000' }, 100)), 'answer', true)
  })

  it('read_timeout between chunks of the answer: the body breaks', async () => {
    const response = await nodeUpstreamTransport(controlled({ size: '200000', 'stall-body': '2000' }, 100))
    expect(response.status).toBe(200)
    await expect(response.arrayBuffer()).rejects.toThrow()
  })

  it('an answer of at most 64 KiB is read whole before it is handed on (as nginx buffers it): a stall in it is a read timeout', async () => {
    const small = await nodeUpstreamTransport(controlled({ size: '65536' }))
    expect(heldBody(small)?.length).toBe(65536)
    const large = await nodeUpstreamTransport(controlled({ size: '65537' }))
    expect([heldBody(large), (await large.arrayBuffer()).byteLength]).toEqual([undefined, 65537])
    await expectFailure(nodeUpstreamTransport(controlled({ size: '20000', 'stall-body': '2000' }, 100)), 'answer', true)
  })

  it('a streamed answer is not read until a reader asks: the Node writer may pipe its IncomingMessage, unless the web stream was read', async () => {
    const piped = await nodeUpstreamTransport(controlled({ size: '200000' }))
    const source = unreadSource(piped)
    expect(source?.readableFlowing).toBe(false)
    let size = 0
    source?.on('data', (chunk: Buffer) => {
      size += chunk.byteLength
    })
    source?.resume()
    await once(source!, 'end')
    expect(size).toBe(200000)
    const read = await nodeUpstreamTransport(controlled({ size: '200000' }))
    expect((await read.arrayBuffer()).byteLength).toBe(200000)
    expect(unreadSource(read)).toBeUndefined()
  })

  it('tells when the answer is over: a streamed one once it was read to its end, a held one at once, a cancelled one when cancelled', async () => {
    let ended = 0
    const answerEnded = () => void ended++
    const streamed = await nodeUpstreamTransport({ ...controlled({ size: '200000' }), answerEnded })
    expect(ended).toBe(0)
    await streamed.arrayBuffer()
    await until(() => ended === 1, 'the streamed answer read to its end')
    await (await nodeUpstreamTransport({ ...controlled({ size: '1000' }), answerEnded })).arrayBuffer()
    await until(() => ended === 2, 'the held answer')
    await (await nodeUpstreamTransport({ ...controlled({ size: '200000' }), answerEnded })).body?.cancel()
    await until(() => ended === 3, 'the cancelled answer')
  })

  it('read_timeout runs only while the answer is being read: one held unread (a slow client) longer than that is still whole', async () => {
    const response = await nodeUpstreamTransport(controlled({ size: '2000000' }, 200))
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect((await response.arrayBuffer()).byteLength).toBe(2000000)
  })

  it("a streamed answer cancelled unread (nobody will send it) closes the upstream's answer", async () => {
    const id = crypto.randomUUID()
    const response = await nodeUpstreamTransport(controlled({ size: String(16 * 1024 * 1024), id }))
    await response.body?.cancel()
    expect(unreadSource(response)).toBeUndefined()
    await expect.poll(async () => (await (await fetch(`${upstreams.echoUrl}/__seen/${id}`)).json()).cut).toBe(1)
  })

  it('a reset after the request was sent fails at a stage that is never retried', async () => {
    const error = await failure(nodeUpstreamTransport(controlled({ reset: 'before-head' })))
    expect((error as UpstreamFailure).stage).not.toBe('connect')
  })

  it("the client's streamed body is cut past the limit: BodyTooLarge", async () => {
    const chunks = [new Uint8Array(40_000), new Uint8Array(40_000)]
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift()
        if (next) controller.enqueue(next)
        else controller.close()
      },
    })
    const error = await failure(nodeUpstreamTransport(request({ method: 'POST', body: { stream: body, limit: 65_536, started: false, failure: undefined } })))
    expect(error).toBeInstanceOf(BodyTooLarge)
  })

  it("the client's body that has all arrived is sent whole as it came; past the limit it is refused before anything goes up", async () => {
    const body = Buffer.alloc(3000, 'b')
    // A real client request whose small body has all arrived, unread, when the try starts.
    const server = createHttpServer(async (incoming, outgoing) => {
      const limit = Number(incoming.headers['x-limit'])
      const id = String(incoming.headers['x-test-id'])
      await until(() => incoming.complete, 'the whole client body')
      const streamed = { stream: new ReadableStream<Uint8Array>(), limit, started: false, failure: undefined }
      const headers: Array<readonly [string, string]> = [
        ['host', 'upstream.test'],
        ['content-length', String(body.byteLength)],
        ['x-test-id', id],
      ]
      nodeUpstreamTransport(request({ method: 'POST', headers, body: streamed, runtime: { incoming, outgoing } }))
        .then(async (answer) => outgoing.end(await answer.text()))
        .catch((error: Error) => outgoing.end(error.name))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const send = async (limit: number, id: string) => {
      const answer = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/`, {
        method: 'POST',
        body,
        headers: { 'x-limit': String(limit), 'x-test-id': id },
      })
      return answer.text()
    }
    try {
      const within = crypto.randomUUID()
      const echo = JSON.parse(await send(65_536, within)) as Echo
      expect([echo.bodyLength, echo.bodySha256]).toEqual([body.byteLength, createHash('sha256').update(body).digest('hex')])
      const past = crypto.randomUUID()
      expect(await send(1000, past)).toBe('BodyTooLarge')
      expect(await (await fetch(`${upstreams.echoUrl}/__seen/${past}`)).json()).toEqual({ requests: 0, cut: 0 })
    } finally {
      server.close()
    }
  })

  it("the client's body in the read that brought its head is sent whole when the try starts while that head is handled", async () => {
    // A kept-alive connection to the echo server: the try gets its socket before the client's body is parsed.
    const warm = JSON.parse(await (await nodeUpstreamTransport(request())).text()) as Echo
    const tried = new Promise<{ answer: string; flowing: boolean | null }>((resolve) => {
      const server = createHttpServer((incoming, outgoing) => {
        const headers: Array<readonly [string, string]> = [
          ['host', 'upstream.test'],
          ['content-length', '11'],
        ]
        const streamed = { stream: new ReadableStream<Uint8Array>(), limit: 0, started: false, failure: undefined }
        nodeUpstreamTransport(request({ method: 'POST', headers, body: streamed, runtime: { incoming, outgoing } }))
          .then(async (answer) => resolve({ answer: await answer.text(), flowing: incoming.readableFlowing }))
          .catch((error: Error) => resolve({ answer: error.message, flowing: null }))
          .finally(() => {
            outgoing.end()
            server.close()
          })
      })
      server.listen(0, '127.0.0.1', () => {
        const client = connect((server.address() as { port: number }).port, '127.0.0.1')
        client.on('error', () => {})
        client.write('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world')
      })
    })
    const { answer, flowing } = await tried
    const echo = JSON.parse(answer) as Echo
    expect([echo.bodyLength, echo.bodySha256]).toEqual([11, createHash('sha256').update('hello world').digest('hex')])
    // On the kept-alive connection (a new one would connect after the body was parsed), and taken with one read, not streamed.
    expect(echo.remotePort).toBe(warm.remotePort)
    expect(flowing).toBeNull()
  })

  it('an answer whose head fetch refuses (status 600), body and all in one read, fails the try: no uncaught error', async () => {
    const raw = createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 600 Weird\r\nContent-Length: 2\r\n\r\nok'))
    })
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve))
    try {
      const error = await failure(nodeUpstreamTransport(request({ port: (raw.address() as { port: number }).port })))
      expect(error).toBeInstanceOf(UpstreamFailure)
      expect((error as UpstreamFailure).stage).toBe('answer')
    } finally {
      raw.close()
    }
  })

  it('a client gone before the try starts ends it at once, without an unhandled error from the destroyed request', async () => {
    const error = await failure(nodeUpstreamTransport({ ...controlled({}), signal: AbortSignal.abort() }))
    expect(error).toBeInstanceOf(UpstreamFailure)
    // The destroyed ClientRequest's 'error' event comes a tick later: it must find a listener.
    await new Promise((resolve) => setTimeout(resolve, 20))
  })

  it('a client that goes away (the signal) ends the try', async () => {
    const controller = new AbortController()
    const pending = nodeUpstreamTransport({ ...controlled({ 'delay-head': '2000' }), signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    expect(await failure(pending)).toBeInstanceOf(UpstreamFailure)
  })
})
