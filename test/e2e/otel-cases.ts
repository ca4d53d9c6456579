// Issue 17's traces on every runtime: the opentelemetry plugin's trace of a Lambda request, as
// the mock's OTLP collector stand-in decoded it with the official schema (test/support/mock-otel.ts),
// and what the function recovered of its parent with OpenTelemetry's own propagators. Ported
// from Kong's spec/03-plugins/37-opentelemetry (the propagation, sampling, response-header and
// export cases that apply to a gateway without Kong's other instrumentations).

import type { ExportedSpan, OtlpExport } from '../support/mock-otel.ts'
import type { Echo } from '../support/upstream-echo.ts'
import { type Case, type E2E, json } from './harness.ts'

const randomHex = (bytes: number) => Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('')

async function exports(t: E2E): Promise<OtlpExport[]> {
  return (await fetch(`${t.mockUrl}/__otlp`)).json()
}

/**
 * The spans of `traceId` once those `names` have been exported. The export happens after the answer,
 * in the background: this waits for it (a bound against hanging, not a timing goal).
 */
async function exportedTrace(t: E2E, traceId: string, names = ['kong']): Promise<{ spans: ExportedSpan[]; exports: OtlpExport[] }> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const all = await exports(t)
    const mine = all.filter((e) => e.spans.some((s) => s.traceId === traceId))
    const spans = mine.flatMap((e) => e.spans.filter((s) => s.traceId === traceId))
    if (names.every((name) => spans.some((s) => s.name === name))) return { spans, exports: mine }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`no trace ${traceId} was exported`)
}

/** The spans every trace of a Lambda route has. */
const LAMBDA_TRACE = ['kong', 'kong.access.plugin.aws-lambda', 'Lambda.Invoke', 'aws.credentials']

const byName = (spans: ExportedSpan[], name: string): ExportedSpan => {
  const found = spans.filter((s) => s.name === name)
  if (found.length !== 1) throw new Error(`expected one span ${name}, found ${found.length}: ${spans.map((s) => s.name).join(', ')}`)
  return found[0]
}

/** The line the gateway logged for the request with this trace id. */
function requestLine(t: E2E, traceId: string): Record<string, unknown> | undefined {
  return t
    .logs()
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((line) => line.msg === 'request' && line.trace_id === traceId)
}

interface Seen {
  event: { traceId: string; spanId: string; sampled: boolean; traceState?: string } | null
  xray: { traceId: string; spanId: string; sampled: boolean } | null
  eventHeaders: Record<string, string>
}

/** A Lambda request in the client's trace: the function continues the gateway's Lambda span. */
function continuesIntoLambda(host: string, eventKind: string): Case {
  return {
    name: `otel: ${eventKind}: the function's traceparent and X-Amzn-Trace-Id are the gateway's Lambda span, in the client's trace`,
    async run(t) {
      const traceId = randomHex(16)
      const callerSpan = randomHex(8)
      const response = await t.send({ host, path: '/traced?x=1', headers: { traceparent: `00-${traceId}-${callerSpan}-01`, tracestate: 'vendor=opaque' } })
      t.equal(response.status, 200, 'status')
      t.equal(response.headers.get('x-trace-id'), traceId, 'http_response_header_for_traceid')
      const seen = (await json(response)) as unknown as Seen
      const { spans, exports } = await exportedTrace(t, traceId, LAMBDA_TRACE)
      const root = byName(spans, 'kong')
      const access = byName(spans, 'kong.access.plugin.aws-lambda')
      const lambda = byName(spans, 'Lambda.Invoke')
      const credentials = byName(spans, 'aws.credentials')
      // Parent links: caller → kong → the aws-lambda access phase → Lambda.Invoke → aws.credentials.
      t.equal(root.parentSpanId, callerSpan, 'the root continues the caller')
      t.equal(root.kind, 2, 'root is a server span')
      t.equal(access.parentSpanId, root.spanId, 'access phase under the root')
      t.equal(lambda.parentSpanId, access.spanId, 'Lambda call under the aws-lambda access phase')
      t.equal(lambda.kind, 3, 'Lambda call is a client span')
      t.equal(credentials.parentSpanId, lambda.spanId, 'credential fetch under the Lambda call')
      // The function's SDK recovered the Lambda span from the event and from X-Ray's header.
      t.equal(seen.event, { traceId, spanId: lambda.spanId, sampled: true, traceState: 'vendor=opaque' }, 'tracecontext from the event')
      t.equal(seen.xray, { traceId, spanId: lambda.spanId, sampled: true }, 'X-Amzn-Trace-Id of the Invoke request')
      // OpenTelemetry's semantic conventions on the Lambda span; Kong's attributes on the root.
      t.equal(lambda.attributes['faas.invoked_name'], 'functionOtelEcho', 'faas.invoked_name')
      t.equal(lambda.attributes['faas.invoked_provider'], 'aws', 'faas.invoked_provider')
      t.equal(lambda.attributes['faas.invoked_region'], 'us-east-1', 'faas.invoked_region')
      t.equal(lambda.attributes['aws.request_id'], 'foo', 'aws.request_id: the Invoke answer x-amzn-RequestId')
      t.equal(lambda.attributes['http.status_code'], 200, 'Invoke status')
      t.equal(lambda.attributes['rpc.service'], 'Lambda', 'rpc.service')
      t.equal(root.attributes['http.method'], 'GET', 'http.method')
      t.equal(root.attributes['http.status_code'], 200, 'http.status_code')
      t.equal(root.attributes['http.host'], host, 'http.host')
      // Without the query, which may carry a key or a token (the span is made before authentication).
      t.ok(String(root.attributes['http.url']).endsWith('/traced'), `http.url without its query: ${root.attributes['http.url']}`)
      t.ok(BigInt(root.endNs) >= BigInt(lambda.endNs) && BigInt(lambda.startNs) >= BigInt(root.startNs), 'the Lambda call is within the request')
      for (const span of spans) t.equal(span.status.code, 0, `${span.name} succeeded`)
      // The export request: protobuf, the configured headers and resource attributes.
      t.equal(exports[0].contentType, 'application/x-protobuf', 'content type')
      t.equal(exports[0].headers['x-otel-token'], 'otel-secret', 'configured export header')
      t.equal(exports[0].resource, { 'service.name': 'kong', 'deployment.environment': 'e2e' }, 'resource attributes')
      t.equal(exports[0].scope, 'kong-internal', 'scope')
      // The request's log line carries the trace.
      const line = requestLine(t, traceId)
      t.equal(line?.span_id, root.spanId, 'log line span_id')
    },
  }
}

export const otelCases: Case[] = [
  continuesIntoLambda('v1.otel.test', 'API Gateway 1.0 event'),
  continuesIntoLambda('v2.otel.test', 'API Gateway 2.0 event'),
  continuesIntoLambda('forward.otel.test', 'forward_request_headers event'),
  {
    name: 'otel: every plugin phase is a span of the request (correlation-id access and header_filter)',
    async run(t) {
      const response = await t.send({ host: 'v1.otel.test', path: '/' })
      t.equal(response.status, 200, 'status')
      const traceId = response.headers.get('x-trace-id') ?? ''
      t.ok(/^[0-9a-f]{32}$/.test(traceId), 'a new trace id')
      const { spans } = await exportedTrace(t, traceId, [...LAMBDA_TRACE, 'kong.access.plugin.correlation-id', 'kong.header_filter.plugin.correlation-id'])
      const root = byName(spans, 'kong')
      t.equal(root.parentSpanId, '', 'a new trace has no parent')
      for (const name of ['kong.access.plugin.correlation-id', 'kong.access.plugin.aws-lambda', 'kong.header_filter.plugin.correlation-id']) {
        t.equal(byName(spans, name).parentSpanId, root.spanId, `${name} under the root`)
      }
      const seen = (await json(response)) as unknown as Seen
      t.equal(seen.event?.traceId, traceId, 'the function is in the new trace')
      t.equal(seen.event?.spanId, byName(spans, 'Lambda.Invoke').spanId, 'its parent is the Lambda span')
    },
  },
  {
    name: "otel (Kong 37 spec): a caller's decision not to sample is kept: propagated with the flag off, nothing exported",
    async run(t) {
      const unsampled = randomHex(16)
      const first = await t.send({ host: 'v1.otel.test', path: '/', headers: { traceparent: `00-${unsampled}-${randomHex(8)}-00` } })
      t.equal(first.status, 200, 'status')
      t.equal(first.headers.get('x-trace-id'), unsampled, 'the trace id is still answered')
      const seen = (await json(first)) as unknown as Seen
      t.equal(seen.event?.traceId, unsampled, 'propagated to the function')
      t.equal(seen.event?.sampled, false, 'with the sampled flag off')
      t.equal(seen.xray?.sampled, false, 'X-Ray: Sampled=0')
      t.ok(requestLine(t, unsampled) !== undefined, 'the log line carries the trace id')
      // Spans of one plugin leave in order: once a later sampled trace's are out, the first's would be.
      const sampled = randomHex(16)
      await (await t.send({ host: 'v1.otel.test', path: '/', headers: { traceparent: `00-${sampled}-${randomHex(8)}-01` } })).text()
      await exportedTrace(t, sampled, LAMBDA_TRACE)
      t.equal((await exports(t)).flatMap((e) => e.spans).filter((s) => s.traceId === unsampled).length, 0, 'no span of the unsampled trace')
    },
  },
  {
    name: 'otel (Kong 37 spec): sampling_rate 0 records nothing but still propagates a trace',
    async run(t) {
      const response = await t.send({ host: 'unsampled.otel.test', path: '/' })
      t.equal(response.status, 200, 'status')
      const seen = (await json(response)) as unknown as Seen
      t.equal(seen.event?.traceId, response.headers.get('x-trace-id'), 'the function gets the trace')
      t.equal(seen.event?.sampled, false, 'unsampled')
    },
  },
  {
    name: 'otel (Kong 37 spec): propagation extract/clear/inject: b3 written beside w3c, a cleared header never reaches the function',
    async run(t) {
      const traceId = randomHex(16)
      const response = await t.send({
        host: 'clear.otel.test',
        path: '/',
        headers: { traceparent: `00-${traceId}-${randomHex(8)}-01`, 'x-internal-trace': 'drop me' },
      })
      const seen = (await json(response)) as unknown as Seen
      const { spans } = await exportedTrace(t, traceId, LAMBDA_TRACE)
      const lambda = byName(spans, 'Lambda.Invoke')
      t.equal(seen.eventHeaders['x-internal-trace'], undefined, 'cleared')
      t.equal(seen.eventHeaders['x-b3-traceid'], traceId, 'b3 trace id')
      t.equal(seen.eventHeaders['x-b3-spanid'], lambda.spanId, 'b3 span id: the Lambda span')
      t.equal(seen.eventHeaders['x-b3-parentspanid'], lambda.parentSpanId, "b3 parent: the Lambda span's")
      t.equal(seen.eventHeaders['x-b3-sampled'], '1', 'b3 sampled')
      t.equal(seen.event?.spanId, lambda.spanId, 'w3c too')
    },
  },
  {
    name: 'otel (Kong 37 spec): preserve answers in the format the trace came in (b3 single header)',
    async run(t) {
      const traceId = randomHex(16)
      const caller = randomHex(8)
      const response = await t.send({ host: 'v2.otel.test', path: '/', headers: { b3: `${traceId}-${caller}-1` } })
      const seen = (await json(response)) as unknown as Seen
      const { spans } = await exportedTrace(t, traceId, LAMBDA_TRACE)
      const lambda = byName(spans, 'Lambda.Invoke')
      t.equal(byName(spans, 'kong').parentSpanId, caller, 'continued from b3')
      t.equal(seen.eventHeaders.b3, `${traceId}-${lambda.spanId}-1-${lambda.parentSpanId}`, 'b3 single header of the Lambda span')
      t.equal(seen.eventHeaders.traceparent, undefined, 'no w3c header: preserve writes the format read')
      t.equal(seen.xray?.spanId, lambda.spanId, 'X-Amzn-Trace-Id whatever the format')
    },
  },
  {
    name: 'otel (Kong 37 spec): a proxied upstream gets the trace headers of the root span',
    async run(t) {
      const traceId = randomHex(16)
      const response = await t.send({ host: 'proxy.otel.test', path: '/', headers: { traceparent: `00-${traceId}-${randomHex(8)}-01` } })
      t.equal(response.status, 200, 'status')
      const echo = (await response.json()) as Echo
      const { spans } = await exportedTrace(t, traceId)
      const traceparent = echo.headers.filter(([name]) => name === 'traceparent').map(([, value]) => value)
      t.equal(traceparent, [`00-${traceId}-${byName(spans, 'kong').spanId}-01`], 'one traceparent: the root span')
    },
  },
  {
    name: 'otel: an endpoint that cannot be reached never holds up the answer; the failure is logged without the export headers',
    async run(t) {
      const before = t.logs().length
      const response = await t.send({ host: 'down.otel.test', path: '/' })
      t.equal(response.status, 200, 'answered')
      await response.text()
      const lost = () =>
        t
          .logs()
          .slice(before)
          .some((line) => line.includes('queue entries were lost'))
      for (let attempt = 0; attempt < 400 && !lost(); attempt++) await new Promise((resolve) => setTimeout(resolve, 25))
      const logged = t.logs().slice(before).join('\n')
      t.ok(logged.includes('handler could not process entries'), 'the failed export is logged')
      t.ok(/\d+ queue entries were lost/.test(logged), 'and its spans counted as lost')
      t.ok(!logged.includes('otel-secret'), 'never the export headers')
    },
  },
]
