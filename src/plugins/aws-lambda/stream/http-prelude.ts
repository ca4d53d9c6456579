// `application/vnd.awslambda.http-integration-response`, what awslambda.HttpResponseStream.from()
// writes and Function URLs read: JSON metadata (`statusCode`, `headers`, `cookies`), 8 NUL
// bytes, then the body. The metadata's headers get the buffered proxy integration's checks.

import { concatBytes } from '../../../encoding/bytes.ts'
import { applyFunctionHeaders, BadProxyResponse, isRecord, parseJson, validateProxyResponse } from '../response/proxy-integration.ts'

export const HTTP_INTEGRATION_TYPE = 'application/vnd.awslambda.http-integration-response'

const DELIMITER_BYTES = 8
/** More than any server takes as response headers: a longer prelude is a function bug. */
const MAX_PRELUDE_BYTES = 64 * 1024

/**
 * Collects payload bytes until the prelude's delimiter; JSON text has no NUL, so the first one
 * starts it. Each byte is scanned once and the chunks are joined once, when the delimiter is whole.
 */
export class PreludeSplitter {
  #chunks: Uint8Array[] = []
  #length = 0
  /** Offset of the first NUL received, -1 before one arrives. */
  #nul = -1

  /** The prelude and the body bytes after the delimiter once it has arrived, else undefined. */
  push(bytes: Uint8Array): { prelude: Uint8Array; rest: Uint8Array } | undefined {
    if (this.#nul === -1) {
      const at = bytes.indexOf(0)
      if (at !== -1) this.#nul = this.#length + at
    }
    this.#chunks.push(bytes)
    this.#length += bytes.byteLength
    const nul = this.#nul
    if (nul === -1 || this.#length < nul + DELIMITER_BYTES) {
      if (this.#length > MAX_PRELUDE_BYTES) throw new BadProxyResponse(`streamed response prelude longer than ${MAX_PRELUDE_BYTES} bytes`)
      return undefined
    }
    const all = this.#chunks.length === 1 ? bytes : concatBytes(this.#chunks, this.#length)
    this.#chunks = [all]
    if (all.subarray(nul, nul + DELIMITER_BYTES).some((byte) => byte !== 0)) {
      throw new BadProxyResponse('streamed response prelude is not followed by 8 NUL bytes')
    }
    return { prelude: all.subarray(0, nul), rest: all.subarray(nul + DELIMITER_BYTES) }
  }
}

/** Status and headers from the prelude over the Invoke API's headers; no `statusCode` means 200, as for Function URLs. */
export function preludeResponse(prelude: Uint8Array, headers: Headers): { status: number; headers: Headers } {
  const value = parseJson(prelude)
  const parsed = validateProxyResponse(isRecord(value) && !('statusCode' in value) ? { ...value, statusCode: 200 } : value, '2.0')
  // The Invoke answer's type names the framing, not the body.
  headers.set('content-type', 'application/octet-stream')
  applyFunctionHeaders(headers, parsed)
  return { status: parsed.statusCode, headers }
}
