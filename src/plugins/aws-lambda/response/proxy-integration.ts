// `is_proxy_integration`: the function's result is an API Gateway proxy response
// (docs/aws-lambda-plugin.md#proxy-integration), with Kong EE's fixes: function headers override the
// Invoke API's case-insensitively, `null` header values become "", a function-supplied
// Content-Length or hop-by-hop header is dropped, and a `null` body is an empty one. Payload 2.0
// routes add HTTP API's rules: `cookies`, and a JSON result without `statusCode` is a 200's body.

import { type Bytes, base64ToBytes, bytesToText } from '../../../encoding/base64.ts'
import { invalidCharacter, isFieldName, isFieldValue } from '../../../http/field-syntax.ts'
import type { InvokeResult } from '../invoke.ts'
import type { LambdaRequest } from '../lambda-request.ts'
import { functionFailure } from './function-error.ts'
import { forwardedHeaders, NOT_FORWARDED } from './headers.ts'
import { responseWithBody } from './response.ts'

/**
 * The function returned something that is not a valid proxy response: Kong answers 502. The
 * message is the client's (fixed text only); `detail`, what it saw, is for the log.
 */
export class BadProxyResponse extends Error {
  readonly detail: string | undefined
  constructor(reason: string, detail?: string) {
    super(reason)
    this.name = 'BadProxyResponse'
    this.detail = detail
  }
}

export function proxyIntegrationResponse(result: InvokeResult, request: LambdaRequest, version: '1.0' | '2.0', hideAwsHeaders = false): Response {
  const headers = forwardedHeaders(result.headers, request, hideAwsHeaders)
  const value = parseJson(result.body)
  if (!hasStatusCode(value)) {
    // A thrown error's result (errorMessage, stackTrace) is no proxy response: the function
    // failed, a 502 as AWS answers (Kong's 1.0 answer says its statusCode failed validation).
    const failure = functionFailure(result)
    if (failure) throw failure
  }
  if (version === '2.0' && !hasStatusCode(value)) {
    headers.set('content-type', 'application/json')
    return responseWithBody(200, headers, result.body)
  }
  const parsed = validateProxyResponse(value, version)
  applyFunctionHeaders(headers, parsed)
  let body: Bytes | string = parsed.body ?? ''
  if (parsed.isBase64Encoded === true) {
    const decoded = base64ToBytes(body)
    if (!decoded) throw new BadProxyResponse('body is not valid base64')
    body = decoded
  }
  return responseWithBody(parsed.statusCode, headers, body)
}

/**
 * The function's `headers`, `multiValueHeaders` and `cookies` over the Invoke API's, checked:
 * also the streamed HTTP integration response's prelude (src/plugins/aws-lambda/stream/http-prelude.ts).
 */
export function applyFunctionHeaders(headers: Headers, parsed: Pick<ProxyResponse, 'headers' | 'multiValueHeaders' | 'cookies'>): void {
  if (!parsed.headers && !parsed.multiValueHeaders && !parsed.cookies) return
  const functionHeaders = new Headers()
  for (const [name, value] of Object.entries(parsed.headers ?? {})) {
    // Names differing only in case: the last one wins, rather than both merging.
    functionHeaders.delete(checkedName(name))
    for (const item of headerValues(value, 'headers', name)) functionHeaders.append(name, item)
  }
  for (const [name, value] of Object.entries(parsed.multiValueHeaders ?? {})) {
    functionHeaders.delete(checkedName(name))
    for (const item of headerValues(value, 'multiValueHeaders', name)) functionHeaders.append(name, item)
  }
  for (const cookie of headerValues(parsed.cookies ?? [], 'cookies', 'set-cookie')) functionHeaders.append('set-cookie', cookie)
  for (const name of new Set(functionHeaders.keys())) {
    if (NOT_FORWARDED.has(name)) continue
    headers.delete(name)
    for (const value of name === 'set-cookie' ? functionHeaders.getSetCookie() : [functionHeaders.get(name)!]) {
      headers.append(name, value)
    }
  }
}

export interface ProxyResponse {
  statusCode: number
  cookies?: string[]
  headers?: Record<string, unknown>
  multiValueHeaders?: Record<string, unknown>
  body?: string
  isBase64Encoded?: boolean
}

export function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(bytesToText(bytes))
  } catch {
    throw new BadProxyResponse(bytes.byteLength === 0 ? 'proxy response must be json format' : 'response is not valid JSON')
  }
}

function hasStatusCode(value: unknown): boolean {
  return isRecord(value) && 'statusCode' in value
}

/** Kong's validation, in Kong's order and with its messages; then 2.0's `cookies`. */
export function validateProxyResponse(value: unknown, version: '1.0' | '2.0'): ProxyResponse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadProxyResponse('proxy response must be json format')
  }
  const result = value as Record<string, unknown>
  const status = typeof result.statusCode === 'string' && result.statusCode.trim() !== '' ? Number(result.statusCode) : result.statusCode
  // Kong accepts 100-599; a fetch Response can only carry a final status (200-599).
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    throw new BadProxyResponse('statusCode validation failed')
  }
  // `null` is no headers, as AWS takes it (aws-lambda-go sends `"headers":null`); Kong refuses it.
  if (result.headers != null && !isRecord(result.headers)) throw new BadProxyResponse('headers must be a table')
  if ('multiValueHeaders' in result && result.multiValueHeaders !== null && !isRecord(result.multiValueHeaders)) {
    throw new BadProxyResponse('multiValueHeaders must be a table')
  }
  if ('body' in result && result.body !== null && typeof result.body !== 'string') throw new BadProxyResponse('body must be a string')
  if ('isBase64Encoded' in result && typeof result.isBase64Encoded !== 'boolean') {
    throw new BadProxyResponse('isBase64Encoded must be a boolean')
  }
  const cookies = version === '2.0' ? (result.cookies ?? undefined) : undefined
  if (cookies !== undefined && !(Array.isArray(cookies) && cookies.every((cookie) => typeof cookie === 'string'))) {
    throw new BadProxyResponse('cookies must be an array of strings')
  }
  return {
    statusCode: status,
    cookies,
    headers: (result.headers ?? undefined) as Record<string, unknown> | undefined,
    multiValueHeaders: (result.multiValueHeaders ?? undefined) as Record<string, unknown> | undefined,
    body: (result.body ?? undefined) as string | undefined,
    isBase64Encoded: result.isBase64Encoded as boolean | undefined,
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const INVALID_HEADER = 'headers contain an invalid name or value'

/** RFC 9110's token: Headers would take some names no server can send. */
function checkedName(name: string): string {
  if (!isFieldName(name)) throw new BadProxyResponse(INVALID_HEADER, `header name ${JSON.stringify(name)}`)
  return name
}

/** Where a value leaves RFC 9110's grammar, e.g. `character U+000B at 5`. */
function headerValues(value: unknown, field: string, name: string): string[] {
  const items = Array.isArray(value) ? value : [value]
  return items.map((item) => {
    if (item === null) return ''
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') {
      const text = String(item)
      // Checked as a whole: Headers would quietly trim white space and CR/LF at the ends, and
      // takes control characters that Node refuses to write and Deno's writer panics on.
      // The log names the character, never the value: a cookie or a Location can carry a secret.
      if (!isFieldValue(text)) throw new BadProxyResponse(INVALID_HEADER, `value of ${JSON.stringify(name)}: ${invalidCharacter(text, isFieldValue)}`)
      return text
    }
    throw new BadProxyResponse(`${field} values must be strings`)
  })
}
