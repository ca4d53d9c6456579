// Building the client response, shared by both response modes.

import type { Bytes } from '../../../encoding/base64.ts'
import { isAscii } from '../../../encoding/bytes.ts'
import { responseOf } from '../../../http/held-body.ts'
import { NULL_BODY_STATUSES } from '../../../http/null-body.ts'

const UTF8 = new TextEncoder()

/** The function's answer cannot be turned into a response (a Kong runtime error: 500). */
export class ResponseMappingError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ResponseMappingError'
  }
}

/** A response with an exact Content-Length; statuses that cannot carry a body get none. */
export function responseWithBody(status: number, headers: Headers, body: Bytes | string): Response {
  if (NULL_BODY_STATUSES.has(status)) {
    headers.delete('content-length')
    return new Response(null, { status, headers })
  }
  // ASCII text is held as it is, its length its byte count: encoding it would be a copy per answer.
  const held = typeof body !== 'string' || isAscii(body) ? body : (UTF8.encode(body) as Bytes)
  headers.set('content-length', String(typeof held === 'string' ? held.length : held.byteLength))
  return responseOf(held, { status, headers })
}
