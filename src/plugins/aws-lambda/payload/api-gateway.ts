// What API Gateway's two event versions share (AWS's documented events,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
// and https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html):
// the body, the resource template, times, the domain, the request id and the fixed context
// this gateway stands in for (no stages, no API ids; authorizers: authorizer.ts).

import { cachedTime } from '../../../cached-time.ts'
import { type Base64Encoder, bytesToText } from '../../../encoding/base64.ts'
import { getOrCreate } from '../../../get-or-create.ts'
import { parseQueryPairs } from '../../../http/url-args.ts'
import type { LambdaRequest } from '../lambda-request.ts'
import type { AwsLambdaConfig } from '../schema.ts'
import { bodyToSend } from './body.ts'

/** HTTP APIs' default stage: no stage prefix in paths. */
export const STAGE = '$default'
export const API_ID = 'lambda-gateway'

/**
 * `base64_encode_body` (Kong's policy) encodes every non-empty body; off, the body is sent as
 * text. No body: `null`, as AWS sends it in 1.0 events (2.0 leaves the key out).
 */
export function eventBody(request: LambdaRequest, config: AwsLambdaConfig, encodeBase64: Base64Encoder): EventBody {
  const body = bodyToSend(request, config)
  if (body === null) return { body: null, isBase64Encoded: false }
  return config.base64_encode_body ? { body: encodeBase64(body), isBase64Encoded: true } : { body: bytesToText(body), isBase64Encoded: false }
}

export interface EventBody {
  body: string | null
  isBase64Encoded: boolean
}

/**
 * `event` as JSON, then `body` and `isBase64Encoded`, the last keys as AWS sends them; a null
 * body as `"body":null` (1.0) or left out (`omitNull`, 2.0). A base64 body is put in as it is:
 * its characters need no escaping, and JSON.stringify scanning it was half the event's cost at
 * 1 KiB.
 */
export function eventJson(event: Record<string, unknown>, { body, isBase64Encoded }: EventBody, omitNull = false): string {
  const fields = JSON.stringify(event).slice(0, -1)
  const text = body === null ? (omitNull ? '' : ',"body":null') : `,"body":${isBase64Encoded ? `"${body}"` : JSON.stringify(body)}`
  return `${fields}${text},"isBase64Encoded":${isBase64Encoded}}`
}

/**
 * API Gateway's resource for the route's path: a prefix as it is; a regex with each named
 * group (`(?<name>…)` or `(?P<name>…)`) written `{name}` (`/(?<version>\d+)/strip` →
 * `/{version}/strip`), anchors dropped and escaped punctuation unescaped (`/file\.json$` →
 * `/file.json`); `/` for a route without paths.
 */
export function resourceTemplate(matchedPath: string | null): string {
  if (matchedPath === null) return '/'
  const pattern = matchedPath.replace(/^\^/, '').replace(/(?<!\\)\$$/, '')
  let template = ''
  for (let i = 0; i < pattern.length; i++) {
    const name = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(pattern.slice(i))
    if (name) {
      template += `{${name[1]}}`
      i = endOfGroup(pattern, i)
    } else if (pattern[i] === '\\' && /[^A-Za-z0-9]/.test(pattern[i + 1] ?? '')) {
      template += pattern[++i]
    } else if (pattern[i] === '\\') {
      template += pattern.slice(i, i + 2) // a class such as \d stays as written
      i++
    } else {
      template += pattern[i]
    }
  }
  return template
}

/** resourceTemplate, computed once per route path rather than per request. */
export function resourceTemplates(): (matchedPath: string | null) => string {
  const templates = new Map<string | null, string>()
  return (matchedPath) => getOrCreate(templates, matchedPath, () => resourceTemplate(matchedPath))
}

/** The index of the `)` closing the group that opens at `start`, escapes and classes skipped. */
function endOfGroup(pattern: string, start: number): number {
  let depth = 0
  let inClass = false
  for (let i = start; i < pattern.length; i++) {
    const char = pattern[i]
    if (char === '\\') i++
    else if (inClass) inClass = char !== ']'
    else if (char === '[') inClass = true
    else if (char === '(') depth++
    else if (char === ')' && --depth === 0) return i
  }
  return pattern.length - 1
}

/**
 * Sets `name` in an event's map of names a client chose (headers): plain objects, which
 * JSON.stringify writes faster than null-prototype ones, so `__proto__` is defined as an own
 * key rather than assigned (which would set, or for a string silently skip, the prototype).
 * Read such a map with Object.hasOwn.
 */
export function setOwn<T>(map: Record<string, T>, name: string, value: T): void {
  if (name === '__proto__') Object.defineProperty(map, name, { value, enumerable: true, writable: true, configurable: true })
  else map[name] = value
}

/** `dd/Mon/yyyy:HH:MM:SS +0000`, API Gateway's requestTime. */
export const clfTime = cachedTime(1000, (ms) => {
  const date = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  const month = MONTHS[date.getUTCMonth()]
  return `${two(date.getUTCDate())}/${month}/${date.getUTCFullYear()}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
})

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/**
 * The host the request was routed by (its Host, or an absolute-form target's host), without its
 * port, lower-cased, and its first label.
 */
export function domain(request: LambdaRequest): { domainName: string; domainPrefix: string } {
  const domainName = request.url.hostname
  return { domainName, domainPrefix: domainName.split('.')[0] }
}

/** The gateway's own request id (32 hex digits, as Kong logs it) in API Gateway's UUID form. */
export function uuidRequestId(requestId: string): string {
  return `${requestId.slice(0, 8)}-${requestId.slice(8, 12)}-${requestId.slice(12, 16)}-${requestId.slice(16, 20)}-${requestId.slice(20, 32)}`
}

/** Decoded query parameters as AWS gives them: strings only, a key without `=` is `""`. */
export function queryValues(request: LambdaRequest): Map<string, string[]> {
  const values = new Map<string, string[]>()
  for (const [key, value] of parseQueryPairs(request.url.search.slice(1))) {
    const list = values.get(key)
    const text = value === true ? '' : value
    if (list) list.push(text)
    else values.set(key, [text])
  }
  return values
}

/** The account of a function given as an ARN; `anonymous` otherwise (as Function URLs without auth send). */
export function accountId(config: AwsLambdaConfig): string {
  return /^arn:[^:]*:lambda:[^:]*:(\d{12}):/.exec(config.function_name)?.[1] ?? 'anonymous'
}
