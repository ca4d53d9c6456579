// What the aws-lambda plugin's payload builders see of a client request: the request as the
// plugins before it left it, its body read once.

import type { Bytes } from '../../encoding/base64.ts'
import type { Logger } from '../../log.ts'
import type { RequestContext } from '../../pipeline/context.ts'
import type { ClientInfo } from '../../pipeline/request.ts'
import type { RouteMatch } from '../../router/router.ts'
import type { InvokeRecord } from './invoke.ts'

export interface LambdaRequest {
  method: string
  url: URL
  headers: Headers
  /** The body bytes; null when the request has none (or an empty one). */
  body: Bytes | null
  /**
   * Larger than the client body buffer: Kong (nginx) would have spooled it to disk, which
   * decides whether it is parsed or forwarded (docs/aws-lambda-plugin.md#large-bodies).
   */
  bodyTooLarge: boolean
  match: Pick<RouteMatch<unknown>, 'requestPath' | 'path' | 'captures' | 'matchedPath'>
  /** The path API Gateway events carry: `match.path`, or what a plugin before set (request-transformer's `replace.uri`). */
  upstreamPath: string
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
  /**
   * The signal aborted when the client goes away (where the runtime tells): a streamed Invoke
   * call stops with it. Asked for only where it is used: on Node, making it costs every request.
   */
  clientSignal?(): AbortSignal | undefined
  /** Filled in by the handler for the request's log line and metrics. */
  timing: InvokeRecord
  /** Who an authentication plugin recognised (API Gateway events carry it as an authorizer's). */
  consumer?: RequestContext['consumer']
  credential?: RequestContext['credential']
  authenticatedJwt?: RequestContext['authenticatedJwt']
  /** The request's trace, when a tracing plugin applies: the Lambda call is a span of it. */
  trace?: RequestContext['trace']
}

/** The request of `ctx` with its body, as the payload builders and response mapping take it. */
export async function lambdaRequest(ctx: RequestContext): Promise<LambdaRequest> {
  const body = await ctx.readBody()
  return {
    method: ctx.method,
    url: ctx.url,
    headers: ctx.headers,
    body,
    bodyTooLarge: ctx.bodyTooLarge(),
    match: ctx.match,
    upstreamPath: ctx.upstreamPath,
    client: ctx.client,
    receivedAt: ctx.receivedAt,
    requestId: ctx.requestId,
    gatewayRequestId: ctx.gatewayRequestId,
    log: ctx.log,
    clientSignal: () => ctx.signal,
    timing: {},
    consumer: ctx.consumer,
    credential: ctx.credential,
    authenticatedJwt: ctx.authenticatedJwt,
    trace: ctx.trace,
  }
}

/** Header lines with lower-case names: apart where the runtime kept them (as plugins left them), else as fetch joined them. */
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
