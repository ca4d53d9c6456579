// A route (Kong's kong/db/schema/entities/routes.lua and routes_subschemas.lua, as the default
// router flavour traditional_compatible loads them): what requests it matches, and how.

import { checkHeaderValue } from '../../router/conditions.ts'
import { normalizePath } from '../../router/normalize-path.ts'
import { compilePathRegex } from '../../router/path-regex.ts'
import { checkHeaderName, checkHost, type Schema, type Validated } from '../schema.ts'
import { type ConfigProblem, joinPath } from '../validate.ts'
import { checkUtf8Name, metadata } from './common.ts'

/**
 * Kong's `typedefs.router_path`: `/` or `~/` first, no empty segment; a regex must compile
 * (path-regex.ts says which syntax); a prefix must be in the normalised form requests are
 * matched in, or it could never match.
 */
function checkPath(path: string): string | undefined {
  if (!path.startsWith('/') && !path.startsWith('~/')) return 'should start with: / (fixed path) or ~/ (regex path)'
  if (path.includes('//')) return 'must not have empty segments'
  if (path.startsWith('~')) return compilePathRegex(path).error
  const normalized = normalizePath(path)
  if (normalized === undefined) return `invalid path: '${path}' (percent-encoded bytes that are not UTF-8)`
  return normalized === path ? undefined : `non-normalized path, consider use '${normalized}' instead`
}

/** Kong's `typedefs.http_method`. */
function checkMethod(method: string): string | undefined {
  return /^[A-Z]+$/.test(method) ? undefined : `invalid value: ${method}`
}

/** Kong's `typedefs.hosts` element: at most one wildcard, as a whole leftmost or rightmost label, an optional port. */
function checkWildcardHost(host: string): string | undefined {
  if (/\*.*\*/.test(host)) return 'invalid wildcard: must have at most one wildcard'
  // A port after a rightmost wildcard (`example.*:80`) is refused too, as Kong's patterns do.
  if (host.includes('*') && !host.startsWith('*.') && !host.endsWith('.*')) return 'invalid wildcard: must be placed at leftmost or rightmost label'
  const [name, port, extra] = host.split(':')
  if (extra !== undefined || (port !== undefined && !/^\d{1,5}$/.test(port))) return `invalid value: ${host}`
  return checkHost(name.replace('*', 'wildcard'))
}

/** Kong's `typedefs.wildcard_host` (the flavour's `snis` elements): a name, a wildcard at either end, no port. */
function checkSni(sni: string): string | undefined {
  const star = sni.indexOf('*')
  if (star !== -1 && star !== 0 && star !== sni.length - 1) return 'wildcard must be leftmost or rightmost character'
  if (sni.split('*').length > 2) return 'only one wildcard must be specified'
  const name = sni.replace('*', 'wildcard')
  const problem = checkHost(name)
  if (problem === 'must not have a port') return problem
  if (problem) return `invalid value: ${name}`
  return /^[\d.]+$/.test(name) || name.includes(':') || name.startsWith('[') ? 'must not be an IP' : undefined
}

/** Kong's `typedefs.header_name`, and the route's own rule against `host`. */
function checkRouteHeaderName(name: string): string | undefined {
  return checkHeaderName(name) ?? (/^host$/i.test(name) ? "cannot contain 'host' header, which must be specified in the 'hosts' attribute" : undefined)
}

/** A field of the `expressions` router flavour: Kong's default flavour has no such field. */
const expressionsOnly = (field: string) =>
  `unknown field: '${field}' is the 'expressions' router flavour's; Kong's default flavour (traditional_compatible, followed here) refuses it`

const strings = (check: (value: string) => string | undefined) => ({ type: 'array', elements: { type: 'string', check } }) as const

export const routeSchema = {
  ...metadata,
  /** Route name, used in logs; plugins may name the route by it. */
  name: { type: 'string', check: checkUtf8Name },
  /** `http`, `https` (default both). */
  protocols: {
    type: 'array',
    elements: { type: 'string', oneOf: ['http', 'https'] },
  },
  /** Answer to http on an https-only route. */
  https_redirect_status_code: {
    type: 'integer',
    default: 426,
    check: (code) => ([426, 301, 302, 307, 308].includes(code) ? undefined : 'expected one of: 426, 301, 302, 307, 308'),
  },
  /** Prefixes, or `~` regexes. */
  paths: { ...strings(checkPath) },
  /** Methods that match. */
  methods: { ...strings(checkMethod) },
  /** Hosts that match. */
  hosts: { ...strings(checkWildcardHost) },
  /** Header values that match. */
  headers: {
    type: 'map',
    keys: { type: 'string', check: checkRouteHeaderName },
    values: strings(checkHeaderValue),
  },
  /** TLS server names that match. */
  snis: { ...strings(checkSni) },
  /** Remove the matched path prefix. */
  strip_path: { type: 'boolean', default: true },
  /** Kept for proxying. */
  preserve_host: { type: 'boolean', default: false },
  /** No effect. */
  request_buffering: { type: 'boolean', default: true },
  /** No effect. */
  response_buffering: { type: 'boolean', default: true },
  /** Orders regex paths. */
  regex_priority: { type: 'integer', default: 0 },
  /** `v1` is joined as `v0`. */
  path_handling: { type: 'string', oneOf: ['v0', 'v1'], default: 'v0' },
  /** Refused. */
  priority: { type: 'integer', check: () => expressionsOnly('priority') },
  /** Refused. */
  expression: { type: 'string', check: () => expressionsOnly('expression') },
} as const satisfies Schema

export type RouteFields = Validated<typeof routeSchema>

const MATCHING = ['methods', 'hosts', 'headers', 'paths', 'snis'] as const

/** Kong's entity checks of an http route: what it must set, where `snis` may be set. */
export function routeProblems(route: RouteFields, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  const protocols = route.protocols ?? ['http', 'https']
  const set = (field: (typeof MATCHING)[number]) => Object.keys(route[field] ?? {}).length > 0
  if (route.protocols?.length === 0) problems.push({ path: joinPath(path, 'protocols'), message: 'length must be at least 1' })
  else if (protocols.includes('https')) {
    if (!MATCHING.some(set)) problems.push({ path, message: `must set one of ${quoted(MATCHING)} when 'protocols' is 'https'` })
  } else if (!MATCHING.slice(0, 4).some(set)) {
    problems.push({ path, message: `must set one of ${quoted(MATCHING.slice(0, 4))} when 'protocols' is 'http'` })
  }
  if (!protocols.includes('https') && set('snis')) {
    problems.push({ path: joinPath(path, 'snis'), message: "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'" })
  }
  // Kong's router could not build `(… || …)` out of no value (its load fails validating the route).
  for (const [name, values] of Object.entries(route.headers ?? {})) {
    if (values?.length === 0) problems.push({ path: joinPath(joinPath(path, 'headers'), name), message: 'must have at least one value' })
  }
  return problems
}

function quoted(fields: readonly string[]): string {
  return fields.map((field) => `'${field}'`).join(', ')
}
