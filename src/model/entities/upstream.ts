// Upstreams and their targets (Kong's kong/db/schema/entities/upstreams.lua, targets.lua): load
// balancing over the hosts a service proxies to, with Kong's defaults and entity checks.

import { checkHeaderName, checkHost, type Schema, type Validated } from '../schema.ts'
import { type ConfigProblem, joinPath } from '../validate.ts'
import { metadata } from './common.ts'
import { checkUpstreamPath } from './service.ts'

/** A host name, IPv4 or IPv6 address, with the port it may carry (Kong's kong/tools/ip.lua normalize_ip). */
export function splitHost(value: string): { type: 'name' | 'ip'; host: string; port?: string } | undefined {
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(value)
  if (bracketed) {
    const [, host, port] = bracketed
    return checkHost(host) === undefined && host.includes(':') ? { type: 'ip', host, port } : undefined
  }
  if ((value.match(/:/g) ?? []).length > 1) return checkHost(value) === undefined ? { type: 'ip', host: value } : undefined
  const [host, port] = value.split(':')
  if (port !== undefined && !/^\d+$/.test(port)) return undefined
  if (checkHost(host) !== undefined) return undefined
  return { type: /^[\d.]+$/.test(host) ? 'ip' : 'name', host, port }
}

function checkUpstreamName(name: string): string | undefined {
  const host = splitHost(name)
  if (!host) return `Invalid name ('${name}'); must be a valid hostname`
  if (host.type !== 'name') return `Invalid name ('${name}'); no ip addresses allowed`
  return host.port === undefined ? undefined : `Invalid name ('${name}'); no port allowed`
}

function checkTarget(target: string): string | undefined {
  return splitHost(target) ? undefined : `Invalid target ('${target}'); not a valid hostname or ip address`
}

/** Kong's `typedefs.host_with_optional_port`. */
function checkHostWithPort(value: string): string | undefined {
  return splitHost(value) ? undefined : `invalid value: ${value}`
}

/** Kong's `typedefs.cookie_name` (an HTTP token). */
function checkCookieName(name: string): string | undefined {
  return /[\x00-\x20\x7f()<>@,;:\\"/?={}[\]]/.test(name)
    ? 'contains one or more invalid characters. ASCII control characters (0-31;127), space, tab and the characters ()<>@,;:\\"/?={}[] are not allowed.'
    : undefined
}

const HASH_ON = ['none', 'consumer', 'ip', 'header', 'cookie', 'path', 'query_arg', 'uri_capture'] as const
const hashOn = { type: 'string', oneOf: HASH_ON, default: 'none' } as const
const statuses = (defaults: readonly number[]) => ({ type: 'array', elements: { type: 'integer', between: [100, 999] }, default: defaults }) as const
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
const counter = { type: 'integer', between: [0, 255], default: 0 } as const
const seconds = (value: number) => ({ type: 'number', between: [0, 65535], default: value }) as const
const checkType = { type: 'string', oneOf: ['tcp', 'http', 'https', 'grpc', 'grpcs'], default: 'http' } as const
/** A record that, left out, takes its fields' defaults (Kong's healthchecks defaults). */
const record = <S extends Schema>(fields: S) => ({ type: 'record', required: true, fields }) as const
const header = { type: 'string', check: checkHeaderName } as const

const healthchecks = record({
  active: record({
    type: checkType,
    timeout: seconds(1),
    concurrency: { type: 'integer', between: [1, 2 ** 31], default: 10 },
    http_path: { type: 'string', check: checkUpstreamPath, default: '/' },
    https_sni: { type: 'string', check: checkHost },
    https_verify_certificate: { type: 'boolean', default: true },
    headers: { type: 'map', keys: header, values: { type: 'array', elements: { type: 'string' } } },
    healthy: record({ interval: seconds(0), http_statuses: statuses([200, 302]), successes: counter }),
    unhealthy: record({
      interval: seconds(0),
      http_statuses: statuses([429, 404, 500, 501, 502, 503, 504, 505]),
      tcp_failures: counter,
      timeouts: counter,
      http_failures: counter,
    }),
  }),
  passive: record({
    type: checkType,
    healthy: record({
      http_statuses: statuses([...range(200, 208), 226, ...range(300, 308)]),
      successes: counter,
    }),
    unhealthy: record({ http_statuses: statuses([429, 500, 503]), tcp_failures: counter, timeouts: counter, http_failures: counter }),
  }),
  threshold: { type: 'number', between: [0, 100], default: 0 },
})

export const upstreamSchema = {
  ...metadata,
  /** The host services name to be balanced. */
  name: { type: 'string', required: true, check: checkUpstreamName },
  /** Balancing algorithm. */
  algorithm: { type: 'string', oneOf: ['consistent-hashing', 'least-connections', 'round-robin', 'latency'], default: 'round-robin' },
  /** What consistent-hashing hashes. */
  hash_on: hashOn,
  /** What it hashes when that is absent. */
  hash_fallback: hashOn,
  hash_on_header: header,
  hash_fallback_header: header,
  hash_on_cookie: { type: 'string', check: checkCookieName },
  hash_on_cookie_path: { type: 'string', check: checkUpstreamPath, default: '/' },
  hash_on_query_arg: { type: 'string' },
  hash_fallback_query_arg: { type: 'string' },
  hash_on_uri_capture: { type: 'string' },
  hash_fallback_uri_capture: { type: 'string' },
  /** Ring size of consistent-hashing. */
  slots: { type: 'integer', between: [10, 2 ** 16], default: 10000 },
  healthchecks,
  /** Host header sent to its targets. */
  host_header: { type: 'string', check: checkHostWithPort },
  /** Not supported (DNS SRV). */
  use_srv_name: { type: 'boolean', default: false },
} as const satisfies Schema

export type UpstreamFields = Validated<typeof upstreamSchema>
export type Healthchecks = UpstreamFields['healthchecks']

export const targetSchema = {
  ...metadata,
  /** Host or address, with an optional port (8000). */
  target: { type: 'string', required: true, check: checkTarget },
  /** Share of the load; 0 takes none. */
  weight: { type: 'integer', between: [0, 65535], default: 100 },
} as const satisfies Schema

/** Kong's default port of a target written without one. */
const TARGET_PORT = 8000

/** A target's host and port as Kong's targets DAO formats them (`format_target`). */
export function targetAddress(target: string): { host: string; port: number } {
  const { host, port } = splitHost(target) ?? { host: target }
  return { host, port: port === undefined ? TARGET_PORT : Number(port) }
}

/**
 * Kong's shorthands of an upstream, applied to it as written: `algorithm: least-connections`
 * (or latency) unsets `hash_on`; `hash_on` other than none makes it consistent-hashing, and
 * `hash_on: none` makes it round-robin.
 */
export function applyUpstreamShorthands(raw: Record<string, unknown>): Record<string, unknown> {
  const upstream = { ...raw }
  if (upstream.algorithm === 'least-connections' || upstream.algorithm === 'latency') upstream.hash_on = null
  if (upstream.hash_on === null) upstream.hash_on = 'none'
  else if (typeof upstream.hash_on === 'string') upstream.algorithm = upstream.hash_on === 'none' ? 'round-robin' : 'consistent-hashing'
  return upstream
}

/** The hash_fallback values Kong allows for a hash_on, in its order. */
const FALLBACKS: Partial<Record<string, readonly string[]>> = {
  none: ['none'],
  cookie: ['none'],
  consumer: HASH_ON.filter((on) => on !== 'consumer'),
  ip: HASH_ON.filter((on) => on !== 'ip'),
  path: ['none', 'consumer', 'header', 'cookie', 'query_arg', 'ip', 'uri_capture'],
}

/** Kong's entity checks of an upstream: the fields each hash_on and hash_fallback need, and the fallbacks allowed. */
export function checkUpstream(upstream: UpstreamFields, path: string, problems: ConfigProblem[]): void {
  const conditional = (field: string, given: string, message: string) => {
    problems.push({ path: joinPath(path, field), message })
    problems.push({ path, message: `failed conditional validation given value of field '${given}'` })
  }
  const { hash_on: on, hash_fallback: fallback } = upstream
  const needs: Partial<Record<string, [keyof UpstreamFields, keyof UpstreamFields]>> = {
    header: ['hash_on_header', 'hash_fallback_header'],
    cookie: ['hash_on_cookie', 'hash_on_cookie'],
    query_arg: ['hash_on_query_arg', 'hash_fallback_query_arg'],
    uri_capture: ['hash_on_uri_capture', 'hash_fallback_uri_capture'],
  }
  const onField = needs[on]?.[0]
  if (onField && upstream[onField] === undefined) conditional(onField, 'hash_on', 'required field missing')
  const fallbackField = needs[fallback]?.[1]
  if (fallbackField && upstream[fallbackField] === undefined) conditional(fallbackField, 'hash_fallback', 'required field missing')
  const allowed = FALLBACKS[on]
  if (allowed && !allowed.includes(fallback)) conditional('hash_fallback', 'hash_on', `expected one of: ${allowed.join(', ')}`)
  for (const [a, b] of [
    ['hash_on_header', 'hash_fallback_header'],
    ['hash_on_query_arg', 'hash_fallback_query_arg'],
    ['hash_on_uri_capture', 'hash_fallback_uri_capture'],
  ] as const) {
    if (upstream[a] !== undefined && upstream[a] === upstream[b]) problems.push({ path, message: `values of these fields must be distinct: '${a}', '${b}'` })
  }
}
