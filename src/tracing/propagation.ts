// Trace context in HTTP headers, in the formats of Kong's opentelemetry plugin this gateway reads
// and writes (kong/observability/tracing/propagation/: extractors/ and injectors/): W3C
// traceparent, B3 (multi and single header), Jaeger and AWS X-Ray; not Kong's ot, gcp, datadog
// and instana. Ids are lower-case hex, a trace id padded to 16 bytes and a span id to 8, as Kong
// pads them.

export const FORMATS = ['w3c', 'b3', 'b3-single', 'jaeger', 'aws'] as const
export type Format = (typeof FORMATS)[number]

/** What a request's headers said of the trace it belongs to. */
export interface Incoming {
  traceId?: string
  /** The caller's span: the parent of the gateway's root span. */
  spanId?: string
  sampled?: boolean
  /** B3's debug flag (`1`). */
  flags?: string
  /** The trace id came as 8 bytes: formats that allow it send it back so. */
  short?: boolean
  /** It came in B3's single header: `preserve` answers in it. */
  single?: boolean
  /** The format it was read from. */
  from?: Format
}

/** What is sent on: the trace, the span the next hop continues and that span's parent. */
export interface Outgoing extends Omit<Incoming, 'traceId' | 'spanId' | 'sampled'> {
  traceId: string
  spanId: string
  parentId?: string
  sampled: boolean
}

export interface Propagation {
  extract: readonly Format[]
  /** Formats, or `preserve`: the one the trace came in, else `defaultFormat`. */
  inject: readonly (Format | 'preserve')[]
  defaultFormat: Format
}

const ID16 = /^[0-9a-f]{16}$/
const TRACE_ID = /^(?:[0-9a-f]{16}){1,2}$/
const isSpanId = (value: string | undefined) => value === undefined || ID16.test(value)
const nonZero = /[1-9a-f]/
const pad = (hex: string, length: number) => (hex.length > length ? hex.slice(-length) : hex.padStart(length, '0'))
const flag = (value: string | undefined): boolean | undefined =>
  value === '1' || value === 'true' || value === 'd' ? true : value === '0' || value === 'false' ? false : undefined
/** Ids of a header `pattern` matched, both non-zero, with the sampled bit of its flags. */
function ids(header: string | undefined, pattern: RegExp): Incoming | undefined {
  const [, traceId, spanId, flags] = pattern.exec(header ?? '') ?? []
  if (!nonZero.test(traceId ?? '') || !nonZero.test(spanId ?? '')) return undefined
  return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 }
}

type Extractor = (get: (name: string) => string | undefined) => Incoming | undefined

const EXTRACTORS: Partial<Record<Format, Extractor>> = {
  w3c: (get) => ids(get('traceparent'), /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/),
  jaeger: (get) => ids(get('uber-trace-id'), /^([0-9a-f]{1,32}):([0-9a-f]{1,16}):[0-9a-f]+:([0-9a-f]{1,2})$/),
  b3(get) {
    // Kong also reads a b3= entry of tracestate; a tracestate without one is W3C's, not B3's.
    const single = get('b3') ?? /^b3=(.+)$/.exec(get('tracestate') ?? '')?.[1]
    const multi = ['x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags'].map(get)
    const [traceId, spanId, parentId, sampled, debug] = multi
    if (single === undefined && multi.every((value) => value === undefined)) return undefined
    const found: Incoming = { flags: debug, sampled: debug === '1' ? true : flag(sampled) }
    if (single !== undefined) {
      const [, t, s, bit] = /^(?:((?:[0-9a-f]{16}){1,2})-([0-9a-f]{16})(?:-([01d]))?(?:-([0-9a-f]{16}))?|([01d]))$/.exec(single) ?? []
      const decision = bit ?? single
      Object.assign(found, { single: true, flags: decision === 'd' ? '1' : debug, sampled: flag(decision) ?? found.sampled })
      if (t !== undefined) return { ...found, traceId: t, spanId: s }
    }
    return TRACE_ID.test(traceId ?? '') && isSpanId(spanId) && isSpanId(parentId) ? { ...found, traceId, spanId } : found
  },
  aws(get) {
    const header = get('x-amzn-trace-id')
    if (header === undefined) return undefined
    const found: Incoming = {}
    // Kong ignores the whole header when one of its fields is malformed.
    let malformed = false
    for (const pair of header.split(';')) {
      const [key, value = ''] = pair.split('=').map((part) => part.trim())
      const root = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/.exec(value)
      if (key === 'root') found.traceId = root ? root[1] + root[2] : ''
      if (key === 'parent') found.spanId = ID16.test(value) ? value : ''
      if (key === 'sampled') malformed ||= value !== '0' && value !== '1'
      found.sampled = key === 'sampled' ? value === '1' : found.sampled
    }
    return malformed || found.traceId === '' || found.spanId === '' ? undefined : found
  },
}

/** The first of `formats` found in `headers` (Kong: the first extractor that finds anything). */
export function extract(formats: readonly Format[], headers: Headers): Incoming {
  const get = (name: string) => headers.get(name)?.toLowerCase() ?? undefined
  for (const format of formats) {
    const found = EXTRACTORS[format]?.(get)
    if (found === undefined) continue
    const { traceId, spanId } = found
    return {
      ...found,
      from: format,
      traceId: traceId && pad(traceId, 32),
      spanId: spanId && pad(spanId, 16),
      short: traceId !== undefined && traceId.length > 14 && traceId.length <= 16,
    }
  }
  return {}
}

export function xrayHeader(traceId: string, spanId: string, sampled: boolean): string {
  return `Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=${spanId};Sampled=${sampled ? 1 : 0}`
}

type Injector = (out: Outgoing, traceId: string) => Array<[string, string]>

const sampledBit = (out: Outgoing) => (out.sampled ? '1' : '0')

const INJECTORS: Record<Format, Injector> = {
  w3c: (out) => [['traceparent', `00-${out.traceId}-${out.spanId}-0${sampledBit(out)}`]],
  b3(out, traceId) {
    const headers: Array<[string, string]> = [
      ['x-b3-traceid', traceId],
      ['x-b3-spanid', out.spanId],
    ]
    if (out.parentId) headers.push(['x-b3-parentspanid', out.parentId])
    headers.push(out.flags ? ['x-b3-flags', out.flags] : ['x-b3-sampled', sampledBit(out)])
    return headers
  },
  'b3-single': (out, traceId) => [['b3', [traceId, out.spanId, out.flags === '1' ? 'd' : sampledBit(out), out.parentId].filter(Boolean).join('-')]],
  jaeger: (out, traceId) => [['uber-trace-id', `${traceId}:${out.spanId}:${out.parentId ?? '0'}:0${sampledBit(out)}`]],
  aws: (out) => [['x-amzn-trace-id', xrayHeader(out.traceId, out.spanId, out.sampled)]],
}

/** Formats that may send an 8-byte trace id back as it came. */
const SHORT_IDS: ReadonlySet<Format> = new Set(['b3', 'b3-single', 'jaeger'])

/** The headers that carry `out` in each format of `propagation.inject` (Kong's inject_tracing_context). */
export function inject(propagation: Propagation, out: Outgoing): Array<[string, string]> {
  const headers: Array<[string, string]> = []
  for (const wanted of propagation.inject) {
    let format = wanted === 'preserve' ? (out.from ?? propagation.defaultFormat) : wanted
    if (wanted === 'preserve' && format === 'b3' && out.single) format = 'b3-single'
    const traceId = out.short && SHORT_IDS.has(format) ? out.traceId.slice(16) : out.traceId
    headers.push(...INJECTORS[format](out, traceId))
  }
  return headers
}
