// Route matching with Kong's rules as this gateway states them: regex paths first (higher
// `regex_priority` first, then file order), then the longest prefix (a string prefix, as in
// Kong), ties going to the route with more conditions; `methods` and `hosts` must match when
// given. Paths are matched in Kong's normalised form (normalize-path.ts), regex paths by a
// linear-time engine (path-regex.ts). Everything is compiled once per configuration.

import { normalizePath } from './normalize-path.ts'
import { compilePathRegex, type PathRegex } from './path-regex.ts'

export interface RoutableRoute {
  paths: string[]
  methods: string[]
  hosts: string[]
  stripPath: boolean
  regexPriority: number
}

export interface RouteMatch<T> {
  route: T
  /** The request path as matched: normalised as Kong does, before `strip_path`. */
  requestPath: string
  /** `requestPath` after `strip_path`. */
  path: string
  /** Named regex captures. */
  captures: Record<string, string>
  /** The route path that matched (`~` removed), or null for a route without paths. */
  matchedPath: string | null
}

interface Candidate<T> {
  route: T
  regex?: PathRegex
  prefix?: string
  /** The configured path, or null for a route matching every path. */
  source: string | null
  matchesHost: (hostname: string, hostWithPort: string) => boolean
  methods: ReadonlySet<string> | null
}

/**
 * `host` as routingHost gives it; `path` as received (percent-encoded): it is normalised here.
 * A path whose decoded bytes are not UTF-8 matches no route, as in Kong 3.
 */
export type Router<T> = (method: string, host: string, path: string) => RouteMatch<T> | undefined

export function createRouter<T extends RoutableRoute>(routes: readonly T[]): Router<T> {
  const regexCandidates: Array<Candidate<T> & { priority: number; order: number }> = []
  const prefixCandidates: Array<Candidate<T> & { order: number; conditions: number }> = []
  routes.forEach((route, order) => {
    const common = {
      route,
      matchesHost: hostMatcher(route.hosts),
      methods: route.methods.length > 0 ? new Set(route.methods) : null,
    }
    const conditions = (route.hosts.length > 0 ? 1 : 0) + (route.methods.length > 0 ? 1 : 0)
    if (route.paths.length === 0) prefixCandidates.push({ ...common, prefix: '/', source: null, order, conditions })
    for (const path of route.paths) {
      if (path.startsWith('~')) {
        const { regex } = compilePathRegex(path)
        if (!regex) throw new Error(`unvalidated regex path ${path}`)
        regexCandidates.push({ ...common, regex, source: path.slice(1), priority: route.regexPriority, order })
      } else {
        prefixCandidates.push({ ...common, prefix: path, source: path, order, conditions })
      }
    }
  })
  regexCandidates.sort((a, b) => b.priority - a.priority || a.order - b.order)
  prefixCandidates.sort((a, b) => b.prefix!.length - a.prefix!.length || b.conditions - a.conditions || a.order - b.order)
  const candidates: Candidate<T>[] = [...regexCandidates, ...prefixCandidates]

  return (method, host, receivedPath) => {
    const path = normalizePath(receivedPath)
    if (path === undefined) return undefined
    const hostWithPort = host.toLowerCase()
    const hostname = hostWithPort.replace(/:\d+$/, '')
    for (const candidate of candidates) {
      if (candidate.methods && !candidate.methods.has(method)) continue
      if (!candidate.matchesHost(hostname, hostWithPort)) continue
      let matchedLength: number
      let captures: Record<string, string> = {}
      if (candidate.regex) {
        const result = candidate.regex.match(path)
        if (!result) continue
        matchedLength = result.length
        captures = result.captures
      } else {
        if (!path.startsWith(candidate.prefix!)) continue
        matchedLength = candidate.source === null ? 0 : candidate.prefix!.length
      }
      const rest = candidate.route.stripPath ? path.slice(matchedLength) : path
      return {
        route: candidate.route,
        requestPath: path,
        path: rest.startsWith('/') ? rest : `/${rest}`,
        captures,
        matchedPath: candidate.source,
      }
    }
    return undefined
  }
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

function hostMatcher(hosts: readonly string[]): Candidate<unknown>['matchesHost'] {
  if (hosts.length === 0) return () => true
  const tests = hosts.map((pattern) => {
    const hasPort = /:\d+$/.test(pattern)
    const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace('*', '.+')
    const regex = new RegExp(`^${escaped}$`)
    return (hostname: string, hostWithPort: string) => regex.test(hasPort ? hostWithPort : hostname)
  })
  return (hostname, hostWithPort) => tests.some((test) => test(hostname, hostWithPort))
}
