// What the payload builders see of a client request: read once, body included.

import type { Bytes } from '../encoding/base64.ts'
import { concatBytes } from '../encoding/bytes.ts'
import type { Logger } from '../log.ts'
import type { RouteMatch } from '../router/router.ts'
import type { BodyLimits } from '../settings.ts'

/** What only the runtime knows about the client's connection. */
export interface ClientInfo {
  /** The TCP peer (Node, Deno) or `CF-Connecting-IP` (Workers); null when unknown. */
  sourceIp: string | null
  /** Like `HTTP/1.1`. */
  protocol: string
  /**
   * The request as received, where the runtime keeps it (Node): header lines apart (fetch joins
   * repeated ones) and the request target unnormalised. API Gateway events use them when present.
   */
  raw?: { headerLines: ReadonlyArray<readonly [string, string]>; target: string }
}

/** Each runtime entry reads ClientInfo from the request and what its server passes beside it. */
export type ClientInfoReader = (request: Request, env: unknown) => ClientInfo

export const UNKNOWN_CLIENT: ClientInfo = { sourceIp: null, protocol: 'HTTP/1.1' }

export interface LambdaRequest {
  method: string
  url: URL
  headers: Headers
  /** The body bytes; null when the request has none (or an empty one). */
  body: Bytes | null
  /**
   * Larger than the client body buffer: Kong (nginx) would have spooled it to disk, which
   * decides whether it is parsed or forwarded (reference §2.6).
   */
  bodyTooLarge: boolean
  match: Pick<RouteMatch<unknown>, 'requestPath' | 'path' | 'captures' | 'matchedPath'>
  client: ClientInfo
  /** When the request arrived, in ms since the epoch. */
  receivedAt: number
  /** The client's X-Request-Id when usable, else `gatewayRequestId`: in logs and answers. */
  requestId: string
  /**
   * The id this gateway made: API Gateway events' `requestId`, which functions count on being
   * unique (idempotency, audit), so a client never chooses it.
   */
  gatewayRequestId: string
  log: Logger
  /** Aborted when the client goes away (where the runtime tells): a streamed Invoke call stops with it. */
  signal?: AbortSignal
  /** Filled in by the handler for the request's log line. */
  timing: { lambdaMs?: number }
}

/** Header lines with lower-case names: as received where the runtime kept them, else as fetch joined them. */
export function headerLines(request: LambdaRequest): ReadonlyArray<readonly [string, string]> {
  return request.client.raw?.headerLines ?? headerEntries(request)
}

/** The query as the client sent it, without `?`. */
export function rawQuery(request: LambdaRequest): string {
  const target = request.client.raw?.target
  if (target === undefined) return request.url.search.slice(1)
  const start = target.indexOf('?')
  return start === -1 ? '' : target.slice(start + 1)
}

/** The request's headers as name/value pairs, `host` included (a Request built in code may carry it only in its URL). */
export function headerEntries(request: LambdaRequest): Array<[string, string]> {
  const entries = [...request.headers]
  return request.headers.has('host') ? entries : [['host', request.url.host], ...entries]
}

/** The client sent more than CLIENT_MAX_BODY_SIZE: answered 413, never invoked. */
export class BodyTooLarge extends Error {
  constructor(limit: number) {
    super(`request body larger than CLIENT_MAX_BODY_SIZE (${limit} bytes)`)
    this.name = 'BodyTooLarge'
  }
}

/** What the gateway knows of a request before its body is read. */
export type RequestHead = Pick<LambdaRequest, 'url' | 'match' | 'client' | 'receivedAt' | 'requestId' | 'gatewayRequestId' | 'log' | 'timing'>

export async function readLambdaRequest(request: Request, head: RequestHead, limits: BodyLimits): Promise<LambdaRequest> {
  const bytes = await readBody(request, limits.maxSize)
  const body = bytes !== null && bytes.byteLength > 0 ? bytes : null
  return {
    ...head,
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body,
    bodyTooLarge: body !== null && body.byteLength > limits.bufferSize,
  }
}

// `request.body` is touched only for a chunked body: on Node, asking for it turns the server's
// lightweight request into a full one with a web stream, where arrayBuffer() reads directly.
async function readBody(request: Request, limit: number): Promise<Bytes | null> {
  // fetch gives these methods no body.
  if (request.method === 'GET' || request.method === 'HEAD') return null
  const declared = request.headers.get('content-length')
  if (limit === 0 || (declared !== null && Number(declared) <= limit)) {
    // The HTTP layer holds a body to its declared length.
    return new Uint8Array(await request.arrayBuffer())
  }
  if (request.body === null) return null
  if (declared !== null) {
    await request.body.cancel()
    throw new BodyTooLarge(limit)
  }
  // Chunked: count while reading, stop at the limit.
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = request.body.getReader()
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.byteLength
    if (size > limit) {
      await reader.cancel()
      throw new BodyTooLarge(limit)
    }
    chunks.push(chunk.value)
  }
  return concatBytes(chunks, size)
}
