// What the payload builders see of a client request: read once, body included.

import type { RouteMatch } from '../router/router.ts'
import type { Logger } from '../log.ts'
import type { Bytes } from '../encoding/base64.ts'
import type { BodyLimits } from '../settings.ts'

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
  match: Pick<RouteMatch<unknown>, 'path' | 'captures' | 'matchedPath'>
  requestId: string
  log: Logger
}

/** The client sent more than CLIENT_MAX_BODY_SIZE: answered 413, never invoked. */
export class BodyTooLarge extends Error {
  constructor(limit: number) {
    super(`request body larger than CLIENT_MAX_BODY_SIZE (${limit} bytes)`)
    this.name = 'BodyTooLarge'
  }
}

export async function readLambdaRequest(
  request: Request,
  url: URL,
  match: LambdaRequest['match'],
  limits: BodyLimits,
  requestId: string,
  log: Logger,
): Promise<LambdaRequest> {
  const bytes = await readBody(request, limits.maxSize)
  const body = bytes !== null && bytes.byteLength > 0 ? bytes : null
  return {
    method: request.method,
    url,
    headers: request.headers,
    body,
    bodyTooLarge: body !== null && body.byteLength > limits.bufferSize,
    match,
    requestId,
    log,
  }
}

async function readBody(request: Request, limit: number): Promise<Bytes | null> {
  if (request.body === null) return null
  const declared = request.headers.get('content-length')
  if (limit === 0 || (declared !== null && Number(declared) <= limit)) {
    // The HTTP layer holds a body to its declared length.
    return new Uint8Array(await request.arrayBuffer())
  }
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
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}
