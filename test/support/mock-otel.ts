// Tracing on the mock AWS side: an OTLP/HTTP collector stand-in (POST /v1/traces, served by the
// mock Lambda's loopback server, so every runtime's gateway reaches it as it reaches Lambda) that
// decodes each export with the official OTLP protobuf schema (compiled by
// @opentelemetry/otlp-transformer from opentelemetry-proto, not the gateway's encoder), and a
// function (`functionOtelEcho`) that recovers its parent the way an instrumented function does:
// @opentelemetry/api with the W3C tracecontext propagator over the event's headers, and the
// X-Ray propagator over the Invoke request's X-Amzn-Trace-Id (what Lambda hands the function as
// _X_AMZN_TRACE_ID).

import { Buffer } from 'node:buffer'
import { defaultTextMapGetter, ROOT_CONTEXT, trace } from '@opentelemetry/api'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import root from '@opentelemetry/otlp-transformer/build/src/generated/root.js'
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray'

export interface ExportedSpan {
  traceId: string
  spanId: string
  parentSpanId: string
  name: string
  kind: number
  startNs: string
  endNs: string
  attributes: Record<string, unknown>
  status: { code: number; message: string }
}

export interface OtlpExport {
  contentType: string | null
  /** Headers of the export request, lower-case names. */
  headers: Record<string, string>
  resource: Record<string, unknown>
  scope: string
  spans: ExportedSpan[]
}

const { ExportTraceServiceRequest } = (root as any).opentelemetry.proto.collector.trace.v1

const hex = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('hex')

function attributeMap(list: Array<{ key: string; value: Record<string, unknown> }> = []): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const { key, value } of list) {
    const v = value ?? {}
    out[key] = v.stringValue ?? v.boolValue ?? (v.intValue !== undefined && v.intValue !== null ? Number(v.intValue) : undefined) ?? v.doubleValue
  }
  return out
}

/** An export request's body as the official schema reads it. */
export function decodeExport(body: Uint8Array): Omit<OtlpExport, 'contentType' | 'headers'> {
  const message = ExportTraceServiceRequest.decode(body)
  const object = ExportTraceServiceRequest.toObject(message, { longs: String, defaults: true, oneofs: true })
  const resourceSpans = object.resourceSpans[0]
  const scopeSpans = resourceSpans.scopeSpans[0]
  return {
    resource: attributeMap(resourceSpans.resource.attributes),
    scope: scopeSpans.scope.name,
    spans: scopeSpans.spans.map((span: any) => ({
      traceId: hex(span.traceId),
      spanId: hex(span.spanId),
      parentSpanId: hex(span.parentSpanId),
      name: span.name,
      kind: span.kind,
      startNs: span.startTimeUnixNano,
      endNs: span.endTimeUnixNano,
      attributes: attributeMap(span.attributes),
      status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
    })),
  }
}

/** The collector: what it answers, or undefined for a request that is not its own. */
export function otlpCollector() {
  const exports: OtlpExport[] = []
  /** Set by POST /__otlp/fail?status=N: the next exports are answered N (0: accepted again). */
  let failWith = 0
  return {
    exports,
    reply(method: string | undefined, url: string, headers: Record<string, string>, body: Buffer) {
      if (method === 'POST' && url === '/v1/traces') {
        if (failWith) return { status: failWith, headers: { 'Content-Type': 'text/plain' }, body: 'failing on purpose' }
        exports.push({ contentType: headers['content-type'] ?? null, headers, ...decodeExport(body) })
        return { status: 200, headers: { 'Content-Type': 'application/x-protobuf' }, body: Buffer.alloc(0) }
      }
      if (method === 'GET' && url === '/__otlp') return { status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(exports) }
      const fail = method === 'POST' ? /^\/__otlp\/fail\?status=(\d+)$/.exec(url) : null
      if (fail) {
        failWith = Number(fail[1])
        return { status: 204 }
      }
      return undefined
    },
  }
}

/**
 * What the function recovered (its result, answered as it is without proxy integration): its parent from the event's headers (API Gateway events'
 * `headers`, forward_request_headers' `request_headers`) and from X-Amzn-Trace-Id.
 */
export function otelEchoReply(invokeHeaders: Record<string, string>, body: Buffer) {
  const event = JSON.parse(body.toString('utf8') || '{}')
  const carrier: Record<string, string> = {}
  for (const [name, value] of Object.entries<string>(event.headers ?? event.request_headers ?? {})) carrier[name.toLowerCase()] = value
  const fromEvent = trace.getSpanContext(new W3CTraceContextPropagator().extract(ROOT_CONTEXT, carrier, defaultTextMapGetter))
  const fromXray = trace.getSpanContext(new AWSXRayPropagator().extract(ROOT_CONTEXT, invokeHeaders, defaultTextMapGetter))
  const context = (c: typeof fromEvent) =>
    c && { traceId: c.traceId, spanId: c.spanId, sampled: (c.traceFlags & 1) === 1, traceState: c.traceState?.serialize() }
  return { event: context(fromEvent) ?? null, xray: context(fromXray) ?? null, eventHeaders: carrier }
}
