// Trace context in HTTP headers, in the formats Kong's opentelemetry plugin reads and writes
// (kong/observability/tracing/propagation/: extractors/ and injectors/): W3C traceparent, B3
// (multi and single header), Jaeger, OpenTracing, AWS X-Ray and Google Cloud. Ids are lower-case
// hex, a trace id padded to 16 bytes and a span id to 8, as Kong pads them.

export const FORMATS = ['w3c', 'b3', 'b3-single', 'jaeger', 'ot', 'aws', 'gcp', 'datadog', 'instana'] as const
export type Format = (typeof FORMATS)[number]
/** Kong's formats this gateway does not read or write (refused at load). */
export const UNSUPPORTED_FORMATS: readonly Format[] = ['datadog', 'instana']

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

const HEX = /^[0-9a-f]+$/
const isHex = (value: string | undefined, ...lengths: number[]): value is string =>
  value !== undefined && HEX.test(value) && (lengths.length === 0 || lengths.includes(value.length))
const nonZero = (hex: string) => /[1-9a-f]/.test(hex)
const pad = (hex: string, length: number) => (hex.length > length ? hex.slice(-length) : hex.padStart(length, '0'))
const flag = (value: string | null): boolean | undefined => (value === '1' || value === 'true' ? true : value === '0' || value === 'false' ? false : undefined)

type Extractor = (get: (name: string) => string | undefined) => Incoming | undefined

const EXTRACTORS: Partial<Record<Format, Extractor>> = {
  w3c(get) {
    const [version, traceId, spanId, flags, extra] = get('traceparent')?.split('-') ?? []
    if (extra !== undefined || version !== '00' || !isHex(traceId, 32) || !nonZero(traceId) || !isHex(spanId, 16) || !nonZero(spanId) || !isHex(flags, 2)) {
      return undefined
    }
    return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 }
  },
  b3(get) {
    const names = ['b3', 'tracestate', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags']
    if (!names.some((name) => get(name) !== undefined)) return undefined
    const found: Incoming = {}
    const single = get('b3') ?? /^b3=(.+)$/.exec(get('tracestate') ?? '')?.[1]
    if (single !== undefined) {
      found.single = true
      const [traceId, spanId, sampled = '', parentId = '', extra] = single.length <= 1 ? ['', '', single] : single.split('-')
      if (sampled === 'd') found.flags = '1'
      found.sampled = sampled === '1' || sampled === 'd' ? true : sampled === '0' ? false : undefined
      if (extra === undefined && isHex(traceId, 16, 32) && isHex(spanId, 16) && (parentId === '' || isHex(parentId, 16))) {
        Object.assign(found, { traceId, spanId })
      }
    }
    const debug = get('x-b3-flags')
    found.sampled ??= debug === '1' ? true : flag(get('x-b3-sampled') ?? null)
    found.flags ??= debug
    const [traceId, spanId, parentId] = ['x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid'].map(get)
    if (
      found.traceId === undefined &&
      (traceId === undefined || isHex(traceId, 16, 32)) &&
      (spanId === undefined || isHex(spanId, 16)) &&
      (parentId === undefined || isHex(parentId, 16))
    ) {
      Object.assign(found, { traceId, spanId })
    }
    if (found.traceId === undefined) found.spanId = undefined
    return found
  },
  jaeger(get) {
    const [traceId, spanId, , flags, extra] = get('uber-trace-id')?.split(':') ?? []
    if (extra !== undefined || !isHex(traceId) || traceId.length > 32 || !nonZero(traceId) || !isHex(spanId) || spanId.length > 16 || !nonZero(spanId))
      return undefined
    if (!isHex(flags, 1, 2)) return undefined
    return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 }
  },
  ot(get) {
    const [traceId, spanId, sampled] = ['ot-tracer-traceid', 'ot-tracer-spanid', 'ot-tracer-sampled'].map(get)
    if (traceId === undefined && spanId === undefined && sampled === undefined) return undefined
    const valid = isHex(traceId, 16, 32) && (spanId === undefined || isHex(spanId, 16))
    return { ...(valid ? { traceId, spanId } : {}), sampled: flag(sampled ?? null) }
  },
  aws(get) {
    const header = get('x-amzn-trace-id')
    if (header === undefined) return undefined
    const found: Incoming = {}
    for (const pair of header.split(';')) {
      const at = pair.indexOf('=')
      const key = pair.slice(0, at).trim()
      const value = pair
        .slice(at + 1)
        .trim()
        .toLowerCase()
      if (key === 'Root') {
        const [version, time, unique, extra] = value.split('-')
        if (value.length !== 35 || version !== '1' || extra !== undefined || !isHex(time, 8) || !isHex(unique, 24)) return undefined
        found.traceId = time + unique
      } else if (key === 'Parent') {
        if (!isHex(value, 16)) return undefined
        found.spanId = value
      } else if (key === 'Sampled') {
        if (value !== '0' && value !== '1') return undefined
        found.sampled = value === '1'
      }
    }
    return found
  },
  gcp(get) {
    const match = /^([0-9a-f]{32})\/([0-9]{1,20})(?:;o=([0-9]))?$/.exec(get('x-cloud-trace-context') ?? '')
    if (!match) return undefined
    return { traceId: match[1], spanId: pad(BigInt(match[2]).toString(16), 16), sampled: match[3] === '1' }
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
      short: traceId !== undefined && traceId.length <= 16,
    }
  }
  return {}
}

export function xrayHeader(traceId: string, spanId: string, sampled: boolean): string {
  return `Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=${spanId};Sampled=${sampled ? 1 : 0}`
}

type Injector = (out: Outgoing, traceId: string) => Array<[string, string]>

const sampledBit = (out: Outgoing) => (out.sampled ? '1' : '0')

const INJECTORS: Partial<Record<Format, Injector>> = {
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
  ot: (out, traceId) => [
    ['ot-tracer-traceid', traceId],
    ['ot-tracer-spanid', out.spanId],
    ['ot-tracer-sampled', sampledBit(out)],
  ],
  aws: (out) => [['x-amzn-trace-id', xrayHeader(out.traceId, out.spanId, out.sampled)]],
  gcp: (out) => [['x-cloud-trace-context', `${out.traceId}/${BigInt(`0x${out.spanId}`)};o=${sampledBit(out)}`]],
}

/** Formats that may send an 8-byte trace id back as it came. */
const SHORT_IDS: ReadonlySet<Format> = new Set(['b3', 'b3-single', 'jaeger', 'ot'])

/** The headers that carry `out` in each format of `propagation.inject` (Kong's inject_tracing_context). */
export function inject(propagation: Propagation, out: Outgoing): Array<[string, string]> {
  const headers: Array<[string, string]> = []
  for (const wanted of propagation.inject) {
    let format = wanted === 'preserve' ? (out.from ?? propagation.defaultFormat) : wanted
    if (wanted === 'preserve' && format === 'b3' && out.single) format = 'b3-single'
    const traceId = out.short && SHORT_IDS.has(format) ? out.traceId.slice(16) : out.traceId
    headers.push(...(INJECTORS[format]?.(out, traceId) ?? []))
  }
  return headers
}
