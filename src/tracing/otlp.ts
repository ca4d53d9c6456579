// Spans as an OTLP/HTTP protobuf body: an ExportTraceServiceRequest
// (https://github.com/open-telemetry/opentelemetry-proto/blob/main/opentelemetry/proto/trace/v1/trace.proto),
// written by hand: the few message types a trace export needs do not warrant a protobuf library.

import type { AttributeValue, Span } from './trace.ts'

/** A message's bytes as they are written. */
type Out = number[]

const utf8 = new TextEncoder()

/** Values below 2^53, which is all a span has. */
function varint(out: Out, value: number): void {
  for (; value > 127; value = Math.floor(value / 128)) out.push((value % 128) | 128)
  out.push(value)
}

/** A varint field (wire type 0). */
function number(out: Out, field: number, value: number): void {
  varint(out, field * 8)
  varint(out, value)
}

/** A length-delimited field (wire type 2). */
function bytes(out: Out, field: number, data: ArrayLike<number>): void {
  varint(out, field * 8 + 2)
  varint(out, data.length)
  for (let i = 0; i < data.length; i++) out.push(data[i])
}

const text = (out: Out, field: number, value: string) => bytes(out, field, utf8.encode(value))
const hex = (out: Out, field: number, value: string) => bytes(out, field, value.match(/../g)?.map((byte) => Number.parseInt(byte, 16)) ?? [])

/** A nested message, as `write` writes it. */
function message(out: Out, field: number, write: (inner: Out) => void): void {
  const inner: Out = []
  write(inner)
  bytes(out, field, inner)
}

/** A 64-bit field (fixed64, double: wire type 1) as `set` writes it little-endian. */
function fixed64(out: Out, field: number, set: (view: DataView) => void): void {
  const view = new DataView(new ArrayBuffer(8))
  set(view)
  varint(out, field * 8 + 1)
  out.push(...new Uint8Array(view.buffer))
}

/** KeyValue fields; AnyValue: string_value 1, bool_value 2, int_value 3, double_value 4. */
function attributes(out: Out, field: number, values: Record<string, AttributeValue>): void {
  for (const [key, value] of Object.entries(values)) {
    message(out, field, (kv) => {
      text(kv, 1, key)
      message(kv, 2, (any) => {
        if (typeof value === 'string') text(any, 1, value)
        else if (typeof value === 'number' && !(Number.isSafeInteger(value) && value >= 0)) fixed64(any, 4, (view) => view.setFloat64(0, value, true))
        else number(any, typeof value === 'boolean' ? 2 : 3, Number(value))
      })
    })
  }
}

/** ms since the epoch as OTLP's fixed64 nanoseconds. */
const nanos = (ms: number) => (view: DataView) => {
  const whole = Math.floor(ms)
  view.setBigUint64(0, BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6)), true)
}

/** One request to the traces endpoint carrying `spans` of `traceId`s, under `resource`. */
export function encodeTraces(spans: ReadonlyArray<{ traceId: string; span: Span }>, resource: Record<string, AttributeValue>): Uint8Array<ArrayBuffer> {
  const body: Out = []
  message(body, 1, (resourceSpans) => {
    message(resourceSpans, 1, (r) => attributes(r, 1, resource))
    message(resourceSpans, 2, (scopeSpans) => {
      message(scopeSpans, 1, (scope) => text(scope, 1, 'kong-internal'))
      for (const { traceId, span } of spans) {
        message(scopeSpans, 2, (s) => {
          hex(s, 1, traceId)
          hex(s, 2, span.spanId)
          if (span.parentId) hex(s, 4, span.parentId)
          text(s, 5, span.name)
          number(s, 6, span.kind)
          fixed64(s, 7, nanos(span.start))
          fixed64(s, 8, nanos(span.end ?? span.start))
          attributes(s, 9, span.attributes)
          const error = span.error
          if (error !== undefined) {
            message(s, 15, (status) => {
              text(status, 2, error)
              number(status, 3, 2)
            })
          }
        })
      }
    })
  })
  return new Uint8Array(body)
}
