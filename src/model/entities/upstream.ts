// Upstreams and their targets (Kong's kong/db/schema/entities/upstreams.lua, targets.lua):
// load balancing over the hosts a service proxies to. Validated as Kong validates them, then
// refused: this gateway does not proxy to services yet.

import { checkHost, type Schema } from '../schema.ts'
import { metadata } from './common.ts'

/** A host name, IPv4 or IPv6 address, with the port it may carry (Kong's kong/tools/ip.lua normalize_ip). */
function splitHost(value: string): { type: 'name' | 'ip'; port?: string } | undefined {
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(value)
  if (bracketed) return checkHost(bracketed[1]) === undefined && bracketed[1].includes(':') ? { type: 'ip', port: bracketed[2] } : undefined
  if ((value.match(/:/g) ?? []).length > 1) return checkHost(value) === undefined ? { type: 'ip' } : undefined
  const [host, port] = value.split(':')
  if (port !== undefined && !/^\d+$/.test(port)) return undefined
  if (checkHost(host) !== undefined) return undefined
  return { type: /^[\d.]+$/.test(host) ? 'ip' : 'name', port }
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

const HASH_ON = ['none', 'consumer', 'ip', 'header', 'cookie', 'path', 'query_arg', 'uri_capture'] as const
const statuses = { type: 'array', elements: { type: 'integer', between: [100, 999] } } as const
const counter = { type: 'integer', between: [0, 255] } as const
const seconds = { type: 'number', between: [0, 65535] } as const
const checkType = { type: 'string', oneOf: ['tcp', 'http', 'https', 'grpc', 'grpcs'] } as const
const record = (fields: Schema) => ({ type: 'record', fields }) as const

const healthchecks = record({
  active: record({
    type: checkType,
    timeout: seconds,
    concurrency: { type: 'integer', between: [1, 2 ** 31] },
    http_path: { type: 'string' },
    https_sni: { type: 'string' },
    https_verify_certificate: { type: 'boolean' },
    headers: { type: 'any' },
    healthy: record({ interval: seconds, http_statuses: statuses, successes: counter }),
    unhealthy: record({ interval: seconds, http_statuses: statuses, tcp_failures: counter, timeouts: counter, http_failures: counter }),
  }),
  passive: record({
    type: checkType,
    healthy: record({ http_statuses: statuses, successes: counter }),
    unhealthy: record({ http_statuses: statuses, tcp_failures: counter, timeouts: counter, http_failures: counter }),
  }),
  threshold: { type: 'number', between: [0, 100] },
})

export const upstreamSchema = {
  ...metadata,
  /** The host services name to be balanced. */
  name: { type: 'string', required: true, check: checkUpstreamName },
  /** Balancing algorithm. */
  algorithm: { type: 'string', oneOf: ['consistent-hashing', 'least-connections', 'round-robin', 'latency'] },
  hash_on: { type: 'string', oneOf: HASH_ON },
  hash_fallback: { type: 'string', oneOf: HASH_ON },
  hash_on_header: { type: 'string' },
  hash_fallback_header: { type: 'string' },
  hash_on_cookie: { type: 'string' },
  hash_on_cookie_path: { type: 'string' },
  hash_on_query_arg: { type: 'string' },
  hash_fallback_query_arg: { type: 'string' },
  hash_on_uri_capture: { type: 'string' },
  hash_fallback_uri_capture: { type: 'string' },
  slots: { type: 'integer', between: [10, 2 ** 16] },
  healthchecks,
  host_header: { type: 'string' },
  use_srv_name: { type: 'boolean' },
} as const satisfies Schema

export const targetSchema = {
  ...metadata,
  /** Host or address, with an optional port. */
  target: { type: 'string', required: true, check: checkTarget },
  /** Share of the load. */
  weight: { type: 'integer', between: [0, 65535] },
} as const satisfies Schema
