// The opentelemetry plugin (Kong's kong/plugins/opentelemetry, priority 14): a trace for every
// request of the routes it applies to, continued from the client's trace headers and carried on
// to the upstream, and to the function (aws-lambda's Lambda span); sampled traces' spans are
// exported to `traces_endpoint` as OTLP/HTTP protobuf in the background
// (https://github.com/Kong/kong/blob/master/kong/plugins/opentelemetry/handler.lua). Kong
// starts propagation in the access phase, which aws-lambda (750) has already ended by
// answering; here the trace starts in the rewrite phase, before any plugin's access phase.

import { withEditedHeaders } from '../../http/edit-headers.ts'
import { requestHeaderLines, setRequestHeaderLines } from '../../pipeline/change-request.ts'
import type { PluginDefinition, PluginSetup } from '../../pipeline/plugin.ts'
import { legacyQueueSettings } from '../../queue/legacy.ts'
import { createQueue, type Queue } from '../../queue/queue.ts'
import { encodeTraces } from '../../tracing/otlp.ts'
import { extract } from '../../tracing/propagation.ts'
import { now, randomId, type Span, sampledByRate, Trace } from '../../tracing/trace.ts'
import { propagationOf } from './propagation-config.ts'
import { checkOpenTelemetryEntity, type OpenTelemetryConfig, openTelemetrySchema } from './schema.ts'

/** Kong's `tracing_sampling_rate` default (kong.conf), used where `sampling_rate` is not set. */
const DEFAULT_SAMPLING_RATE = 0.01

export const openTelemetryPlugin: PluginDefinition<typeof openTelemetrySchema> = {
  name: 'opentelemetry',
  priority: 14,
  schema: openTelemetrySchema,
  check: checkOpenTelemetryEntity,
  noConsumer: true,
  create(config, setup) {
    if (config.logs_endpoint) setup.log.warn('opentelemetry: logs_endpoint is not supported: no logs are exported', { plugin: setup.path })
    const endpoint = config.traces_endpoint ?? config.endpoint
    // Kong: without traces_endpoint, no trace and no propagation.
    if (endpoint === undefined) return {}
    const propagation = propagationOf(config)
    const rate = config.sampling_rate ?? DEFAULT_SAMPLING_RATE
    // A service's or a global plugin serves each route with its own instance: they share one
    // queue, which a reload to the same config keeps, waiting spans and all.
    const queue = setup.services.keptWhileUsed(
      `opentelemetry ${JSON.stringify(config)}`,
      () => exportQueue(config, endpoint, setup),
      (kept) => kept.flush(),
    )
    const responseHeader = config.http_response_header_for_traceid
    return {
      rewrite(ctx) {
        const incoming = extract(propagation.extract, ctx.headers)
        const traceId = incoming.traceId ?? randomId(16)
        const attributes = {
          'http.method': ctx.method,
          // Without the query: the span is made before authentication, and a query may carry a key or a token.
          'http.url': ctx.url.origin + ctx.url.pathname,
          'http.host': ctx.url.host,
          'http.scheme': ctx.client.scheme,
          'http.flavor': ctx.client.protocol.replace('HTTP/', ''),
          'http.client_ip': ctx.client.sourceIp ?? '',
          'net.peer.ip': ctx.client.peerIp ?? ctx.client.sourceIp ?? '',
          'kong.request.id': ctx.requestId,
        }
        const sampled = incoming.sampled ?? sampledByRate(traceId, rate)
        const trace = new Trace(traceId, sampled, { parentId: incoming.spanId, start: Math.min(ctx.receivedAt, now()), attributes }, propagation, incoming)
        ctx.trace = trace
        ctx.logFields.trace_id = traceId
        ctx.logFields.span_id = trace.root.spanId
        const injected = trace.headers()
        if (injected.length === 0 && propagation.clear.length === 0) return
        const replaced = new Set([...propagation.clear.map((name) => name.toLowerCase()), ...injected.map(([name]) => name)])
        setRequestHeaderLines(ctx, [...requestHeaderLines(ctx).filter(([name]) => !replaced.has(name)), ...injected])
      },
      response(ctx, response) {
        const traceId = ctx.trace?.traceId
        if (responseHeader === undefined || traceId === undefined) return response
        return withEditedHeaders(response, (headers) => headers.append(responseHeader, traceId))
      },
      log(ctx, { status }) {
        const trace = ctx.trace
        if (!trace?.sampled) return undefined
        const root = trace.root
        root.end = now()
        root.attributes['http.status_code'] = status
        root.attributes['http.route'] = ctx.match.matchedPath ?? ''
        const work = trace.spans.flatMap((span) => queue.add({ traceId: trace.traceId, span }) ?? [])
        return work.length > 0 ? Promise.all(work) : undefined
      },
    }
  },
}

type QueuedSpan = { traceId: string; span: Span }

/** The plugin's export queue (Kong's, src/queue/): batches of spans POSTed to `endpoint`, never awaited by a request. */
function exportQueue(config: OpenTelemetryConfig, endpoint: string, setup: PluginSetup): Queue<QueuedSpan> {
  const fetch = setup.services.transport({ proxyUrl: undefined, verifyTls: true })
  const resource = { 'service.name': 'kong', ...config.resource_attributes }
  const headers = { 'content-type': 'application/x-protobuf', ...config.headers }
  // fetch has one deadline for the whole exchange: Kong's three timeouts together.
  const timeoutMs = config.connect_timeout + config.send_timeout + config.read_timeout
  const send = async (batch: QueuedSpan[]) => {
    const response = await fetch(endpoint, { method: 'POST', headers, body: encodeTraces(batch, resource), signal: AbortSignal.timeout(timeoutMs) })
    await response.body?.cancel()
    if (response.status >= 300) throw new Error(`the traces endpoint answered ${response.status}`)
  }
  const settings = legacyQueueSettings('opentelemetry', config, setup)
  return createQueue(settings, send, { name: `opentelemetry ${setup.path.replace(/\.config$/, '')}`, log: setup.log, sendTimeoutMs: timeoutMs })
}
