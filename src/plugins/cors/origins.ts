// Which origin an answer allows, as Kong's cors handler decides it (configure_origin and
// configure_credentials of https://github.com/Kong/kong/blob/master/kong/plugins/cors/handler.lua):
// written on the answer's headers, with `Vary: Origin` whenever the answer depends on the origin.

import { compileWholeMatch } from './origin-regex.ts'

/** Where the headers are written: on a preflight answer being made (Vary set) or on an answer on its way out (Vary added to the upstream's). */
export interface CorsHeaders {
  headers: Headers
  addVary: boolean
}

/** Sets Access-Control-Allow-Origin (and Credentials) on `out` for a request from `origin` (null or empty: none). */
export type OriginPolicy = (out: CorsHeaders, origin: string | null, credentials: boolean) => void

/** A configured origin: a regex, matched against the request's host (`byHost`) or whole origin, else an origin compared once normalised. */
type Allowed = { match: (subject: string) => boolean; byHost: boolean } | { domain: string }

/** Characters of an origin; an entry with any other is a regex (Kong's test). */
const ORIGIN_CHARACTERS = /^[A-Za-z0-9.:/-]+$/

export function originPolicy(origins: readonly string[] = []): OriginPolicy {
  const allowed = origins.filter((entry) => entry !== '*').map(allowedOrigin)
  const any = origins.length === 0 || (origins.length === 1 && origins[0] === '*')
  // One origin that is not a regex is the answer to every origin.
  const only = origins.length === 1 && ORIGIN_CHARACTERS.test(origins[0]) ? origins[0] : undefined
  const star = origins.includes('*')

  /** configure_origin: whether every origin is allowed (`*`). */
  function allowOrigin(out: CorsHeaders, origin: string | null): boolean {
    const { headers } = out
    if (any) {
      headers.set('access-control-allow-origin', '*')
      return true
    }
    vary(out)
    if (only !== undefined) {
      headers.set('access-control-allow-origin', only)
      return false
    }
    if (origin) {
      if (star) {
        headers.set('access-control-allow-origin', '*')
        return true
      }
      const requested = normalizeOrigin(origin)
      if (allowed.some((entry) => ('domain' in entry ? entry.domain === requested.domain : entry.match(entry.byHost ? requested.host : requested.domain)))) {
        headers.set('access-control-allow-origin', requested.domain)
        return false
      }
    }
    // Also an upstream's: an origin not allowed must not be allowed by the function either.
    headers.delete('access-control-allow-origin')
    return false
  }

  return (out, origin, credentials) => {
    const allowAll = allowOrigin(out, origin)
    if (!credentials) return
    if (!allowAll) {
      out.headers.set('access-control-allow-credentials', 'true')
    } else if (origin) {
      // Credentials are never allowed for `*`: the request's own origin is allowed instead.
      vary(out)
      out.headers.set('access-control-allow-origin', origin)
      out.headers.set('access-control-allow-credentials', 'true')
    }
  }
}

function vary({ headers, addVary }: CorsHeaders): void {
  if (addVary) headers.append('vary', 'Origin')
  else headers.set('vary', 'Origin')
}

function allowedOrigin(entry: string): Allowed {
  if (ORIGIN_CHARACTERS.test(entry)) return { domain: normalizeOrigin(entry).domain }
  return { match: compileWholeMatch(entry), byHost: !entry.includes(':') }
}

/**
 * An origin as Kong normalises it, parsed as LuaSocket's url.parse does: `scheme://host[:port]`
 * with the scheme's default port left out, and its host; without an authority (`example.com`),
 * the origin itself for both.
 */
export function normalizeOrigin(origin: string): { domain: string; host: string } {
  const scheme = /^([A-Za-z0-9][A-Za-z0-9+.-]*):/.exec(origin)
  const rest = scheme ? origin.slice(scheme[0].length) : origin
  const authority = /^\/\/([^/]*)/.exec(rest)?.[1]
  if (authority === undefined) return { domain: origin, host: origin }
  let port: string | undefined
  const hostPart = authority.replace(/^[^@]*@/, '').replace(/:([^:\]]*)$/, (_, value: string) => {
    port = value
    return ''
  })
  if (hostPart === '') return { domain: origin, host: origin }
  const host = /^\[(.+)\]$/.exec(hostPart)?.[1] ?? hostPart
  const name = scheme?.[1]
  if ((name === 'http' && port === '80') || (name === 'https' && port === '443')) port = undefined
  return { domain: `${name === undefined ? '' : `${name}://`}${host}${port === undefined ? '' : `:${port}`}`, host }
}
