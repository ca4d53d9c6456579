// The function's result as the response, without proxy integration
// (docs/aws-lambda-plugin.md#without-proxy-integration): Invoke status (or `unhandled_status`),
// Invoke headers, the result as the body.

import { type Bytes, bytesToText } from '../../../encoding/base64.ts'
import type { InvokeResult } from '../invoke.ts'
import type { LambdaRequest } from '../lambda-request.ts'
import type { AwsLambdaConfig } from '../schema.ts'
import { forwardedHeaders } from './headers.ts'
import { ResponseMappingError, responseWithBody } from './response.ts'

const IS_JSON_TYPE = /application\/.*json/i

export function plainResponse(result: InvokeResult, config: AwsLambdaConfig, request: LambdaRequest, hideAwsHeaders = false): Response {
  const headers = forwardedHeaders(result.headers, request, hideAwsHeaders)
  let status = result.status
  if (result.headers.get('x-amz-function-error') === 'Unhandled' && config.unhandled_status !== undefined) {
    status = config.unhandled_status
  }
  if (status < 200 || status > 599) {
    throw new ResponseMappingError(`status ${status} cannot be sent to the client`)
  }
  const isJson = IS_JSON_TYPE.test(headers.get('content-type') ?? '')
  return responseWithBody(status, headers, isJson ? reshapeJson(result.body, config.empty_arrays_mode) : result.body)
}

/**
 * Kong decodes JSON results and encodes them again. The visible effects are kept: a JSON
 * string result is sent unquoted, and `legacy` mode turns empty arrays into `{}`. Anything
 * else goes out byte for byte (Kong would lose number precision and escape `/`).
 */
function reshapeJson(body: Bytes, mode: AwsLambdaConfig['empty_arrays_mode']): Bytes | string {
  const text = bytesToText(body)
  const first = text.trimStart()[0]
  const mayHaveEmptyArray = mode === 'legacy' && /\[\s*\]/.test(text)
  if (first !== '"' && !mayHaveEmptyArray) return body
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return body
  }
  if (typeof value === 'string') return value
  if (mayHaveEmptyArray && hasEmptyArray(value)) {
    return JSON.stringify(value, (_key, item: unknown) => (Array.isArray(item) && item.length === 0 ? {} : item))
  }
  return body
}

function hasEmptyArray(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0 || value.some(hasEmptyArray)
  return typeof value === 'object' && value !== null && Object.values(value).some(hasEmptyArray)
}
