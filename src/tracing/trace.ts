// One request's trace, after Kong's tracer (kong/pdk/tracing.lua): a root span for the request,
// child spans for what the gateway does on its way (plugin phases, the credential fetch, the
// Lambda call), and the ids the next hop continues. An unsampled trace still has ids, which are
// propagated (with the sampled flag off), but records no span.

import { hex } from '../encoding/digest.ts'
import { type Incoming, inject, type Propagation, xrayHeader } from './propagation.ts'

export type AttributeValue = string | number | boolean

/** OTLP's span kinds. */
export const INTERNAL = 1
export const SERVER = 2
export const CLIENT = 3

export interface Span {
  readonly name: string
  readonly kind: number
  readonly spanId: string
  readonly parentId: string | undefined
  /** ms since the epoch, sub-millisecond where the runtime's clock has it. */
  readonly start: number
  end?: number
  readonly attributes: Record<string, AttributeValue>
  /** Set when what the span stands for failed: OTLP's error status with this fixed text. */
  error?: string
}

/** ms since the epoch, as finely as the runtime tells (Workers: it moves on I/O only). */
export const now = (): number => performance.timeOrigin + performance.now()

/** `bytes` random bytes as lower-case hex. */
export const randomId = (bytes: 8 | 16): string => hex(crypto.getRandomValues(new Uint8Array(bytes)))

/** Kong's probability sampler: the trace id's first 8 bytes, as a little-endian number, below rate × 2^64. */
export function sampledByRate(traceId: string, rate: number): boolean {
  if (rate >= 1) return true
  if (rate <= 0) return false
  let value = 0
  for (let i = 7; i >= 0; i--) value = value * 256 + Number.parseInt(traceId.slice(i * 2, i * 2 + 2), 16)
  return value < rate * 2 ** 64
}

export class Trace {
  readonly traceId: string
  readonly root: Span
  readonly sampled: boolean
  /** The spans recorded so far (none when unsampled), the root first. */
  readonly spans: Span[] = []
  /** The span new spans are children of: the phase or call under way. */
  active: Span
  private readonly propagation: Propagation
  private readonly incoming: Incoming

  constructor(
    traceId: string,
    sampled: boolean,
    root: { parentId?: string; start: number; attributes: Record<string, AttributeValue> },
    propagation: Propagation,
    incoming: Incoming,
  ) {
    this.traceId = traceId
    this.sampled = sampled
    this.propagation = propagation
    this.incoming = incoming
    this.root = { name: 'kong', kind: SERVER, spanId: randomId(8), parentId: root.parentId, start: root.start, attributes: root.attributes }
    this.active = this.root
    if (sampled) this.spans.push(this.root)
  }

  /** A child of the active span, recorded when the trace is sampled. */
  startSpan(name: string, kind = INTERNAL, attributes: Record<string, AttributeValue> = {}): Span {
    const span: Span = { name, kind, spanId: randomId(8), parentId: this.active.spanId, start: now(), attributes }
    if (this.sampled) this.spans.push(span)
    return span
  }

  /** X-Ray's header for `span`: what the Lambda service continues (https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader). */
  xrayHeader(span: Span): string {
    return xrayHeader(this.traceId, span.spanId, this.sampled)
  }

  /** The headers that carry `span` (default: the root) to the next hop, in the configured formats. */
  headers(span: Span = this.root): Array<[string, string]> {
    return inject(this.propagation, { ...this.incoming, traceId: this.traceId, spanId: span.spanId, parentId: span.parentId, sampled: this.sampled })
  }
}

/** Runs `work` as the span `name`, a child of the active span, which it is while it runs. */
export async function inSpan<T>(trace: Trace, name: string, work: (span: Span) => T | Promise<T>, kind = INTERNAL): Promise<T> {
  const span = trace.startSpan(name, kind)
  const outer = trace.active
  trace.active = span
  try {
    return await work(span)
  } catch (error) {
    span.error ??= 'failed'
    throw error
  } finally {
    span.end = now()
    trace.active = outer
  }
}
