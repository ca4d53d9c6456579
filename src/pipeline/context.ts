// One request as the plugins see it, after Kong's PDK (`kong.request`, `kong.client`,
// `kong.ctx.plugin`): what is known of the client and the route, and the request as the
// plugins before have left it. A plugin that changes the request (request-transformer) changes
// what the next plugin, the function's event or the upstream sees.

import type { Bytes } from '../encoding/base64.ts'
import type { Logger } from '../log.ts'
import type { GatewayConsumer, GatewayCredential } from '../model/declarative.ts'
import type { RouteMatch } from '../router/router.ts'
import type { BodyLimits } from '../settings.ts'
import type { Trace } from '../tracing/trace.ts'
import type { UpstreamCall } from './log-phase.ts'
import { type BodyReader, type ClientInfo, type StreamedBody, streamRequestBody } from './request.ts'
import type { RequestSlot } from './request-slot.ts'

export interface RequestContext {
  /** The client's X-Request-Id when usable, else `gatewayRequestId`: in logs and answers. */
  readonly requestId: string
  /** The id this gateway made (API Gateway events' `requestId`: a client never chooses it). */
  readonly gatewayRequestId: string
  /** When the request arrived, in ms since the epoch. */
  readonly receivedAt: number
  readonly log: Logger
  readonly route: { readonly label: string; readonly methods: readonly string[] }
  readonly match: Pick<RouteMatch<unknown>, 'requestPath' | 'path' | 'captures' | 'matchedPath' | 'prefix'>
  /** What the runtime's server passed beside the request (Node: the IncomingMessage the upstream transport pipes on). */
  readonly runtime?: unknown
  /**
   * Aborted when the client goes away (where the runtime tells). Made at its first read on Node
   * (@hono/node-server's request), which a proxied request need not pay for: its transport
   * watches the client's connection itself.
   */
  readonly signal?: AbortSignal
  /** What plugins add to the request's log line (aws-lambda: `function`, `lambda_ms`). */
  readonly logFields: Record<string, unknown>
  /** The call the answer waited for (the Lambda Invoke, the proxied service), for the log phase. */
  upstreamCall?: UpstreamCall
  /**
   * The client as the runtime tells it. `raw` (Node: header lines and target as received) must
   * follow what plugins change (change-request.ts keeps it in step).
   */
  client: ClientInfo
  method: string
  url: URL
  headers: Headers
  /**
   * The path the route's upstream gets (Kong's `upstream_uri` without its query), and API
   * Gateway events carry: the router's (`match.path`, after strip_path) until a plugin sets
   * another (Kong's `kong.service.request.set_path`). `url` stays the client's.
   */
  upstreamPath: string
  /**
   * The Host a plugin set for the upstream (Kong's `var.upstream_host`, which
   * `kong.service.request.set_header('host', …)` sets): sent instead of the service's, as with
   * preserve_host.
   */
  upstreamHost?: string
  /** The body, read on first use and kept; the reader's failures (BodyTooLarge, …) are thrown. */
  readBody(): Promise<Bytes | null>
  /** Replaces the body the plugins after this one and the function or upstream see. */
  setBody(bytes: Bytes | null): void
  /**
   * For the upstream: the bytes a plugin read or set, else the client's body unread, as a stream
   * (never buffered) that fails with BodyTooLarge past CLIENT_MAX_BODY_SIZE; null: no body.
   * Throws BodyTooLarge at once when the declared length is over it.
   */
  upstreamBody(): Promise<Bytes | null> | StreamedBody | null
  /** Whether the body read is larger than CLIENT_BODY_BUFFER_SIZE (nginx would have spooled it to disk). */
  bodyTooLarge(): boolean
  /**
   * The consumer an authentication plugin recognised the request as (Kong's
   * `kong.client.authenticate`): the plugins after it are picked for that consumer and its groups.
   */
  consumer?: GatewayConsumer
  /** The credential it was recognised by (none: the anonymous consumer). */
  credential?: GatewayCredential
  /**
   * Groups an authentication plugin vouches for without a consumer's ACLs (Kong's
   * `authenticated_groups`, which its session and LDAP plugins set; none of this gateway's does
   * yet): the acl plugin checks them instead of the consumer's.
   */
  authenticatedGroups?: readonly string[]
  /**
   * The JWT the jwt plugin verified (Kong's `kong.ctx.shared.authenticated_jwt_token`), with its
   * header and claims: API Gateway events carry the claims as an authorizer's.
   */
  authenticatedJwt?: { readonly token: string; readonly header: Readonly<Record<string, unknown>>; readonly claims: Readonly<Record<string, unknown>> }
  /** The request's trace, when a tracing plugin (opentelemetry) applies: spans of phases and calls go in it. */
  trace?: Trace
  /** What plugin instances keep for this request between phases (request-slot.ts), made at the first. */
  slots?: Map<RequestSlot<unknown>, unknown>
}

export interface ContextSource {
  request: Request
  /** What the runtime's server passed beside the request (the body reader's). */
  runtime: unknown
  readBody: BodyReader
  limits: BodyLimits
}

/** What the caller knows of a request before its plugins run. */
export type KnownContext = Omit<
  RequestContext,
  'method' | 'headers' | 'upstreamPath' | 'readBody' | 'setBody' | 'upstreamBody' | 'bodyTooLarge' | 'runtime' | 'logFields' | 'signal' | 'slots'
>

/** The context of `request`; its body is read only when a plugin asks for it. */
export function createContext(source: ContextSource, known: KnownContext): RequestContext {
  return new Context(source, known)
}

/**
 * A class, every field set in the constructor: each request's context has the same shape, so the
 * property reads of the core and of every plugin stay monomorphic (an object spread from what the
 * caller knew, with closures of its own, cost each request more than its size suggests).
 */
class Context implements RequestContext {
  readonly requestId: string
  readonly gatewayRequestId: string
  readonly receivedAt: number
  readonly log: Logger
  readonly route: RequestContext['route']
  readonly match: RequestContext['match']
  readonly runtime: unknown
  readonly logFields: Record<string, unknown> = {}
  upstreamCall: UpstreamCall | undefined
  client: ClientInfo
  method: string
  url: URL
  headers: Headers
  upstreamPath: string
  upstreamHost: string | undefined
  consumer: GatewayConsumer | undefined
  credential: GatewayCredential | undefined
  authenticatedGroups: readonly string[] | undefined
  authenticatedJwt: RequestContext['authenticatedJwt']
  trace: Trace | undefined
  slots: Map<RequestSlot<unknown>, unknown> | undefined = undefined
  readonly #source: ContextSource
  #body: Promise<Bytes | null> | undefined
  #size = 0

  constructor(source: ContextSource, known: KnownContext) {
    this.#source = source
    this.requestId = known.requestId
    this.gatewayRequestId = known.gatewayRequestId
    this.receivedAt = known.receivedAt
    this.log = known.log
    this.route = known.route
    this.match = known.match
    this.runtime = source.runtime
    this.upstreamCall = known.upstreamCall
    this.client = known.client
    this.method = source.request.method
    this.url = known.url
    this.headers = source.request.headers
    this.upstreamPath = known.match.path
    this.upstreamHost = known.upstreamHost
    this.consumer = known.consumer
    this.credential = known.credential
    this.authenticatedGroups = known.authenticatedGroups
    this.authenticatedJwt = known.authenticatedJwt
    this.trace = known.trace
  }

  get signal(): AbortSignal {
    return this.#source.request.signal
  }

  readBody(): Promise<Bytes | null> {
    const { request, runtime, readBody, limits } = this.#source
    this.#body ??= readBody(request, runtime, limits.maxSize).then((bytes) => {
      this.#size = bytes?.byteLength ?? 0
      return this.#size > 0 ? bytes : null
    })
    return this.#body
  }

  setBody(bytes: Bytes | null): void {
    this.#size = bytes?.byteLength ?? 0
    this.#body = Promise.resolve(this.#size > 0 ? bytes : null)
  }

  upstreamBody(): Promise<Bytes | null> | StreamedBody | null {
    const { request, limits } = this.#source
    return this.#body ?? streamRequestBody(request, limits.maxSize, this.client.raw !== undefined)
  }

  bodyTooLarge(): boolean {
    return this.#size > this.#source.limits.bufferSize
  }
}
