// Proxying a route to its service, as Kong 3 does once no plugin answered: the upstream request
// (path joined by the router, the client's query, Kong's headers), tries by the service's
// `retries` (only a try that failed while connecting is made again: nothing of it was sent),
// and the answer with hop-by-hop headers removed, Via and the latency headers added. What does
// not change per request is worked out here, once per route.

import type { Balancer, BalancerTarget } from '../balancer/balancer.ts'
import { withEditedHeaders } from '../http/edit-headers.ts'
import { describeError, type Logger } from '../log.ts'
import type { GatewayRoute, GatewayService } from '../model/declarative.ts'
import { ConfigError } from '../model/validate.ts'
import { nameResolutionFailedResponse, noPeerResponse, upstreamFailedResponse } from '../pipeline/answers.ts'
import { requestHeaderLines } from '../pipeline/change-request.ts'
import type { RequestContext } from '../pipeline/context.ts'
import type { RealIpSettings } from '../pipeline/real-ip.ts'
import { ClientGone } from '../pipeline/request.ts'
import { escapeUpstreamPath } from '../router/upstream-path.ts'
import { balanceRequest } from './balance-request.ts'
import { forwardedLines, hostHeader, VIA_NAME } from './forwarded-headers.ts'
import { deleteHopByHop } from './hop-by-hop.ts'
import { UpstreamFailure, type UpstreamTls, type UpstreamTransport } from './upstream-transport.ts'

export interface ProxySetup {
  transport: UpstreamTransport
  /** Whether the transport sends the Host it is given (fetch sends the URL's). */
  sendsHost: boolean
  /** Balancers by upstream name: a service whose host names one is balanced over its targets. */
  balancers: ReadonlyMap<string, Balancer>
  realIp: RealIpSettings | undefined
  log: Logger
}

/** Kong's X-Kong-Upstream-Latency and X-Kong-Proxy-Latency, named for this gateway. */
export const UPSTREAM_LATENCY = 'x-gateway-upstream-latency'
export const PROXY_LATENCY = 'x-gateway-proxy-latency'

const OUTBOUND_VIA = `1.1 ${VIA_NAME}`

/** What nginx never passes on from an upstream's answer (its proxy_hide_header defaults; Kong passes Server and Date). */
const HIDDEN_FROM_CLIENTS = new Set(['x-accel-expires', 'x-accel-redirect', 'x-accel-limit-rate', 'x-accel-buffering', 'x-accel-charset', 'x-pad'])

/**
 * The answer of `route`, which has `service`: its proxying. Throws ConfigError for a service
 * this gateway cannot proxy to (its protocol, or TLS settings the runtime cannot honour).
 */
export function createProxy(route: GatewayRoute, service: GatewayService, setup: ProxySetup): (ctx: RequestContext) => Promise<Response> {
  const { protocol } = service
  if (protocol !== 'http' && protocol !== 'https') {
    const message = `routes are proxied over http and https only: ${protocol} services are not supported (route ${route.label} has no plugin that answers it)`
    throw new ConfigError([{ path: `${service.location}.protocol`, message }])
  }
  const { transport, log } = setup
  const balancer = setup.balancers.get(service.host)
  const single: BalancerTarget = { host: service.host, port: service.port }
  const timeouts = { connectMs: service.connect_timeout, writeMs: service.write_timeout, readMs: service.read_timeout }
  const { caCertificates, clientCertificate } = service
  const tlsOf = (host: string): UpstreamTls | undefined =>
    protocol === 'https'
      ? {
          verify: service.tls_verify ?? true,
          serverName: host,
          ...(service.tls_verify_depth === undefined ? {} : { verifyDepth: service.tls_verify_depth }),
          ...(caCertificates ? { caCertificates } : {}),
          ...(clientCertificate ? { clientCertificate } : {}),
        }
      : undefined
  const tls = tlsOf(service.host)
  const unsupported = transport.unsupported?.({ ...(tls ? { tls } : {}), preserveHost: route.preserveHost }) ?? []
  if (unsupported.length > 0) {
    const at = (field: string) => (field === 'preserve_host' ? `${route.path}.${field}` : `${service.location}.${field}`)
    throw new ConfigError(unsupported.map(({ field, message }) => ({ path: at(field), message })))
  }
  const fields = { route: route.label, service: service.label }
  let hostUnsentTold = false
  /** A Host a plugin set (Kong's upstream_host), where the transport can send it; said once per route where it cannot. */
  const hostSet = (ctx: RequestContext) => {
    if (ctx.upstreamHost === undefined || setup.sendsHost) return ctx.upstreamHost
    if (!hostUnsentTold) {
      hostUnsentTold = true
      log.warn("a plugin set the upstream's Host, which this runtime cannot send (its fetch sends the URL's host): the service's host is sent", fields)
    }
    return undefined
  }

  return async (ctx) => {
    const body = ctx.upstreamBody()
    const streamed = body !== null && !(body instanceof Promise) ? body : undefined
    const bytes = body instanceof Promise ? await body : null
    const lines = forwardedLines(ctx, requestHeaderLines(ctx), setup.realIp)
    const length = bytes?.byteLength ?? (streamed ? ctx.headers.get('content-length') : ctx.headers.has('content-length') ? '0' : null)
    if (length !== null) lines.push(['content-length', String(length)])
    const target = escapeUpstreamPath(ctx.upstreamPath) + queryOf(ctx)
    const sentAt = Date.now()
    const tried: BalancerTarget[] = []
    const balance = balancer && balanceRequest(ctx)
    for (let tries = 1; ; tries++) {
      const pick = balance && balancer.pick(balance, tried)
      if (balancer && !pick) {
        log.error('no target of the upstream can take the request', { request_id: ctx.requestId, ...fields, upstream: service.host, tries })
        return noPeerResponse(ctx.requestId, tries > 1)
      }
      const { host, port } = pick?.target ?? single
      const named = balancer?.hostHeader
      const hostLine =
        hostSet(ctx) ?? (named && !route.preserveHost && /:\d+$/.test(named) ? named : hostHeader(ctx, route.preserveHost, protocol, named ?? host, port))
      const tls = tlsOf(hostLine.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1'))
      try {
        const response = await transport({
          protocol,
          host,
          port,
          method: ctx.method,
          target,
          headers: [['host', hostLine], ...lines],
          body: streamed ?? bytes,
          runtime: ctx.runtime,
          timeouts,
          tls,
          signal: transport.watchesClient ? undefined : ctx.signal,
          answerEnded: pick?.release,
        })
        pick?.done({ status: response.status })
        ctx.logFields.upstream_tries = tries
        const upstreamMs = Date.now() - sentAt
        ctx.upstreamCall = { ms: upstreamMs, status: response.status, tries }
        // The upstream answered before the body was cut at the limit: what it took for whole was not.
        if (streamed?.failure) {
          response.body?.cancel().catch(() => {})
          throw streamed.failure
        }
        return answerOf(response, pick?.setCookie, sentAt - ctx.receivedAt, upstreamMs)
      } catch (error) {
        const failure = error instanceof UpstreamFailure ? error : undefined
        // What the client did (gone, or its body cut at the limit) is no failure of the target:
        // Kong reports such a try's status (499, 413), which no health check counts.
        pick?.done(ctx.signal?.aborted || streamed?.failure ? { status: 499 } : failure?.timedOut ? 'timeout' : 'tcp-failure')
        pick?.release()
        if (streamed?.failure) throw streamed.failure
        // The try's own error says only that (the client went away): logged once, as what it is.
        if (ctx.signal?.aborted) throw new ClientGone(undefined, 'the client went away before the upstream answered')
        if (!failure) throw error
        tried.push({ host, port })
        // A service's host that names nothing is Kong's 503, never retried (Kong resolves it
        // before the first try); a balanced target's name that does not resolve is retried as a
        // refused connection is.
        const unresolved = failure.stage === 'resolve' && !balancer
        const unsent = failure.stage === 'connect' || failure.stage === 'resolve'
        if (!unresolved && unsent && tries <= service.retries && !streamed?.started) continue
        log.error(`proxying failed: ${describeError(failure)}`, {
          request_id: ctx.requestId,
          ...fields,
          target: `${host}:${port}`,
          stage: failure.stage,
          tries,
        })
        ctx.logFields.upstream_tries = tries
        if (unresolved) return nameResolutionFailedResponse(ctx.requestId)
        // Kong's error page after a try is a proxied answer: Via, the latency headers and the balancer's cookie.
        return answerOf(upstreamFailedResponse(failure.timedOut, ctx.requestId), pick?.setCookie, sentAt - ctx.receivedAt, Date.now() - sentAt)
      }
    }
  }
}

/** The query as the client sent it (`?` alone included, as Kong keeps it), or as a plugin set it. */
function queryOf(ctx: RequestContext): string {
  const raw = ctx.client.raw?.target
  if (raw === undefined) return ctx.url.search
  const start = raw.indexOf('?')
  return start === -1 ? '' : raw.slice(start)
}

/** The upstream's answer as the client gets it: its own headers changed in place where they can be (a copy where fetch made them immutable). */
function answerOf(response: Response, setCookie: string | undefined, proxyMs: number, upstreamMs: number): Response {
  return withEditedHeaders(response, (headers) => {
    const via = headers.get('via')
    deleteHopByHop(headers, HIDDEN_FROM_CLIENTS)
    headers.set('via', via === null ? OUTBOUND_VIA : `${via}, ${OUTBOUND_VIA}`)
    headers.set(UPSTREAM_LATENCY, String(upstreamMs))
    headers.set(PROXY_LATENCY, String(proxyMs))
    if (setCookie !== undefined) headers.append('set-cookie', setCookie)
  })
}
