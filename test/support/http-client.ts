// A real HTTP/1.1 client for the Node-side tests. Node's fetch will not send a custom Host
// header, and Kong's test routes are matched by host.

import { request as httpRequest, type IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'
import type { ClientRequest } from '../e2e/cases.ts'

const NULL_BODY_STATUSES = [101, 204, 205, 304]

/** Resolves with the whole answer, body read. */
export function sendHttp(baseUrl: string, req: ClientRequest): Promise<Response> {
  return exchange(baseUrl, req, (incoming, resolve, reject) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('error', reject)
    incoming.on('end', () => resolve(toResponse(incoming, Buffer.concat(chunks))))
  })
}

/**
 * Resolves once the answer's head has arrived; its body streams as the bytes come, and a read
 * rejects when the connection is cut mid-body. Cancelling the body closes the connection.
 */
export function streamHttp(baseUrl: string, req: ClientRequest): Promise<Response> {
  return exchange(baseUrl, req, (incoming, resolve) => resolve(toResponse(incoming, Readable.toWeb(incoming) as ReadableStream<Uint8Array>)))
}

type OnHead = (incoming: IncomingMessage, resolve: (response: Response) => void, reject: (error: Error) => void) => void

function exchange(baseUrl: string, req: ClientRequest, onHead: OnHead): Promise<Response> {
  const url = new URL(req.path, baseUrl)
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: req.method ?? 'GET', headers: req.headers, agent: false, localAddress: req.from }, (incoming) =>
      onHead(incoming, resolve, reject),
    )
    outgoing.on('error', reject)
    outgoing.end(req.body)
  })
}

function toResponse(incoming: IncomingMessage, body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>): Response {
  const headers = new Headers()
  for (let i = 0; i < incoming.rawHeaders.length; i += 2) headers.append(incoming.rawHeaders[i], incoming.rawHeaders[i + 1])
  const status = incoming.statusCode ?? 0
  return new Response(NULL_BODY_STATUSES.includes(status) ? null : body, { status, headers })
}
