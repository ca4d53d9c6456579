// Kong's spec/03-plugins/37-opentelemetry/02-schema_spec.lua and the schema's own checks
// (at_least_one_of, deprecated shorthands, the formats this gateway writes), and what the
// plugin does in the pipeline around the access phase: its trace starts before any plugin's
// access phase, and a route without a tracing plugin has no rewrite step at all.

import { describe, expect, it } from 'vitest'
import { buildGatewayConfig } from '../../../src/model/declarative.ts'
import type { RequestContext } from '../../../src/pipeline/context.ts'
import { planRoute } from '../../../src/pipeline/plan.ts'
import type { PluginDefinition } from '../../../src/pipeline/plugin.ts'
import { runPlan } from '../../../src/pipeline/run.ts'
import { PLUGINS } from '../../../src/plugins/index.ts'
import { openTelemetryPlugin } from '../../../src/plugins/opentelemetry/index.ts'
import { gatewayWith, pluginConfigProblems, validPluginConfig } from '../../support/plugin-config.ts'

const ENDPOINT = 'http://127.0.0.1:1/v1/traces'

describe('opentelemetry schema', () => {
  it("Kong: rejects invalid attribute values (empty); accepts Kong's defaults", () => {
    expect(pluginConfigProblems('opentelemetry', { endpoint: 'http://example.dev', resource_attributes: { foo: '' } })).toEqual({
      'resource_attributes.foo': 'length must be at least 1',
    })
    expect(validPluginConfig('opentelemetry', { traces_endpoint: ENDPOINT })).toMatchObject({
      // Kong's queue defaults (test/queue/), with opentelemetry's own batch size.
      queue: { max_batch_size: 200, max_coalescing_delay: 1 },
      connect_timeout: 1000,
      send_timeout: 5000,
      read_timeout: 5000,
      header_type: 'preserve',
      propagation: { default_format: 'w3c' },
    })
  })

  it("needs an endpoint (at_least_one_of); the deprecated batch fields are moved with Kong's warning (none for an old default)", () => {
    expect(pluginConfigProblems('opentelemetry', {})).toEqual({
      '@entity': "at least one of these fields must be non-empty: 'traces_endpoint', 'logs_endpoint'",
    })
    expect(validPluginConfig('opentelemetry', { endpoint: ENDPOINT, batch_span_count: 7, batch_flush_delay: 2 })).toMatchObject({ endpoint: ENDPOINT })
    const { lines } = gatewayWith('opentelemetry', { endpoint: ENDPOINT, batch_span_count: 7, batch_flush_delay: 3 })
    expect(lines.map((line) => JSON.parse(line).msg)).toContain(
      'opentelemetry: the batch_span_count parameter is deprecated, please update your configuration to use queue.max_batch_size instead',
    )
  })

  it("Kong's formats this gateway does not write are refused by name, with the ones it does", () => {
    const problems = pluginConfigProblems('opentelemetry', { traces_endpoint: ENDPOINT, propagation: { inject: ['datadog'] } })
    expect(problems['propagation.inject[0]']).toMatch(/expected one of: preserve, w3c, b3, b3-single, jaeger, aws/)
  })
})

describe('opentelemetry in the pipeline', () => {
  it('the trace exists before the access phase of a plugin of higher priority (aws-lambda: 750)', async () => {
    const seen: Array<RequestContext['trace']> = []
    const early: PluginDefinition = { name: 'early', priority: 100_000, schema: {}, create: () => ({ access: (ctx) => void seen.push(ctx.trace) }) }
    const registry = [openTelemetryPlugin, early] as PluginDefinition[]
    const document = {
      _format_version: '3.0',
      routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'early' }, { name: 'opentelemetry', config: { traces_endpoint: ENDPOINT, sampling_rate: 0 } }] }],
    }
    const config = buildGatewayConfig(document, {}, { registry })
    const log = { debug() {}, info() {}, warn() {}, error() {} }
    const fresh = <T>(_key: string, make: () => T) => make()
    const services = {
      transport: () => fetch,
      counters: {} as never,
      hideErrorDetails: false,
      metrics: 'no metrics here',
      once: fresh,
      kept: fresh,
      keptWhileUsed: fresh,
    }
    const setup = { env: {}, log, services, consumers: config, upstream: () => () => new Response('upstream') }
    const plan = planRoute(config.routes[0], config.plugins, registry, setup)
    expect(plan.rewrite).toHaveLength(1)
    const ctx = {
      headers: new Headers({ traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` }),
      logFields: {},
      client: { scheme: 'http', protocol: 'HTTP/1.1', sourceIp: null },
      method: 'GET',
      url: new URL('http://h/'),
      requestId: 'r',
      receivedAt: Date.now(),
      match: {},
      route: { label: 'r', methods: [] },
      log,
    } as unknown as RequestContext
    const { response } = await runPlan(plan, ctx)
    expect(await response.text()).toBe('upstream')
    const withoutTracing = planRoute(
      config.routes[0],
      config.plugins.filter((p) => p.name !== 'opentelemetry'),
      registry,
      setup,
    )
    expect(withoutTracing.rewrite).toBeUndefined()
    expect(seen[0]?.traceId).toBe('a'.repeat(32))
  })

  it('the answer carries the trace id (http_response_header_for_traceid) and the log line trace_id and span_id, also unsampled', async () => {
    const { send, lines } = gatewayWith('opentelemetry', { traces_endpoint: ENDPOINT, sampling_rate: 0, http_response_header_for_traceid: 'x-trace' })
    const traceId = 'c'.repeat(32)
    const response = await send(new Request('http://gateway.test/', { headers: { traceparent: `00-${traceId}-${'d'.repeat(16)}-00` } }))
    expect(response.headers.get('x-trace')).toBe(traceId)
    await new Promise((resolve) => setTimeout(resolve, 0))
    const line = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request')
    expect(line).toMatchObject({ trace_id: traceId, span_id: expect.stringMatching(/^[0-9a-f]{16}$/) })
  })

  it('cannot be scoped to a consumer: its trace starts before authentication finds one', () => {
    const document = {
      _format_version: '3.0',
      consumers: [{ username: 'alice' }],
      routes: [{ name: 'r', paths: ['/'] }],
      plugins: [{ name: 'opentelemetry', consumer: 'alice', config: { traces_endpoint: ENDPOINT } }],
    }
    expect(() => buildGatewayConfig(document, {})).toThrow("plugin 'opentelemetry' cannot be scoped to a consumer")
  })

  it('is in the registry', () => {
    expect(PLUGINS).toContain(openTelemetryPlugin)
  })
})
