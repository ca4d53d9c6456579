// What the payload builders see of a client request: read once, body included.

import type { RouteMatch } from '../router/router.ts'
import type { Logger } from '../log.ts'
import type { Bytes } from '../encoding/base64.ts'

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

export async function readLambdaRequest(
  request: Request,
  url: URL,
  match: LambdaRequest['match'],
  clientBodyBufferSize: number,
  requestId: string,
  log: Logger,
): Promise<LambdaRequest> {
  const bytes = request.body === null ? null : new Uint8Array(await request.arrayBuffer())
  const body = bytes !== null && bytes.byteLength > 0 ? bytes : null
  return {
    method: request.method,
    url,
    headers: request.headers,
    body,
    bodyTooLarge: body !== null && body.byteLength > clientBodyBufferSize,
    match,
    requestId,
    log,
  }
}
