// What leaves the gateway for an OTLP collector: the protobuf body, read by the official schema
// (test/support/mock-otel.ts decodes with @opentelemetry/otlp-transformer's compiled
// opentelemetry-proto); and Kong's sampler. The queue around the export is src/queue/'s, tested
// in test/queue/.

import { describe, expect, it } from 'vitest'
import { encodeTraces } from '../../src/tracing/otlp.ts'
import { type Span, sampledByRate } from '../../src/tracing/trace.ts'
import { decodeExport } from '../support/mock-otel.ts'

const TRACE = '0af7651916cd43dd8448eb211c80319c'

describe('OTLP/HTTP protobuf body', () => {
  it('the official schema reads every field written: ids, parent, kind, times, attributes of each type, error status', () => {
    const root: Span = {
      name: 'kong',
      kind: 2,
      spanId: 'b7ad6b7169203331',
      parentId: undefined,
      start: 1_700_000_000_123.25,
      end: 1_700_000_000_456.5,
      attributes: { 'http.method': 'GET', 'http.status_code': 502 },
    }
    const child: Span = {
      name: 'Lambda.Invoke',
      kind: 3,
      spanId: 'b7ad6b7169203332',
      parentId: root.spanId,
      start: 1_700_000_000_200,
      end: 1_700_000_000_300,
      attributes: { 'faas.invoked_name': 'fn', ratio: 0.25, negative: -3, big: 2 ** 40, flag: true, off: false, 'unicode ü': 'é' },
      error: 'the Lambda call failed',
    }
    const decoded = decodeExport(
      encodeTraces(
        [
          { traceId: TRACE, span: root },
          { traceId: TRACE, span: child },
        ],
        { 'service.name': 'kong', env: 'test' },
      ),
    )
    expect(decoded.resource).toEqual({ 'service.name': 'kong', env: 'test' })
    expect(decoded.scope).toBe('kong-internal')
    expect(decoded.spans).toEqual([
      {
        traceId: TRACE,
        spanId: root.spanId,
        parentSpanId: '',
        name: 'kong',
        kind: 2,
        startNs: '1700000000123250000',
        endNs: '1700000000456500000',
        attributes: { 'http.method': 'GET', 'http.status_code': 502 },
        status: { code: 0, message: '' },
      },
      {
        traceId: TRACE,
        spanId: child.spanId,
        parentSpanId: root.spanId,
        name: 'Lambda.Invoke',
        kind: 3,
        startNs: '1700000000200000000',
        endNs: '1700000000300000000',
        attributes: { 'faas.invoked_name': 'fn', ratio: 0.25, negative: -3, big: 2 ** 40, flag: true, off: false, 'unicode ü': 'é' },
        status: { code: 2, message: 'the Lambda call failed' },
      },
    ])
  })
})

describe("Kong's probability sampler", () => {
  it('decides on the first 8 bytes of the trace id, little-endian, against rate × 2^64', () => {
    // Bytes 0..7 little-endian: 0x8000000000000000 is exactly half of 2^64.
    const half = `${'00'.repeat(7)}80${'ff'.repeat(8)}`
    expect(sampledByRate(half, 0.5)).toBe(false)
    expect(sampledByRate(`${'00'.repeat(7)}7f${'ff'.repeat(8)}`, 0.5)).toBe(true)
    expect(sampledByRate(TRACE, 1)).toBe(true)
    expect(sampledByRate('0'.repeat(32), 0)).toBe(false)
  })
})
