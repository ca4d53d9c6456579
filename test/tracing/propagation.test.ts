// Trace headers read and written in Kong's formats: vectors of Kong's
// spec/01-unit/26-observability/02-propagation_strategies_spec.lua, and every header written is
// read back by OpenTelemetry's own propagators (W3C, B3, AWS X-Ray) to the same ids.

import { defaultTextMapGetter, ROOT_CONTEXT, trace } from '@opentelemetry/api'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray'
import { B3Propagator } from '@opentelemetry/propagator-b3'
import { describe, expect, it } from 'vitest'
import { extract, type Format, inject, type Outgoing } from '../../src/tracing/propagation.ts'

const TRACE = '0af7651916cd43dd8448eb211c80319c'
const TRACE_8 = '8448eb211c80319c'
const SPAN_1 = 'b7ad6b7169203331'
const SPAN_2 = 'b7ad6b7169203332'

const read = (formats: Format[], headers: Record<string, string>) => extract(formats, new Headers(headers))

describe('extraction (Kong spec vectors)', () => {
  it.each([
    ['w3c base case', 'w3c', { traceparent: `00-${TRACE}-${SPAN_1}-01` }, { traceId: TRACE, spanId: SPAN_1, sampled: true }],
    ['w3c sampled = false', 'w3c', { traceparent: `00-${TRACE}-${SPAN_1}-00` }, { traceId: TRACE, spanId: SPAN_1, sampled: false }],
    ['w3c sampling mask on', 'w3c', { traceparent: `00-${TRACE}-${SPAN_1}-09` }, { traceId: TRACE, spanId: SPAN_1, sampled: true }],
    ['w3c upper-case hex', 'w3c', { traceparent: `00-${TRACE.toUpperCase()}-${SPAN_1}-01` }, { traceId: TRACE, spanId: SPAN_1, sampled: true }],
    [
      'b3 multi base case',
      'b3',
      { 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN_1, 'x-b3-parentspanid': SPAN_2, 'x-b3-sampled': '1' },
      { traceId: TRACE, spanId: SPAN_1, sampled: true },
    ],
    ['b3 sampling decision only', 'b3', { 'x-b3-sampled': '0' }, { sampled: false }],
    [
      'b3 sampled set via flags',
      'b3',
      { 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN_1, 'x-b3-flags': '1' },
      { traceId: TRACE, spanId: SPAN_1, sampled: true, flags: '1' },
    ],
    [
      'b3 8-byte trace id',
      'b3',
      { 'x-b3-traceid': TRACE_8, 'x-b3-spanid': SPAN_1, 'x-b3-sampled': '1' },
      { traceId: `${'0'.repeat(16)}${TRACE_8}`, short: true },
    ],
    [
      'b3 invalid trace id',
      'b3',
      { 'x-b3-traceid': 'x', 'x-b3-spanid': SPAN_1, 'x-b3-sampled': '1' },
      { traceId: undefined, spanId: undefined, sampled: true },
    ],
    ['b3 single all fields', 'b3', { b3: `${TRACE}-${SPAN_1}-1-${SPAN_2}` }, { traceId: TRACE, spanId: SPAN_1, sampled: true, single: true }],
    ['b3 single debug', 'b3', { b3: `${TRACE}-${SPAN_1}-d` }, { traceId: TRACE, spanId: SPAN_1, sampled: true, flags: '1' }],
    ['b3 single 1-char header', 'b3', { b3: '0' }, { sampled: false, single: true, traceId: undefined }],
    ['b3 single from tracestate', 'b3', { tracestate: `b3=${TRACE}-${SPAN_1}-1` }, { traceId: TRACE, spanId: SPAN_1, single: true }],
    [
      'b3 single invalid trace id (too long): nothing of it is taken',
      'b3',
      { b3: `${TRACE}0-${SPAN_1}-1` },
      { traceId: undefined, sampled: undefined, single: true },
    ],
    ['jaeger base case', 'jaeger', { 'uber-trace-id': `${TRACE}:${SPAN_1}:${SPAN_2}:01` }, { traceId: TRACE, spanId: SPAN_1, sampled: true }],
    ['jaeger parent = 0', 'jaeger', { 'uber-trace-id': `${TRACE}:${SPAN_1}:0:00` }, { traceId: TRACE, spanId: SPAN_1, sampled: false }],
    ['jaeger 0-pad shorter span id', 'jaeger', { 'uber-trace-id': `${TRACE}:123:${SPAN_2}:01` }, { spanId: '0000000000000123' }],
    ['jaeger 0-pad shorter trace id', 'jaeger', { 'uber-trace-id': `1234:${SPAN_1}:${SPAN_2}:01` }, { traceId: `${'0'.repeat(28)}1234`, short: false }],
    [
      'aws base case',
      'aws',
      { 'x-amzn-trace-id': `Root=1-${TRACE.slice(0, 8)}-${TRACE.slice(8)};Parent=${SPAN_1};Sampled=1` },
      { traceId: TRACE, spanId: SPAN_1, sampled: true },
    ],
    [
      'aws with spaces',
      'aws',
      { 'x-amzn-trace-id': `  Root =   1-${TRACE.slice(0, 8)}-${TRACE.slice(8)}  ;  Parent= ${SPAN_1};  Sampled   =1` },
      { traceId: TRACE, spanId: SPAN_1, sampled: true },
    ],
    [
      'aws parent first, extra fields',
      'aws',
      { 'x-amzn-trace-id': `Parent=${SPAN_1};Root=1-${TRACE.slice(0, 8)}-${TRACE.slice(8)};Foo=bar;Sampled=0` },
      { traceId: TRACE, spanId: SPAN_1, sampled: false },
    ],
  ] as const)('%s', (_name, format, headers, expected) => {
    expect(read([format], headers)).toMatchObject({ from: format, ...expected })
  })

  it.each([
    ['w3c invalid header', 'w3c', { traceparent: `vv-${TRACE}-${SPAN_1}-00` }],
    ['w3c invalid trace id (too short)', 'w3c', { traceparent: `00-${TRACE.slice(1)}-${SPAN_1}-00` }],
    ['w3c invalid trace id (all zero)', 'w3c', { traceparent: `00-${'0'.repeat(32)}-${SPAN_1}-00` }],
    ['w3c invalid parent id (all zero)', 'w3c', { traceparent: `00-${TRACE}-${'0'.repeat(16)}-00` }],
    ['w3c invalid version', 'w3c', { traceparent: `01-${TRACE}-${SPAN_1}-00` }],
    ['w3c invalid flags', 'w3c', { traceparent: `00-${TRACE}-${SPAN_1}-000` }],
    ['w3c missing span id', 'w3c', { traceparent: `00-${TRACE}-00` }],
    ['jaeger invalid trace id (all zero)', 'jaeger', { 'uber-trace-id': `${'0'.repeat(32)}:${SPAN_1}:${SPAN_2}:01` }],
    ['jaeger invalid flags', 'jaeger', { 'uber-trace-id': `${TRACE}:${SPAN_1}:${SPAN_2}:123` }],
    ['aws invalid trace id', 'aws', { 'x-amzn-trace-id': `Root=0-${TRACE.slice(0, 8)}-${TRACE.slice(8)};Parent=${SPAN_1};Sampled=1` }],
    ['aws invalid parent', 'aws', { 'x-amzn-trace-id': `Root=1-${TRACE.slice(0, 8)}-${TRACE.slice(8)};Parent=${SPAN_1}0;Sampled=1` }],
    ['aws invalid sampled', 'aws', { 'x-amzn-trace-id': `Root=1-${TRACE.slice(0, 8)}-${TRACE.slice(8)};Parent=${SPAN_1};Sampled=2` }],
  ] as const)('%s: nothing read', (_name, format, headers) => {
    expect(read([format], headers)).toEqual({})
  })

  it('the first format found wins, in the order given; a W3C tracestate is not B3', () => {
    const headers = { traceparent: `00-${TRACE}-${SPAN_1}-01`, tracestate: 'vendor=x', 'uber-trace-id': `${TRACE}:${SPAN_2}:0:01` }
    expect(read(['b3', 'w3c', 'jaeger'], headers)).toMatchObject({ from: 'w3c', spanId: SPAN_1 })
    expect(read(['jaeger', 'w3c'], headers)).toMatchObject({ from: 'jaeger', spanId: SPAN_2 })
    expect(read([], headers)).toEqual({})
  })
})

describe('injection, read back by OpenTelemetry propagators', () => {
  const out: Outgoing = { traceId: TRACE, spanId: SPAN_1, parentId: SPAN_2, sampled: true }
  const propagation = (formats: Array<Format | 'preserve'>) => ({ extract: [], inject: formats, defaultFormat: 'w3c' as const })
  const carrier = (formats: Array<Format | 'preserve'>, outgoing = out) => Object.fromEntries(inject(propagation(formats), outgoing))
  const readBack = (propagator: { extract: W3CTraceContextPropagator['extract'] }, headers: Record<string, string>) =>
    trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter))

  it.each([
    ['w3c', new W3CTraceContextPropagator()],
    ['b3', new B3Propagator({ injectEncoding: 1 })],
    ['b3-single', new B3Propagator()],
    ['aws', new AWSXRayPropagator()],
  ] as const)('%s', (format, propagator) => {
    for (const sampled of [true, false]) {
      const context = readBack(propagator, carrier([format], { ...out, sampled }))
      expect(context).toMatchObject({ traceId: TRACE, spanId: SPAN_1, traceFlags: sampled ? 1 : 0 })
    }
  })

  it("Kong's header values: b3 with its parent, jaeger, X-Ray", () => {
    expect(carrier(['b3'])).toEqual({ 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN_1, 'x-b3-parentspanid': SPAN_2, 'x-b3-sampled': '1' })
    expect(carrier(['b3-single'], { ...out, flags: '1' })).toEqual({ b3: `${TRACE}-${SPAN_1}-d-${SPAN_2}` })
    expect(carrier(['jaeger'], { ...out, sampled: false })).toEqual({ 'uber-trace-id': `${TRACE}:${SPAN_1}:${SPAN_2}:00` })
    expect(carrier(['aws'])).toEqual({ 'x-amzn-trace-id': `Root=1-${TRACE.slice(0, 8)}-${TRACE.slice(8)};Parent=${SPAN_1};Sampled=1` })
  })

  it('preserve: the format read (b3 single stays single), else default_format; an 8-byte trace id goes back as 8 bytes where the format allows', () => {
    expect(Object.keys(carrier(['preserve'], { ...out, from: 'jaeger' }))).toEqual(['uber-trace-id'])
    expect(carrier(['preserve'], { ...out, from: 'b3', single: true }).b3).toBe(`${TRACE}-${SPAN_1}-1-${SPAN_2}`)
    expect(Object.keys(carrier(['preserve']))).toEqual(['traceparent'])
    const short = { ...out, traceId: `${'0'.repeat(16)}${TRACE_8}`, short: true }
    expect(carrier(['b3'], short)['x-b3-traceid']).toBe(TRACE_8)
    expect(carrier(['w3c'], short).traceparent).toBe(`00-${'0'.repeat(16)}${TRACE_8}-${SPAN_1}-01`)
  })
})
