// An HTTP forward proxy on loopback: CONNECT tunnels (for https targets) and absolute-form
// requests (for http targets), recording what it was asked for so tests can tell whether a
// client used the proxy or went direct.

import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, request as httpRequest } from 'node:http'
import type { Socket } from 'node:net'
import { connect } from 'node:net'
import type { Duplex } from 'node:stream'

export interface ForwardProxy {
  /** http://127.0.0.1:PORT */
  url: string
  port: number
  /** `CONNECT host:port` or `${method} ${absoluteUrl}`, in arrival order */
  seen: string[]
  close(): Promise<void>
}

// Per-connection headers a proxy must not pass on (RFC 9110 §7.6.1, plus the proxy's own).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

export async function startForwardProxy(): Promise<ForwardProxy> {
  const seen: string[] = []
  // Client connections, tunnel ends and upstream sockets: close() destroys them all.
  const sockets = new Set<Duplex>()
  const track = (socket: Duplex) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  }

  const server = createServer((req, res) => forward(req, res, seen, track))
  server.on('connection', (socket: Socket) => track(socket))
  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    const target = req.url ?? ''
    seen.push(`CONNECT ${target}`)
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(target)
    if (match === null) {
      client.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')
      return
    }
    const upstream = connect(Number(match[3]), match[1] ?? match[2])
    track(upstream)
    let open = false
    upstream.once('connect', () => {
      open = true
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => {
      if (open) client.destroy()
      else client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n')
    })
    client.on('error', () => upstream.destroy())
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('forward proxy: no TCP address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
        for (const socket of sockets) socket.destroy()
      }),
  }
}

function forward(req: IncomingMessage, res: ServerResponse, seen: string[], track: (socket: Duplex) => void): void {
  const method = req.method ?? 'GET'
  let target: URL
  try {
    target = new URL(req.url ?? '')
  } catch {
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end('forward proxy: absolute-form request target required\n')
    return
  }
  seen.push(`${method} ${target.href}`)
  if (target.protocol !== 'http:') {
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end('forward proxy: only http targets; use CONNECT for https\n')
    return
  }
  const upstream = httpRequest(
    {
      hostname: target.hostname.replace(/^\[|\]$/g, ''),
      port: target.port === '' ? 80 : Number(target.port),
      method,
      path: `${target.pathname}${target.search}`,
      headers: endToEnd(req.rawHeaders),
      // The client's Host header is passed on as received.
      setHost: false,
      agent: false,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.rawHeaders))
      answer.pipe(res)
      answer.on('error', () => res.destroy())
    },
  )
  upstream.on('socket', track)
  upstream.on('error', () => {
    if (res.headersSent) res.destroy()
    else res.writeHead(502, { 'Content-Type': 'text/plain' }).end('forward proxy: upstream failed\n')
  })
  req.pipe(upstream)
}

/** rawHeaders without the hop-by-hop ones (and any the Connection header names). */
function endToEnd(rawHeaders: string[]): string[] {
  const drop = new Set(HOP_BY_HOP)
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() !== 'connection') continue
    for (const name of rawHeaders[i + 1].split(',')) drop.add(name.trim().toLowerCase())
  }
  const kept: string[] = []
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!drop.has(rawHeaders[i].toLowerCase())) kept.push(rawHeaders[i], rawHeaders[i + 1])
  }
  return kept
}
