// Responses whose whole body the gateway holds as bytes or text (every answer but a stream).
// A server that writes answers itself (the Node entry) sends those bytes directly instead of
// reading them back through the Response's stream, which would cost a web stream per request.

import { keptWebSocket } from './web-socket.ts'

/** A held body, and the status text it was made with. */
interface Held {
  body: Uint8Array | string
  statusText: string | undefined
}

/**
 * Where a Response keeps its held body: a property of its own, under a symbol nothing else
 * knows. Not a WeakMap: an entry for every answer made the garbage collector's work (a WeakMap's
 * entries are traced at every collection) about a tenth of a proxied request's CPU under load.
 */
const HELD = Symbol('held body')

type Holding = Response & { [HELD]?: Held }

/** The held body of `response`, if it has one. */
function held(response: Response): Held | undefined {
  return (response as Holding)[HELD]
}

export function responseOf(body: Uint8Array<ArrayBuffer> | string, init: ResponseInit): Response {
  const response: Holding = new Response(body, init)
  // fetch types a text body text/plain where the headers name no type; the answer keeps the headers it was given.
  if (typeof body === 'string' && !namesType(init.headers)) response.headers.delete('content-type')
  response[HELD] = { body, statusText: init.statusText }
  return response
}

function namesType(headers: HeadersInit | undefined): boolean {
  return headers !== undefined && (headers instanceof Headers ? headers : new Headers(headers)).has('content-type')
}

/**
 * `response` with other headers: the same status and body (a held one still held). A held
 * response's status text is the one it was made with: reading `statusText` would make Node's
 * lightweight Response (@hono/node-server's) build the full one, a web stream over the bytes.
 */
export function withHeaders(response: Response, headers: Headers): Response {
  const entry = held(response)
  const webSocket = keptWebSocket(response)
  if (entry === undefined) return new Response(response.body, { status: response.status, statusText: response.statusText, headers, ...webSocket })
  const statusText = entry.statusText === undefined ? {} : { statusText: entry.statusText }
  return responseOf(entry.body as Uint8Array<ArrayBuffer> | string, { status: response.status, ...statusText, headers, ...webSocket })
}

/** The body `response` was made with by responseOf, else undefined (a stream, or no body). */
export function heldBody(response: Response): Uint8Array | string | undefined {
  return held(response)?.body
}

/**
 * Stops whatever produces a body that will not be sent (a streamed Invoke call). Never throws:
 * on Node, @hono/node-server's lightweight Response builds the real one when its body is first
 * read, which throws for a status no Response may have.
 */
export function discardBody(response: Response): void {
  if (held(response)) return
  try {
    response.body?.cancel().catch(() => {})
  } catch {
    // Nothing was streaming: the Response could not even be built.
  }
}
