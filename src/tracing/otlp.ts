// Spans as an OTLP/HTTP protobuf body: an ExportTraceServiceRequest
// (https://github.com/open-telemetry/opentelemetry-proto/blob/main/opentelemetry/proto/trace/v1/trace.proto),
// written by hand: the few message types a trace export needs do not warrant a protobuf library.

import type { AttributeValue, Span } from './trace.ts'

const utf8 = new TextEncoder()

/** A protobuf message being written: bytes, and the nested messages' lengths known once they end. */
class Writer {
  bytes: number[] = []

  /** Values below 2^53, which is all a span has. */
  varint(value: number): void {
    for (; value > 127; value = Math.floor(value / 128)) this.bytes.push((value % 128) | 128)
    this.bytes.push(value)
  }

  tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType)
  }

  raw(field: number, data: ArrayLike<number>): void {
    this.tag(field, 2)
    this.varint(data.length)
    for (let i = 0; i < data.length; i++) this.bytes.push(data[i])
  }

  string(field: number, value: string): void {
    this.raw(field, utf8.encode(value))
  }

  hex(field: number, hex: string): void {
    this.raw(field, hex.match(/../g)?.map((byte) => Number.parseInt(byte, 16)) ?? [])
  }

  message(field: number, write: (inner: Writer) => void): void {
    const inner = new Writer()
    write(inner)
    this.raw(field, inner.bytes)
  }

  /** A 64-bit field (fixed64, double) as `set` writes it little-endian. */
  fixed64(field: number, set: (view: DataView) => void): void {
    const view = new DataView(new ArrayBuffer(8))
    set(view)
    this.tag(field, 1)
    this.bytes.push(...new Uint8Array(view.buffer))
  }

  attributes(field: number, attributes: Record<string, AttributeValue>): void {
    for (const [key, value] of Object.entries(attributes)) {
      this.message(field, (kv) => {
        kv.string(1, key)
        // AnyValue: string_value 1, bool_value 2, int_value 3, double_value 4.
        kv.message(2, (any) => {
          if (typeof value === 'string') any.string(1, value)
          else if (typeof value === 'number' && !(Number.isSafeInteger(value) && value >= 0)) any.fixed64(4, (view) => view.setFloat64(0, value, true))
          else {
            any.tag(typeof value === 'boolean' ? 2 : 3, 0)
            any.varint(Number(value))
          }
        })
      })
    }
  }
}

/** ms since the epoch as OTLP's fixed64 nanoseconds. */
function nanos(ms: number): bigint {
  const whole = Math.floor(ms)
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6))
}

/** One request to the traces endpoint carrying `spans` of `traceId`s, under `resource`. */
export function encodeTraces(spans: ReadonlyArray<{ traceId: string; span: Span }>, resource: Record<string, AttributeValue>): Uint8Array<ArrayBuffer> {
  const body = new Writer()
  body.message(1, (resourceSpans) => {
    resourceSpans.message(1, (r) => r.attributes(1, resource))
    resourceSpans.message(2, (scopeSpans) => {
      scopeSpans.message(1, (scope) => scope.string(1, 'kong-internal'))
      for (const { traceId, span } of spans) {
        scopeSpans.message(2, (s) => {
          s.hex(1, traceId)
          s.hex(2, span.spanId)
          if (span.parentId) s.hex(4, span.parentId)
          s.string(5, span.name)
          s.tag(6, 0)
          s.varint(span.kind)
          s.fixed64(7, (view) => view.setBigUint64(0, nanos(span.start), true))
          s.fixed64(8, (view) => view.setBigUint64(0, nanos(span.end ?? span.start), true))
          s.attributes(9, span.attributes)
          if (span.error !== undefined) {
            s.message(15, (status) => {
              status.string(2, span.error as string)
              status.tag(3, 0)
              status.varint(2)
            })
          }
        })
      }
    })
  })
  return new Uint8Array(body.bytes)
}
