// A WebSocket client for the Node and Deno e2e runners, on the `ws` package: it can send a Host
// header of the test's choosing (fetch's and the global WebSocket's clients cannot), and shows a
// refused upgrade's status, headers and body.

import { WebSocket } from 'ws'
import { messageQueue, type OpenedWebSocket, type WebSocketOutcome, type WebSocketRequest } from '../e2e/harness.ts'

/** Opens a WebSocket to the gateway at `baseUrl`; resolves at the 101 or at the refusing answer's end. */
export function openWebSocket(baseUrl: string, { host, path, headers, protocols, from }: WebSocketRequest): Promise<WebSocketOutcome> {
  const url = new URL(path, baseUrl.replace(/^http/, 'ws'))
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols ?? [], { headers: { ...headers, ...(host ? { host } : {}) }, localAddress: from })
    let head = new Headers()
    const queue = messageQueue()
    ws.on('message', (data: Buffer, isBinary) => queue.push(isBinary ? new Uint8Array(data) : data.toString()))
    const closed = new Promise<{ code: number; reason: string }>((done) => ws.on('close', (code, reason) => done({ code, reason: reason.toString() })))
    ws.on('upgrade', (response) => (head = headersOf(response.rawHeaders)))
    ws.on('open', () => {
      const socket: OpenedWebSocket = {
        protocol: ws.protocol,
        send: (data) => ws.send(data, { binary: typeof data !== 'string' }),
        next: queue.next,
        close: (code, reason) => ws.close(code, reason),
        closed,
      }
      resolve({ status: 101, headers: head, socket })
    })
    ws.on('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, headers: headersOf(response.rawHeaders), body: Buffer.concat(chunks).toString() })
        ws.terminate()
      })
      response.on('error', reject)
    })
    ws.on('error', reject)
  })
}

function headersOf(raw: string[]): Headers {
  const headers = new Headers()
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i], raw[i + 1])
  return headers
}
