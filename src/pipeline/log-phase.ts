// What a plugin's log phase is given beside the request's context: the answer the client got,
// Kong's latencies, sizes and the entities the request went through (what Kong's
// `kong.log.serialize`, its prometheus exporter and its logging plugins read from nginx,
// https://github.com/Kong/kong/blob/master/kong/pdk/log.lua). Made only for a request with a
// plugin that has a log handler; sizes are counted only when read.

import { isAscii } from '../encoding/bytes.ts'
import { headerLines } from '../http/header-lines.ts'
import { heldBody } from '../http/held-body.ts'
import type { GatewayConsumer, GatewayRoute, GatewayService } from '../model/declarative.ts'
import type { RequestContext } from './context.ts'

/** Who made the answer (Kong's `kong.response.get_source()`). */
export type AnswerSource = 'service' | 'exit' | 'error'

/** The call a request's answer waited for: the Lambda function's Invoke, or the proxied service. Set on the context by who made it. */
export interface UpstreamCall {
  /** From sending the call until its answer's head (Kong's KONG_WAITING_TIME); none when it failed before it was sent. */
  readonly ms?: number
  /** The service's status (Kong's `upstream_status`); none for a Lambda call, as in Kong. */
  readonly status?: number
  /** How many targets were tried (proxying). */
  readonly tries?: number
  /** A function's invocation (aws-lambda): this gateway's own Lambda metrics count it. */
  readonly invocation?: Invocation
}

/** What a function's invocation came to. */
export interface Invocation {
  readonly function: string
  /** `ok`, `function_error` (the function failed), `api_error` (the Invoke API refused), `timeout` or `error`. */
  readonly outcome: 'ok' | 'function_error' | 'api_error' | 'timeout' | 'error'
  /** The Invoke API's status, once it answered. */
  readonly status?: number
}

/** Kong's `latencies`, in ms. */
export interface Latencies {
  /** The gateway's own time: `request` less `proxy`. */
  readonly kong: number
  /** The upstream call (the Lambda Invoke on Lambda routes); -1 when there was none (Kong's value). */
  readonly proxy: number
  /** From the request's arrival until its answer's head was written. */
  readonly request: number
  /** Kong's time reading a buffered body; 0, as Kong gives when it did not measure it. */
  readonly receive: number
}

/** What a log handler gets beside `ctx`. */
export interface Served {
  /** The status the client got (499: it went away first). */
  readonly status: number
  /** The answer's headers as the gateway made them. */
  readonly headers: Headers
  readonly source: AnswerSource
  /** When the request arrived, in ms since the epoch (Kong's `started_at`). */
  readonly startedAt: number
  readonly latencies: Latencies
  readonly upstream?: UpstreamCall
  readonly route: GatewayRoute
  readonly service?: GatewayService
  readonly consumer?: GatewayConsumer
  /**
   * nginx's `$request_length`: request line, headers and the declared body (a chunked body
   * without Content-Length counts its head only). Counted on first read.
   */
  readonly requestSize: number
  /**
   * nginx's `$bytes_sent`: status line, headers and the body where its length is known when the
   * head is written (a held body, Content-Length, none); a stream of unknown length counts its head only.
   */
  readonly responseSize: number
}

/** The log phase's view of a sent answer; `now` is when its head was written. */
export function served(ctx: RequestContext, route: GatewayRoute, response: Response, status: number, source: AnswerSource, now: number): Served {
  const request = now - ctx.receivedAt
  const upstream = ctx.upstreamCall
  const proxy = upstream?.ms ?? -1
  let requestSize: number | undefined
  let responseSize: number | undefined
  return {
    status,
    headers: response.headers,
    source,
    startedAt: ctx.receivedAt,
    latencies: { kong: Math.max(0, request - Math.max(0, proxy)), proxy, request, receive: 0 },
    upstream,
    route,
    service: route.service,
    consumer: ctx.consumer,
    get requestSize() {
      requestSize ??= requestLength(ctx)
      return requestSize
    },
    get responseSize() {
      responseSize ??= bytesSent(response, status, ctx.method === 'HEAD')
      return responseSize
    },
  }
}

const encoder = new TextEncoder()

function requestLength(ctx: RequestContext): number {
  const target = ctx.client.raw?.target ?? ctx.url.pathname + ctx.url.search
  let size = ctx.method.length + target.length + ctx.client.protocol.length + 4
  const lines = ctx.client.raw?.headerLines ?? ctx.headers
  for (const [name, value] of lines) size += name.length + value.length + 4
  return size + 2 + declaredLength(ctx.headers)
}

function bytesSent(response: Response, status: number, head: boolean): number {
  // `HTTP/1.1 200 OK\r\n` and the blank line; the reason phrase taken as two words.
  let size = 17 + 2
  // The lines as the Node writer sends them, where the answer keeps them (repeated ones apart).
  for (const [name, value] of headerLines(response.headers) ?? response.headers) size += name.length + value.length + 4
  if (head || status !== response.status) return size
  const held = heldBody(response)
  if (held !== undefined) return size + (typeof held !== 'string' ? held.byteLength : isAscii(held) ? held.length : encoder.encode(held).byteLength)
  return size + declaredLength(response.headers)
}

function declaredLength(headers: Headers): number {
  const length = Number(headers.get('content-length') ?? 0)
  return Number.isSafeInteger(length) && length > 0 ? length : 0
}
