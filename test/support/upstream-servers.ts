// Real loopback upstreams for the proxy cases, started by the Node, workerd and Deno runners.
// The echo server answers with what it received (method, raw target, header lines, the body's
// length and SHA-256), and behaves badly on request (x-test-* request headers): a slow head, a
// stalled or large body, a reset before or after the head, a close mid-body. It remembers each
// request by its x-test-id (GET /__seen/ID): how many arrived, and whether one was cut off
// before its answer ended (the client went away). It is also the log collector http-log sends
// to (log-collector.ts).

import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { TargetAnswer } from '../e2e/balancer-cases.ts'
import { collectLogs } from './log-collector.ts'
import type { Echo } from './upstream-echo.ts'
import { startWebSocketEcho } from './websocket-echo.ts'

export type { Echo }

export interface UpstreamServers {
  /** The echo server's port on 127.0.0.1. */
  echoPort: number
  echoUrl: string
  /** The WebSocket echo server's port on 127.0.0.1 (test/support/websocket-echo.ts). */
  webSocketPort: number
  close(): Promise<void>
}

/** Per x-test-id: requests that arrived, and answers cut off because the connection closed first. */
interface Seen {
  requests: number
  cut: number
}

const PATTERN_BYTE = 0x61

export async function startUpstreamServers(): Promise<UpstreamServers> {
  const seen = new Map<string, Seen>()
  const sockets = new Set<Socket>()
  const server = createServer({ keepAliveTimeout: 5000 }, (request, response) => {
    serve(request, response, seen).catch(() => response.destroy())
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const webSocket = await startWebSocketEcho()
  return {
    echoPort: address.port,
    echoUrl: `http://127.0.0.1:${address.port}`,
    webSocketPort: webSocket.port,
    close: async () => {
      await webSocket.close()
      await new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
    },
  }
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function serve(request: IncomingMessage, response: ServerResponse, seen: Map<string, Seen>): Promise<void> {
  const control = (name: string) => {
    const value = request.headers[`x-test-${name}`]
    return Array.isArray(value) ? value[0] : value
  }
  const url = request.url ?? '/'
  if (await collectLogs(request, response)) return
  if (url.startsWith('/__seen/')) {
    const record = seen.get(decodeURIComponent(url.slice('/__seen/'.length))) ?? { requests: 0, cut: 0 }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(record))
    return
  }
  const id = control('id')
  const record = id === undefined ? undefined : (seen.get(id) ?? { requests: 0, cut: 0 })
  if (id !== undefined && record) {
    record.requests++
    seen.set(id, record)
    response.once('close', () => {
      if (!response.writableFinished) record.cut++
    })
  }
  const reset = control('reset')
  if (reset === 'on-arrival') return void request.socket.destroy()
  // The whole request body is read before answering (digest and length).
  const hash = createHash('sha256')
  let bodyLength = 0
  for await (const chunk of request) {
    hash.update(chunk as Buffer)
    bodyLength += (chunk as Buffer).byteLength
  }
  const delay = Number(control('delay-head') ?? 0)
  if (delay > 0) await wait(delay)
  if (reset === 'before-head') return void request.socket.destroy()
  const status = Number(control('status') ?? 200)
  // x-test-answer-header: `name: value` lines separated by `|`, added to the answer.
  const extra = (control('answer-header') ?? '')
    .split('|')
    .filter((line) => line.includes(':'))
    .flatMap((line) => [line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()])
  const size = control('size')
  if (size !== undefined) {
    const total = Number(size)
    const stallMs = Number(control('stall-body') ?? 0)
    response.writeHead(status, [...extra, 'content-type', 'application/octet-stream', 'content-length', String(total)])
    // At least four pieces: a stall or close "mid-body" comes with half of it sent.
    const chunk = Buffer.alloc(Math.max(1, Math.min(65536, Math.ceil(total / 4))), PATTERN_BYTE)
    let sent = 0
    while (sent < total) {
      if (response.destroyed) return
      const piece = chunk.subarray(0, Math.min(chunk.byteLength, total - sent))
      sent += piece.byteLength
      if (!response.write(piece)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            response.off('drain', done).off('close', done)
            resolve()
          }
          response.once('drain', done).once('close', done)
        })
      }
      if (sent >= total / 2 && sent - piece.byteLength < total / 2) {
        if (control('close-mid-body') !== undefined) return void request.socket.destroy()
        if (stallMs > 0) await wait(stallMs)
      }
    }
    response.end()
    return
  }
  const echo: Echo = {
    method: request.method ?? '',
    target: url,
    httpVersion: request.httpVersion,
    headers: pairs(request.rawHeaders),
    bodyLength,
    bodySha256: hash.digest('hex'),
    remotePort: request.socket.remotePort ?? 0,
  }
  const text = JSON.stringify(echo)
  response.writeHead(status, [...extra, 'content-type', 'application/json', 'content-length', String(Buffer.byteLength(text))])
  if (reset === 'after-head') {
    response.write(text.slice(0, 10))
    await wait(20)
    return void request.socket.destroy()
  }
  response.end(request.method === 'HEAD' ? undefined : text)
}

function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i].toLowerCase(), raw[i + 1]])
  return out
}

// --- Upstreams and targets (test/e2e/balancer-cases.ts): several loopback targets of one
// upstream, each answering which it is.

export interface BalancerTargets {
  /** The targets' ports on 127.0.0.1. */
  ports: number[]
  close(): Promise<void>
}

/**
 * `count` targets. Each answers `{target, host}`, with the status `x-test-status` asks for.
 * `x-test-hold: ID` holds the answer until any target gets /__release/ID; /__held/ID tells
 * (`{held}`) whether a request is held under ID. GET /status is the active health checks'
 * probe, answered with the status last set by /__status/CODE on that target (200 at first).
 */
export async function startBalancerTargets(count: number): Promise<BalancerTargets> {
  const holds = new Map<string, () => void>()
  const servers = await Promise.all(
    Array.from({ length: count }, async (_, target) => {
      let probeStatus = 200
      const server = createServer((request, response) => {
        const url = request.url ?? '/'
        const control = /^\/__(status|held|release)\/(.+)$/.exec(url)
        const answer = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
        if (control?.[1] === 'status') probeStatus = Number(control[2])
        if (control?.[1] === 'held') return answer(200, { held: holds.has(control[2]) })
        if (control?.[1] === 'release') holds.get(control[2])?.()
        const status = url === '/status' ? probeStatus : Number(request.headers['x-test-status'] ?? 200)
        const reply = () => answer(status, { target, host: request.headers.host ?? '' } satisfies TargetAnswer)
        const hold = request.headers['x-test-hold']
        if (typeof hold !== 'string') return reply()
        holds.set(hold, () => {
          holds.delete(hold)
          reply()
        })
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      return server
    }),
  )
  return {
    ports: servers.map((server) => (server.address() as { port: number }).port),
    close: () =>
      Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections()
              server.close(() => resolve())
            }),
        ),
      ).then(() => {}),
  }
}
