// Responses whose whole body the gateway holds as bytes or text (every answer but a stream).
// A server that writes answers itself (the Node entry) sends those bytes directly instead of
// reading them back through the Response's stream, which would cost a web stream per request.

import { keptWebSocket } from './web-socket.ts'

const held = new WeakMap<Response, Uint8Array | string>()

export function responseOf(body: Uint8Array<ArrayBuffer> | string, init: ResponseInit): Response {
  const response = new Response(body, init)
  held.set(response, body)
  return response
}

/** `response` with other headers: the same status and body (a held one still held). */
export function withHeaders(response: Response, headers: Headers): Response {
  const init = { status: response.status, statusText: response.statusText, headers, ...keptWebSocket(response) }
  const body = held.get(response)
  return body === undefined ? new Response(response.body, init) : responseOf(body as Uint8Array<ArrayBuffer> | string, init)
}

/** The body `response` was made with by responseOf, else undefined (a stream, or no body). */
export function heldBody(response: Response): Uint8Array | string | undefined {
  return held.get(response)
}

/**
 * Stops whatever produces a body that will not be sent (a streamed Invoke call). Never throws:
 * on Node, @hono/node-server's lightweight Response builds the real one when its body is first
 * read, which throws for a status no Response may have.
 */
export function discardBody(response: Response): void {
  if (held.has(response)) return
  try {
    response.body?.cancel().catch(() => {})
  } catch {
    // Nothing was streaming: the Response could not even be built.
  }
}
