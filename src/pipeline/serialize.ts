// Kong's log serializer (`kong.log.serialize`, https://github.com/Kong/kong/blob/master/kong/pdk/log.lua):
// the JSON entry Kong's logging plugins send for a request, with the same fields. Kong replaces
// the values of Authorization and Proxy-Authorization with "REDACTED"; this one also redacts
// Cookie, Set-Cookie, apikey and X-Api-Key headers, the `apikey` and `jwt` query arguments (in
// `querystring`, `request.uri`, `request.url` and `upstream_uri`), and any header or argument
// whose value is the key or token the request was authenticated with.

import { fieldText } from '../http/field-text.ts'
import { decodeComponent } from '../http/url-args.ts'
import type { GatewayConsumer, GatewayRoute, GatewayService } from '../model/declarative.ts'
import { escapeUpstreamPath } from '../router/upstream-path.ts'
import type { RequestContext } from './context.ts'
import type { Served } from './log-phase.ts'

export const REDACTED = 'REDACTED'

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'apikey', 'x-api-key'])
/** key-auth's and jwt's default argument names. */
const SECRET_ARGS = new Set(['apikey', 'jwt'])

/** Kong's `kong.request.get_query()`: repeated names as arrays, a name without `=` as true. */
export type QueryArgs = Record<string, string | true | Array<string | true>>

export interface LogEntry {
  request: {
    id: string
    uri: string
    url: string
    querystring: QueryArgs
    method: string
    headers: Record<string, string | string[]>
    size: number
  }
  upstream_uri: string
  upstream_status: string
  response: { status: number; headers: Record<string, string | string[]>; size: number }
  latencies: { kong: number; proxy: number; request: number; receive: number }
  tries?: number
  authenticated_entity?: { id: string; consumer_id: string }
  route: Record<string, unknown>
  service?: Record<string, unknown>
  consumer?: Record<string, unknown>
  client_ip: string | null
  started_at: number
  source: 'kong' | 'upstream'
  workspace_name: 'default'
  correlation_id?: unknown
  trace_id?: unknown
  [field: string]: unknown
}

/** The entry Kong's `kong.log.serialize()` gives for this request, secrets redacted. */
export function serialize(ctx: RequestContext, served: Served): LogEntry {
  const secrets = requestSecrets(ctx)
  const query = redactedQuery(ctx.url.search, secrets)
  const uri = (ctx.client.raw?.target ?? ctx.url.pathname).replace(/\?.*$/, '') + query.text
  const port = ctx.client.serverPort === undefined ? '' : `:${ctx.client.serverPort}`
  // A field left undefined is absent from the JSON, as Kong leaves it out.
  return {
    request: {
      id: ctx.requestId,
      uri,
      url: `${ctx.client.scheme}://${ctx.url.hostname}${port}${uri}`,
      querystring: query.args,
      method: ctx.method,
      headers: headerTable(ctx.client.raw?.headerLines ?? ctx.headers, secrets),
      size: served.requestSize,
    },
    upstream_uri: escapeUpstreamPath(ctx.upstreamPath) + query.text,
    upstream_status: served.upstream?.status === undefined ? '' : String(served.upstream.status),
    response: { status: served.status, headers: headerTable(served.headers, secrets), size: served.responseSize },
    latencies: { ...served.latencies },
    tries: served.upstream?.tries,
    authenticated_entity: ctx.credential && { id: ctx.credential.id, consumer_id: ctx.credential.consumer.id },
    route: routeEntity(served.route),
    service: served.service && serviceEntity(served.service),
    consumer: served.consumer && consumerEntity(served.consumer),
    client_ip: ctx.client.sourceIp,
    started_at: served.startedAt,
    source: served.source === 'service' ? 'upstream' : 'kong',
    workspace_name: 'default',
    // What Kong's correlation-id and tracing plugins add with `kong.log.set_serialize_value`.
    correlation_id: ctx.logFields.correlation_id,
    trace_id: ctx.logFields.trace_id,
  }
}

/** The values that authenticated this request, wherever the client put them. */
function requestSecrets(ctx: RequestContext): string[] {
  const secrets: string[] = []
  if (ctx.credential?.kind === 'keyauth') secrets.push(ctx.credential.key)
  if (ctx.authenticatedJwt) secrets.push(ctx.authenticatedJwt.token)
  return secrets
}

/** A value holding an authenticated secret anywhere in it (jwt takes `Bearer <token>` from any header it reads) is redacted whole. */
function secret(name: string, value: string, names: ReadonlySet<string>, secrets: readonly string[]): boolean {
  return names.has(name) || secrets.some((held) => value.includes(held))
}

/** Kong's `get_headers()`: lower-case names, repeated ones as arrays; values whose bytes are UTF-8 as that text, as Kong's JSON carries them. */
function headerTable(lines: Iterable<readonly [string, string]>, secrets: readonly string[]): Record<string, string | string[]> {
  const table: Record<string, string | string[]> = {}
  for (const [raw, given] of lines) {
    const name = raw.toLowerCase()
    // As text, a value is compared with the secrets as the plugins compared it (a key beyond ASCII).
    const text = fieldText(given)
    const value = secret(name, text, SECRET_HEADERS, secrets) ? REDACTED : text
    const before = table[name]
    table[name] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value]
  }
  return table
}

/** The query's arguments as Kong reads them, and its text (`?…`, or empty) with the same values redacted. */
function redactedQuery(search: string, secrets: readonly string[]): { args: QueryArgs; text: string } {
  const args: QueryArgs = {}
  if (search.length <= 1) return { args, text: search }
  const parts = search.slice(1).split('&')
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]
    if (part === '') continue
    const equals = part.indexOf('=')
    // Decoded as the plugins decode it (a broken escape left as written, the others decoded), so a key they took is found.
    const name = decodeComponent(equals < 0 ? part : part.slice(0, equals))
    let value: string | true = equals < 0 ? true : decodeComponent(part.slice(equals + 1))
    if (value !== true && secret(name.toLowerCase(), value, SECRET_ARGS, secrets)) {
      value = REDACTED
      parts[i] = `${part.slice(0, equals)}=${REDACTED}`
    }
    const before = args[name]
    args[name] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value]
  }
  return { args, text: `?${parts.join('&')}` }
}

// Entities are copied once, in Kong's shape, and shared by every entry (frozen: read-only).
const entities = new WeakMap<object, Record<string, unknown>>()

function once<T extends object>(entity: T, shape: (entity: T) => Record<string, unknown>): Record<string, unknown> {
  let copy = entities.get(entity)
  if (copy === undefined) {
    copy = Object.freeze(shape(entity))
    entities.set(entity, copy)
  }
  return copy
}

function routeEntity(route: GatewayRoute): Record<string, unknown> {
  return once(route, (r) => ({
    id: r.id,
    name: r.name,
    paths: r.paths,
    methods: r.methods,
    hosts: r.hosts,
    headers: r.headers,
    snis: r.snis,
    protocols: r.protocols,
    https_redirect_status_code: r.httpsRedirectStatusCode,
    strip_path: r.stripPath,
    regex_priority: r.regexPriority,
    path_handling: r.pathHandling,
    preserve_host: r.preserveHost,
    request_buffering: r.requestBuffering,
    response_buffering: r.responseBuffering,
    service: r.service && { id: r.service.id },
  }))
}

function serviceEntity(service: GatewayService): Record<string, unknown> {
  // Kong's fields only: the client certificate's PEM and key the model resolved stay out.
  return once(service, ({ label, location, clientCertificate, caCertificates, client_certificate, ...fields }) => ({
    ...fields,
    client_certificate: client_certificate && { id: client_certificate },
  }))
}

function consumerEntity(consumer: GatewayConsumer): Record<string, unknown> {
  return once(consumer, ({ id, username, custom_id, tags }) => ({ id, username, custom_id, tags }))
}
