// Headers of the Invoke API's answer that reach the client
// (docs/aws-lambda-plugin.md#invoke-headers), minus what a proxy must not forward and, unlike Kong,
// minus the function's log tail.

import { base64ToBytes, bytesToText } from '../../../encoding/base64.ts'
import { isFieldValue } from '../../../http/field-syntax.ts'
import { headerLines, headersLike } from '../../../http/header-lines.ts'
import type { Logger } from '../../../log.ts'
import type { LambdaRequest } from '../lambda-request.ts'

/** Hop-by-hop headers (RFC 9110 §7.6.1) and the length, which the gateway recomputes. */
export const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length'])

/**
 * `hideAwsHeaders` (LAMBDA_ERROR_DETAILS=hide): none of AWS's `x-amz*`/`x-amzn*` headers
 * (request id, executed version, function error, trace id) reach the client.
 */
export function forwardedHeaders(upstream: Headers, request: Pick<LambdaRequest, 'log' | 'requestId'>, hideAwsHeaders: boolean): Headers {
  // Where the answer kept its lines (Node), they are taken in order, repeated ones apart, and
  // the client's answer keeps lines too.
  const headers = headersLike(upstream)
  for (const [name, value] of headerLines(upstream) ?? upstream) {
    // fetch has already decoded a compressed answer: its encoding no longer describes the body.
    if (NOT_FORWARDED.has(name) || name === 'content-encoding') continue
    if (name === 'x-amz-log-result') {
      logTail(value, request.log, request.requestId)
      continue
    }
    if (hideAwsHeaders && name.startsWith('x-amz')) continue
    if (!isFieldValue(value)) {
      // Not the function's answer but the endpoint's metadata: dropped, not fatal, and said.
      request.log.warn(`Invoke answer header ${name} dropped: its value is not valid HTTP`, { request_id: request.requestId })
      continue
    }
    headers.append(name, value)
  }
  headers.set('via', VIA)
  return headers
}

/** The last 4 KB of the function's log (base64, as Lambda sends it): for operators, never for clients. */
export function logTail(base64: string, log: Logger, requestId: string): void {
  const tail = base64ToBytes(base64)
  log.debug('function log tail', { request_id: requestId, log_tail: tail ? bytesToText(tail) : base64 })
}

export const VIA = '1.1 lambda-gateway'
