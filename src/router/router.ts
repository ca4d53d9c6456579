// Route matching as Kong 3's default router flavour, traditional_compatible, does it
// (https://github.com/Kong/kong/blob/master/kong/router/atc.lua): each route becomes one
// matcher per part of its paths (priority.ts), matchers are tried in Kong's priority order,
// ties going to the larger route id (route-id.ts), and the first whose conditions all hold
// (conditions.ts, path-regex.ts) wins. Paths are matched in Kong's normalised form
// (normalize-path.ts); the path the request goes on with is Kong's (upstream-path.ts).
// Everything is compiled once per configuration, and a request only tries the matchers its
// host and path can reach (candidates.ts).

import { buildIndex, firstMatch } from './candidates.ts'
import { type HostPattern, headerKeys, headersTest, hostMatches, hostPattern, type RequestFacts, snisTest } from './conditions.ts'
import { normalizePath } from './normalize-path.ts'
import { compilePathRegex, type PathRegex } from './path-regex.ts'
import { kongPriority, pathParts } from './priority.ts'
import { partId, routeId } from './route-id.ts'
import { upstreamPath } from './upstream-path.ts'

/** What the router reads of a route: Kong's matching fields. */
export interface RoutableRoute {
  /** `id` and `name` break priority ties as Kong's ids do. */
  id?: string
  name?: string
  paths: readonly string[]
  methods: readonly string[]
  /** Undefined when not given (Kong ranks `hosts: []` apart). */
  hosts?: readonly string[]
  headers: Readonly<Record<string, readonly string[]>>
  snis: readonly string[]
  stripPath: boolean
  regexPriority: number
  /** The service whose path the request goes on under. */
  service?: { path?: string }
}

/** A request as the router sees it. */
export interface RoutedRequest {
  method: string
  /** As routingHost gives it: `host:port`, or '' for none. */
  host: string
  /** As received (percent-encoded): it is normalised here. */
  path: string
  /** `http` or `https`: the connection's, as the runtime tells it. */
  scheme: string
  /** The TLS server name, where the runtime tells it. */
  sni?: string
  /** A header's values (lower-case name), one per line where the runtime keeps them apart. */
  header(name: string): readonly string[]
}

export interface RouteMatch<T> {
  route: T
  /** The request path as matched: normalised as Kong does, before `strip_path`. */
  requestPath: string
  /** The path the request goes on with, as Kong computes it: the service's path, then `requestPath` after `strip_path`. */
  path: string
  /** Named regex captures. */
  captures: Record<string, string>
  /** The route path that matched (`~` removed), or null for a route without paths. */
  matchedPath: string | null
  /** What `strip_path` took off the request path (Kong's `match_t.prefix`: X-Forwarded-Prefix); none without strip_path. */
  prefix?: string
}

/** A path that decodes to bytes that are not UTF-8 matches no route, as in Kong 3. */
export type Router<T> = (request: RoutedRequest) => RouteMatch<T> | undefined

interface Matcher<T> {
  route: T
  rank: number
  methods?: ReadonlySet<string>
  hosts?: readonly HostPattern[]
  pathKeys?: readonly string[]
  segmentKeys?: ReadonlyArray<readonly string[]>
  headerKeys: ReadonlyArray<readonly string[]>
  /** The part's prefixes (one length), or its regexes; neither for a route without paths. */
  prefixes?: readonly string[]
  regexes?: ReadonlyArray<{ source: string; regex: PathRegex }>
  others?: (request: RequestFacts) => boolean
}

export function createRouter<T extends RoutableRoute>(routes: readonly T[]): Router<T> {
  const ranked = routes.flatMap((route, order) => {
    const id = routeId(route)
    const parts = route.paths.length > 0 ? pathParts(route.paths) : [[]]
    return parts.map((paths, part) => ({
      route,
      paths,
      order,
      priority: kongPriority({ ...route, headerNames: Object.keys(route.headers).length, paths }),
      id: id !== undefined && parts.length > 1 ? partId(id, part + 1) : id,
    }))
  })
  // Kong: higher priority first, then the larger id; routes Kong would give a random id come
  // after, in file order.
  ranked.sort((a, b) => (a.priority === b.priority ? compareIds(b.id, a.id) || a.order - b.order : a.priority > b.priority ? -1 : 1))
  const matchers = ranked.map(({ route, paths }, rank) => compileMatcher(route, paths, rank))
  const index = buildIndex(matchers)

  return (request) => {
    const path = normalizePath(request.path)
    if (path === undefined) return undefined
    const facts = requestFacts(request)
    return firstMatch(index.lists(facts.hostname, path, request.header), (matcher) => {
      if (matcher.methods && !matcher.methods.has(request.method)) return undefined
      if (matcher.hosts && !matcher.hosts.some((pattern) => hostMatches(pattern, facts))) return undefined
      const matched = matchPath(matcher, path)
      if (!matched || (matcher.others && !matcher.others(facts))) return undefined
      const { route } = matcher
      const prefix = route.stripPath ? (matched.text ?? '/') : undefined
      const found = { route, requestPath: path, path: upstreamPath(path, prefix, route.service?.path), captures: matched.captures, matchedPath: matched.source }
      return prefix === undefined ? found : { ...found, prefix }
    })
  }
}

function compileMatcher<T extends RoutableRoute>(route: T, paths: readonly string[], rank: number): Matcher<T> {
  const hosts = route.hosts?.map(hostPattern) ?? []
  const regexes = paths.filter((path) => path.startsWith('~')).map((path) => ({ source: path.slice(1), regex: regexOf(path) }))
  const prefixes = regexes.length > 0 ? [] : paths
  const pathKeys = regexes.length > 0 ? regexes.map(({ regex }) => regex.startsWith) : prefixes
  const headers = headersTest(route.headers)
  const snis = snisTest(route.snis)
  return {
    route,
    rank,
    ...(route.methods.length > 0 ? { methods: new Set(route.methods) } : {}),
    ...(hosts.length > 0 ? { hosts } : {}),
    ...(pathKeys.length > 0 && !pathKeys.includes('') ? { pathKeys } : {}),
    ...(prefixes.length > 0 ? { prefixes } : {}),
    ...(regexes.length > 0 ? { regexes, segmentKeys: regexes.map(({ regex }) => regex.segments) } : {}),
    headerKeys: headerKeys(route.headers),
    ...(headers || snis ? { others: (request: RequestFacts) => (headers?.(request) ?? true) && (snis?.(request) ?? true) } : {}),
  }
}

function regexOf(path: string): PathRegex {
  const { regex, error } = compilePathRegex(path)
  if (!regex) throw new Error(`unvalidated regex path ${path}: ${error}`)
  return regex
}

/** The path condition: the prefix or what the regex matched (`text`), its source, the captures; undefined when it does not hold. */
function matchPath(matcher: Matcher<unknown>, path: string): { text: string | undefined; source: string | null; captures: Record<string, string> } | undefined {
  if (matcher.prefixes) {
    const prefix = matcher.prefixes.find((candidate) => path.startsWith(candidate))
    return prefix === undefined ? undefined : { text: prefix, source: prefix, captures: {} }
  }
  if (matcher.regexes) {
    // Kong tries them in order; the first that matches gives the captures.
    for (const { source, regex } of matcher.regexes) {
      const found = regex.match(path)
      if (found) return { text: found.matched, source, captures: found.captures }
    }
    return undefined
  }
  return { text: undefined, source: null, captures: {} }
}

function requestFacts(request: RoutedRequest): RequestFacts {
  const { host } = request
  // `host:port` as routingHost gives it; a bracketed IPv6 address without a port keeps its colons.
  const colon = host.lastIndexOf(':')
  const port = colon === -1 || colon === host.length - 1 || host.endsWith(']') ? Number.NaN : Number(host.slice(colon + 1))
  const withPort = Number.isInteger(port) && port >= 0
  return {
    method: request.method,
    hostname: (withPort ? host.slice(0, colon) : host).toLowerCase(),
    port: withPort ? port : undefined,
    scheme: request.scheme,
    sni: request.sni,
    header: request.header,
  }
}

function compareIds(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0
  if (a === undefined) return -1
  if (b === undefined) return 1
  return a < b ? -1 : 1
}

/**
 * The host a request is routed by: its URL's. Node (@hono/node-server) and Deno build the URL
 * from an absolute-form target when there is one, ignoring Host as RFC 9112 §3.2.2 requires
 * (and as nginx picks its server), and from Host otherwise; a Worker gets the URL the request
 * was made with. The scheme's port is written out (the URL leaves it out), so that a route host
 * `example.com:80` matches `Host: example.com` and `Host: example.com:80` alike.
 * `hostHeader` is the Host header as fetch gives it: two Host lines arrive joined with `, `, and
 * then the request has no host (RFC 9112 §3.2 makes it a 400) where Node would have taken the
 * first for the URL: only routes without `hosts` can match it.
 */
export function routingHost(url: URL, hostHeader: string | undefined): string {
  if (hostHeader?.includes(',')) return ''
  return url.port === '' ? `${url.hostname}:${url.protocol === 'https:' ? 443 : 80}` : url.host
}
