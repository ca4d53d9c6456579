// A service (Kong's kong/db/schema/entities/services.lua): the upstream its routes proxy to. A
// route that no plugin answers is proxied to it (src/proxy/) over http or https; other protocols
// are validated as Kong validates them and refused when a route would be proxied to them. Its
// plugins apply to its routes, and `enabled: false` takes its routes out.

import { checkHost, type Schema, type Validated } from '../schema.ts'
import type { ConfigProblem } from '../validate.ts'
import { checkUtf8Name, metadata } from './common.ts'

/** Kong's constants.PROTOCOLS. */
const PROTOCOLS = ['grpc', 'grpcs', 'http', 'https', 'tcp', 'tls', 'tls_passthrough', 'udp'] as const

/** Milliseconds: nginx's, between two operations (README: Proxying to services). */
const timeout = { type: 'integer', between: [1, 2 ** 31 - 2], default: 60000 } as const

/** Kong's `typedefs.path`: a path of RFC 3986 characters, properly percent-encoded, without empty segments. */
export function checkUpstreamPath(path: string): string | undefined {
  if (!path.startsWith('/')) return 'should start with: /'
  if (path.includes('//')) return 'must not have empty segments'
  if (!/^\/[A-Za-z0-9.\-_~/%:@!$&'()*+,;=]*$/.test(path)) {
    return `invalid path: '${path}' (characters outside of the reserved list of RFC 3986 found)`
  }
  const stray = /%.?.?/.exec(path.replace(/%[0-9A-Fa-f]{2}/g, '___'))
  return stray ? `invalid url-encoded value: '${stray[0]}'` : undefined
}

export const serviceSchema = {
  ...metadata,
  /** Service name; routes and plugins may name the service by it. */
  name: { type: 'string', check: checkUtf8Name },
  /** The routes of a disabled service are not served, and its plugins apply to nothing. */
  enabled: { type: 'boolean', default: true },
  /** Upstream protocol: http and https are proxied. */
  protocol: { type: 'string', oneOf: PROTOCOLS, default: 'http' },
  /** Upstream host. */
  host: { type: 'string', required: true, check: checkHost },
  /** Upstream port. */
  port: { type: 'integer', between: [0, 65535], default: 80 },
  /** Upstream path, joined with the route's. */
  path: { type: 'string', check: checkUpstreamPath },
  /** Tries again when connecting failed. */
  retries: { type: 'integer', between: [0, 32767], default: 5 },
  connect_timeout: timeout,
  write_timeout: timeout,
  read_timeout: timeout,
  /** Verify the upstream's certificate (https). */
  tls_verify: { type: 'boolean' },
  /** Certificate chain depth (kept; https and tls only). */
  tls_verify_depth: { type: 'integer', between: [0, 64] },
  /** CA certificate ids for verifying the upstream (kept; https and tls only). */
  ca_certificates: {
    type: 'array',
    elements: { type: 'string', uuid: true },
  },
} as const satisfies Schema

export type ServiceFields = Validated<typeof serviceSchema>

/** The shorthand `url` (Kong's shorthand field): protocol, host, port and path in one, which it replaces. */
export function expandServiceUrl(raw: Record<string, unknown>, path: string, problems: ConfigProblem[]): Record<string, unknown> {
  if (raw.url === undefined || raw.url === null) return raw
  const { url, ...rest } = raw
  // A url that cannot be read is its own problem: its host is not also missing.
  const unreadable = (message: string) => {
    problems.push({ path: `${path}.url`, message })
    return { ...rest, host: rest.host ?? 'unreadable-url.invalid' }
  }
  if (typeof url !== 'string') return unreadable('expected a string')
  // socket.url's split: scheme, authority (user info dropped), port, path; the query and fragment have no field.
  const parts = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:[^@/?#]*@)?(\[[^\]/?#]*\]|[^:/?#]*)(?::([^/?#]*))?([^?#]*)/.exec(url)
  if (!parts) return unreadable(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url) ? `could not parse url. ${url}` : 'missing scheme in url')
  const [, scheme, host, port, urlPath] = parts
  if (host === '') return unreadable('missing host in url')
  const protocol = scheme.toLowerCase()
  const numericPort = port === undefined || port === '' ? undefined : /^\d+$/.test(port) ? Number(port) : port
  return {
    ...rest,
    protocol,
    host: host.startsWith('[') ? host.slice(1, -1) : host,
    port: numericPort ?? (protocol === 'https' ? 443 : 80),
    path: urlPath === '' ? null : urlPath,
  }
}

/** Kong's entity checks of a service: fields that only some protocols take. */
export function checkService(service: ServiceFields, hasClientCertificate: boolean, path: string, problems: ConfigProblem[]): void {
  const fail = (field: string) => {
    problems.push({ path: `${path}.${field}`, message: 'value must be null' })
    problems.push({ path, message: "failed conditional validation given value of field 'protocol'" })
  }
  if (['tcp', 'tls', 'udp', 'grpc', 'grpcs'].includes(service.protocol) && service.path !== undefined) fail('path')
  if (service.protocol !== 'https' && service.protocol !== 'tls') {
    if (hasClientCertificate) fail('client_certificate')
    for (const field of ['tls_verify', 'tls_verify_depth', 'ca_certificates'] as const) if (service[field] !== undefined) fail(field)
  }
}
