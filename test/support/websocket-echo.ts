// A WebSocket echo upstream on loopback, built on the `ws` package (an implementation independent
// of the gateway's code): text and binary messages come back as they were sent, a client's close
// code comes back in the server's close frame (ws answers a close with the same code), and a few
// text commands let a test see what the upstream received or make it close first.
// - `headers`: the upgrade request's header lines and target, as JSON;
// - `close CODE REASON`: the server closes with that code and reason;
// - `fragments A B …`: one text message sent as a frame per word (the client should get `AB…`);
// - `ping`: the server pings, and says `pong` once the pong came back.
// Upgrades to `/refuse/STATUS` are answered STATUS with the body `refused by the upstream`.
// Its 101 carries `x-bytes: café` written in UTF-8: a client reads the two bytes of `é` as two
// characters (`cafÃ©`), and must read the same through the gateway.

import { createServer, type IncomingMessage } from 'node:http'
import { createRequire } from 'node:module'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type * as WS from 'ws'

export interface WebSocketEcho {
  port: number
  close(): Promise<void>
}

export const REFUSED_BODY = 'refused by the upstream'

export async function startWebSocketEcho(): Promise<WebSocketEcho> {
  // Required, not imported: the workers project resolves with workerd's conditions, under which
  // `ws` names its browser stub (and the cases inside workerd import REFUSED_BODY from here).
  const { WebSocketServer } = createRequire(import.meta.url)('ws') as typeof WS
  const sockets = new Set<Duplex>()
  // The first offered sub-protocol is chosen: a test sees whether Sec-WebSocket-Protocol got through.
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => offered.values().next().value ?? false })
  wss.on('headers', (headers: string[]) => headers.push('x-bytes: café'))
  wss.on('connection', (socket, request: IncomingMessage) => {
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? undefined : data.toString()
      if (text === 'headers') return socket.send(JSON.stringify({ target: request.url, lines: pairs(request.rawHeaders) }))
      const close = text === undefined ? null : /^close (\d+) ?(.*)$/.exec(text)
      if (close) return socket.close(Number(close[1]), close[2])
      if (text?.startsWith('fragments ')) {
        const words = text.split(' ').slice(1)
        for (const [i, word] of words.entries()) socket.send(word, { fin: i === words.length - 1 })
        return
      }
      if (text === 'ping') {
        socket.once('pong', () => socket.send('pong'))
        return socket.ping()
      }
      socket.send(data, { binary: isBinary })
    })
  })
  const server = createServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain' }).end('a WebSocket upgrade is expected')
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refused = /^\/refuse\/(\d{3})/.exec(request.url ?? '')
    if (refused) {
      socket.end(
        `HTTP/1.1 ${refused[1]} Refused\r\ncontent-type: text/plain\r\ncontent-length: ${REFUSED_BODY.length}\r\nconnection: close\r\n\r\n${REFUSED_BODY}`,
      )
      return
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the echo server has no TCP address')
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        wss.close()
        server.close(() => resolve())
      }),
  }
}

function pairs(raw: string[]): Array<[string, string]> {
  const lines: Array<[string, string]> = []
  for (let i = 0; i + 1 < raw.length; i += 2) lines.push([raw[i].toLowerCase(), raw[i + 1]])
  return lines
}
