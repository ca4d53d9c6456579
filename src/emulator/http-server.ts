// The node:http server under the emulator: one listener for every request (told whether the
// client waits for 100 Continue), malformed requests refused, keep-alive connections ended on close.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

type Listener = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => void

export interface Listening {
  url: string
  port: number
  close(): Promise<void>
}

export async function listen(listener: Listener, port: number, host: string): Promise<Listening> {
  const server = createServer((req, res) => listener(req, res, false))
  // Lets a too-large or unauthenticated Expect: 100-continue request be answered without taking its body.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => listener(req, res, true))
  const close = closer(server)
  server.on('clientError', (_error, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    else socket.destroy()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  if (address === null || typeof address === 'string') {
    server.close()
    throw new Error('lambda emulator: no TCP address')
  }
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    close,
  }
}

/**
 * A close() for `server` that ends at once: its connections are tracked from now on and
 * destroyed, since keep-alive sockets and unanswered requests would otherwise hold it open.
 */
export function closer(server: Server): () => Promise<void> {
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
      for (const socket of sockets) socket.destroy()
    })
}
