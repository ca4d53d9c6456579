// Sending a reply, and what becomes of a request body the reply came before.

import { Buffer } from 'node:buffer'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { declaredLength } from './http-request.ts'

export interface Reply {
  status: number
  headers: Record<string, string>
  body?: string
}

// Past an early answer, the rest of a body is read and dropped up to this much; then the connection goes.
const DRAIN_CAP = 16 * 1024 * 1024

export const jsonReply = (status: number, value: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(value),
})

/** A reply with `Connection: close` ends the connection when the request's body is still unread. */
export function sendReply(req: IncomingMessage, res: ServerResponse, requestId: string, reply: Reply): void {
  if (res.headersSent || res.destroyed) return
  const unread = !req.complete
  // An early answer (403, 413) leaves a body on the wire: drop it unless there is too much of it.
  const closing = unread && (declaredLength(req) > DRAIN_CAP || reply.headers.Connection === 'close')
  if (closing) res.setHeader('Connection', 'close')
  res.setHeader('x-amzn-RequestId', requestId)
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value)
  res.statusCode = reply.status
  const body = reply.body === undefined ? undefined : Buffer.from(reply.body, 'utf8')
  if (body !== undefined) res.setHeader('Content-Length', String(body.length))
  res.end(body)
  if (unread && !closing) {
    let discarded = 0
    req.on('data', (chunk: Buffer) => {
      discarded += chunk.length
      if (discarded > DRAIN_CAP) req.socket.destroy()
    })
    req.resume()
  }
}
