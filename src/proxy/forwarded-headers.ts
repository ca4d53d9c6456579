// The header lines an upstream gets, as Kong 3 sets them (kong/runloop/handler.lua, access
// `before` and `after`; the proxy_set_header lines of kong/templates/nginx_kong.lua): the
// client's, less hop-by-hop ones, with Host, TE, X-Forwarded-*, X-Real-IP and Via set by the
// gateway. X-Forwarded-* values the client sent are kept only from a trusted peer (TRUSTED_IPS).

import { utf8Field } from '../http/field-text.ts'
import type { RequestContext } from '../pipeline/context.ts'
import type { RealIpSettings } from '../pipeline/real-ip.ts'
import { endToEndLines } from './hop-by-hop.ts'

/** What this gateway calls itself in Via (Kong: `kong/<version>`). */
export const VIA_NAME = 'lambda-gateway'

/** Set by the gateway, never passed on from the client (framing is the transport's). */
const REPLACED = new Set([
  'host',
  'content-length',
  'expect',
  'via',
  'x-real-ip',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-path',
  'x-forwarded-prefix',
  // Kong's own request id (its proxy_set_header): a client's never reaches the upstream as if Kong had set it.
  'x-kong-request-id',
])

export type HeaderLine = readonly [string, string]

/** The values of the client's headers this file reads, repeated lines joined with `, ` (Upgrade and TE: the first line). */
interface ClientValues {
  upgrade?: string
  te?: string
  'x-forwarded-for'?: string
  'x-forwarded-proto'?: string
  'x-forwarded-host'?: string
  'x-forwarded-port'?: string
  'x-forwarded-path'?: string
  'x-forwarded-prefix'?: string
  via?: string
}

/** One pass over the client's lines: these are read for every proxied request. */
function clientValues(lines: ReadonlyArray<HeaderLine>): ClientValues {
  const values: ClientValues = {}
  for (const [name, value] of lines) {
    switch (name) {
      case 'upgrade':
      case 'te':
        values[name] ??= value
        break
      case 'x-forwarded-for':
      case 'x-forwarded-proto':
      case 'x-forwarded-host':
      case 'x-forwarded-port':
      case 'x-forwarded-path':
      case 'x-forwarded-prefix':
      case 'via': {
        const before = values[name]
        values[name] = before === undefined ? value : `${before}, ${value}`
      }
    }
  }
  return values
}

/** The request's headers that do not change per try (Host does, with the balancer's target). */
export function forwardedLines(ctx: RequestContext, lines: ReadonlyArray<HeaderLine>, realIp: RealIpSettings | undefined): HeaderLine[] {
  const sent = clientValues(lines)
  const { client, url } = ctx
  const peer = client.peerIp ?? client.sourceIp
  const trusted = realIp?.trusted(peer) === true
  const path = client.raw?.target ?? url.pathname
  const query = path.indexOf('?')
  const out: HeaderLine[] = endToEndLines(lines, REPLACED)
  // A WebSocket upgrade is asked of the upstream too (nginx_kong.lua's $upstream_connection and $upstream_upgrade); no other Upgrade.
  if (sent.upgrade?.toLowerCase() === 'websocket') out.push(['connection', 'keep-alive, Upgrade'], ['upgrade', 'websocket'])
  // Only `TE: trailers` is passed on, and only when the client asked for trailers.
  if (sent.te?.split(',').some((token) => token.trim().toLowerCase() === 'trailers')) out.push(['te', 'trailers'])
  const add = (name: string, value: string | null | undefined) => {
    if (value !== undefined && value !== null && value !== '') out.push([name, value])
  }
  const forwardedFor = sent['x-forwarded-for']
  add('x-forwarded-for', forwardedFor === undefined || peer === null ? (forwardedFor ?? client.sourceIp) : `${forwardedFor}, ${peer}`)
  // A trusted peer's X-Forwarded-* are kept; anyone else's are the gateway's own.
  const kept = trusted ? sent : {}
  add('x-forwarded-proto', kept['x-forwarded-proto'] ?? client.scheme)
  add('x-forwarded-host', kept['x-forwarded-host'] ?? url.hostname)
  add('x-forwarded-port', kept['x-forwarded-port'] ?? String(client.serverPort ?? (url.port || (client.scheme === 'https' ? 443 : 80))))
  add('x-forwarded-path', kept['x-forwarded-path'] ?? (query === -1 ? path : path.slice(0, query)))
  // The router's prefix is decoded text: sent as its UTF-8 bytes, as nginx sends Kong's.
  const { prefix } = ctx.match
  add('x-forwarded-prefix', kept['x-forwarded-prefix'] ?? (prefix === undefined || prefix === '/' ? undefined : utf8Field(prefix)))
  add('x-real-ip', client.sourceIp)
  // Kong writes the version as Lua prints the number: 1.1, 2, 1.
  const inbound = `${client.protocol.replace(/^HTTP\//, '').replace(/\.0$/, '')} ${VIA_NAME}`
  out.push(['via', sent.via === undefined ? inbound : `${sent.via}, ${inbound}`])
  return out
}

/** The Host line: the client's with preserve_host, else the target's name, with its port unless the scheme's default (Kong's set_host_header). */
export function hostHeader(ctx: RequestContext, preserveHost: boolean, protocol: 'http' | 'https', host: string, port: number): string {
  if (preserveHost) {
    const sent = ctx.headers.get('host')
    if (sent !== null) return sent
  }
  const name = host.includes(':') ? `[${host}]` : host
  return port === (protocol === 'https' ? 443 : 80) ? name : `${name}:${port}`
}
