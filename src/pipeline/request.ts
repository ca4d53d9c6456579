// What the pipeline knows of the client (ClientInfo, from the runtime) and how a request's body
// is read (BodyReader: once, capped, timed; its failures are answered by the pipeline).

import type { Bytes } from '../encoding/base64.ts'
import { concatBytes } from '../encoding/bytes.ts'

/** What only the runtime knows about the client's connection. */
export interface ClientInfo {
  /**
   * The client's address (nginx's $remote_addr): the TCP peer (Node, Deno) or `CF-Connecting-IP`
   * (Workers), or what a trusted peer's REAL_IP_HEADER says (TRUSTED_IPS); null when unknown.
   */
  sourceIp: string | null
  /** The TCP peer (or CF-Connecting-IP) before TRUSTED_IPS applied (nginx's $realip_remote_addr); `sourceIp` when absent. */
  peerIp?: string | null
  /** The port the client connected to (nginx's $server_port), where the runtime tells it. */
  serverPort?: number
  /** Like `HTTP/1.1`. */
  protocol: string
  /** The connection's scheme (nginx's `$scheme`), never an absolute-form target's. */
  scheme: 'http' | 'https'
  /** The TLS server name the client sent (nginx's `$ssl_server_name`), where the runtime tells it (Node). */
  sni?: string
  /**
   * The request as received, where the runtime keeps it (Node): header lines apart (fetch joins
   * repeated ones) and the request target unnormalised. API Gateway events use them when present.
   */
  raw?: { headerLines: ReadonlyArray<readonly [string, string]>; target: string }
}

/** Each runtime entry reads ClientInfo from the request and what its server passes beside it. */
export type ClientInfoReader = (request: Request, env: unknown) => ClientInfo

export const UNKNOWN_CLIENT: ClientInfo = { sourceIp: null, protocol: 'HTTP/1.1', scheme: 'http' }

/** The client sent more than CLIENT_MAX_BODY_SIZE: answered 413, never invoked. */
export class BodyTooLarge extends Error {
  /** CLIENT_MAX_BODY_SIZE: the body is larger than this many bytes. */
  readonly limit: number
  constructor(limit: number) {
    super(`request body larger than CLIENT_MAX_BODY_SIZE (${limit} bytes)`)
    this.name = 'BodyTooLarge'
    this.limit = limit
  }
}

/** The client sent nothing of its body for CLIENT_BODY_TIMEOUT: answered 408, never invoked. */
export class BodyReadTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`no part of the request body arrived for ${timeoutMs} ms (CLIENT_BODY_TIMEOUT)`)
    this.name = 'BodyReadTimeout'
  }
}

/** The body could not be read: its framing was broken (the HTTP server has usually answered 400 already). */
export class BodyUnreadable extends Error {
  constructor(cause: unknown) {
    super('the request body could not be read', { cause })
    this.name = 'BodyUnreadable'
  }
}

/** The client went away before its body ended: nobody is left to answer (logged 499, as nginx does). */
export class ClientGone extends Error {
  constructor(cause?: unknown, message = 'the client went away before its request body ended') {
    super(message, { cause })
    this.name = 'ClientGone'
  }
}

/**
 * How a runtime reads a request's body: null for none, BodyTooLarge past `maxSize` (0: no
 * limit), BodyReadTimeout when the client stalls. `runtime` is what its server passed beside
 * the request (Node reads the socket's message directly).
 */
export type BodyReader = (request: Request, runtime: unknown, maxSize: number) => Promise<Bytes | null>

/** The portable reader, without a timeout between reads (Workers: the platform has its own). */
export const readRequestBody: BodyReader = (request, _runtime, maxSize) => readBody(request, maxSize, 0)

/** The portable reader with CLIENT_BODY_TIMEOUT (Deno). */
export function timedBodyReader(timeoutMs: number): BodyReader {
  return (request, _runtime, maxSize) => readBody(request, maxSize, timeoutMs)
}

async function readBody(request: Request, limit: number, timeoutMs: number): Promise<Bytes | null> {
  try {
    return await readBodyBytes(request, limit, timeoutMs)
  } catch (error) {
    if (error instanceof BodyTooLarge || error instanceof BodyReadTimeout) throw error
    throw request.signal.aborted ? new ClientGone(error) : new BodyUnreadable(error)
  }
}

// `request.body` is touched only when it must be read in chunks: on Node, asking for it turns
// the server's lightweight request into a full one with a web stream.
async function readBodyBytes(request: Request, limit: number, timeoutMs: number): Promise<Bytes | null> {
  // fetch gives these methods no body.
  if (request.method === 'GET' || request.method === 'HEAD') return null
  const declared = request.headers.get('content-length')
  if (timeoutMs === 0 && (limit === 0 || (declared !== null && Number(declared) <= limit))) {
    // The HTTP layer holds a body to its declared length.
    return new Uint8Array(await request.arrayBuffer())
  }
  if (request.body === null) return null
  if (limit > 0 && declared !== null && Number(declared) > limit) {
    await request.body.cancel()
    throw new BodyTooLarge(limit)
  }
  // Counted while reading (a chunked body has no declared length), stopped at the limit.
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = request.body.getReader()
  const read = timeoutMs > 0 ? () => readWithin(reader, timeoutMs) : () => reader.read()
  for (let chunk = await read(); !chunk.done; chunk = await read()) {
    size += chunk.value.byteLength
    if (limit > 0 && size > limit) {
      await reader.cancel()
      throw new BodyTooLarge(limit)
    }
    chunks.push(chunk.value)
  }
  return concatBytes(chunks, size)
}

/** One read, or `timedOut()`'s error (the stream cancelled) when nothing comes within `timeoutMs`. */
export async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  timeoutMs: number,
  timedOut: () => Error = () => new BodyReadTimeout(timeoutMs),
): Promise<ReadableStreamReadResult<Uint8Array>> {
  let stall: (error: Error) => void = () => {}
  const stalled = new Promise<never>((_, reject) => {
    stall = reject
  })
  const timer = setTimeout(() => {
    const error = timedOut()
    stall(error)
    reader.cancel(error).catch(() => {})
  }, timeoutMs)
  try {
    return await Promise.race([reader.read(), stalled])
  } finally {
    clearTimeout(timer)
  }
}

/** The client's body on its way to the upstream, unread until the transport pulls it. */
export interface StreamedBody {
  /** Read from the request's body on first pull; errors with BodyTooLarge past the limit. */
  readonly stream: ReadableStream<Uint8Array>
  /** Whether any of it has been pulled (a try that failed before cannot have sent any). */
  readonly started: boolean
  /** BodyTooLarge once the client sent more than the limit. */
  readonly failure: BodyTooLarge | undefined
  /** CLIENT_MAX_BODY_SIZE (0: none): a transport that reads the client's body its own way (Node) enforces it too. */
  readonly limit: number
}

/**
 * The request's body as a stream for the upstream, counted against `limit` (0: none) as it
 * passes; null for none (`framed`: the request's headers are the client's own, which say
 * whether there is one). A declared length over the limit is refused before anything is read.
 * `request.body` is touched only on the first pull (on Node the transport reads the socket).
 */
export function streamRequestBody(request: Request, limit: number, framed: boolean): StreamedBody | null {
  if (request.method === 'GET' || request.method === 'HEAD') return null
  const declared = request.headers.get('content-length')
  if (declared === '0') return null
  // Neither header: no body, where the headers are the client's (`framed`: Node); elsewhere (a
  // runtime may drop them) the request tells.
  if (declared === null && !request.headers.has('transfer-encoding') && (framed || request.body === null)) return null
  if (limit > 0 && declared !== null && Number(declared) > limit) throw new BodyTooLarge(limit)
  return new ClientBody(request, limit)
}

/**
 * A StreamedBody whose stream is made at its first use: Node's transport pipes the client's
 * IncomingMessage and never asks. A class, so that the getter is its prototype's (an object
 * literal with a getter, made per request, cost a fifth more CPU per proxied request).
 */
class ClientBody implements StreamedBody {
  started = false
  failure: BodyTooLarge | undefined = undefined
  readonly limit: number
  readonly #request: Request
  #stream: ReadableStream<Uint8Array> | undefined

  constructor(request: Request, limit: number) {
    this.#request = request
    this.limit = limit
  }

  get stream(): ReadableStream<Uint8Array> {
    this.#stream ??= this.#counted()
    return this.#stream
  }

  #counted(): ReadableStream<Uint8Array> {
    const request = this.#request
    const { limit } = this
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
    let size = 0
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          this.started = true
          reader ??= request.body?.getReader()
          const chunk = reader ? await reader.read() : { done: true as const }
          if (chunk.done) return controller.close()
          size += chunk.value.byteLength
          if (limit > 0 && size > limit) {
            this.failure = new BodyTooLarge(limit)
            controller.error(this.failure)
            reader?.cancel().catch(() => {})
            return
          }
          controller.enqueue(chunk.value)
        },
        cancel: (reason) => reader?.cancel(reason),
      },
      { highWaterMark: 0 },
    )
  }
}
