// What consistent-hashing hashes for a request (`get_value_to_hash` in
// https://github.com/Kong/kong/blob/master/kong/runloop/balancer/init.lua): the value `hash_on`
// names, else the one `hash_fallback` names, else the empty string. For `hash_on: cookie` without
// the cookie, a new random value, which the answer sets as the cookie.

import type { GatewayUpstream } from '../model/config.ts'
import type { BalanceRequest } from './balancer.ts'

export interface HashValue {
  value: string
  setCookie?: string
}

export function hashValue(upstream: GatewayUpstream, request: BalanceRequest): HashValue {
  const read = (on: string, fallback: boolean): string | undefined => {
    const name = (field: string) => (fallback ? upstream[`hash_fallback_${field}` as 'hash_on_header'] : upstream[`hash_on_${field}` as 'hash_on_header']) ?? ''
    switch (on) {
      case 'consumer':
        return request.consumerId ?? request.credentialId
      case 'ip':
        return request.sourceIp ?? undefined
      case 'header':
        return request.header(name('header'))
      case 'cookie':
        return request.cookie(upstream.hash_on_cookie ?? '')
      case 'path':
        return request.path
      case 'query_arg':
        return request.queryArg(name('query_arg'))
      case 'uri_capture':
        return request.uriCapture(name('uri_capture'))
    }
    return undefined
  }
  if (upstream.hash_on === 'none') return { value: '' }
  const value = read(upstream.hash_on, false)
  if (value !== undefined) return { value }
  if (upstream.hash_on === 'cookie') {
    const cookie = crypto.randomUUID()
    return { value: cookie, setCookie: `${upstream.hash_on_cookie}=${cookie}; Path=${upstream.hash_on_cookie_path}; Same-Site=Lax; HttpOnly` }
  }
  return { value: read(upstream.hash_fallback, true) ?? '' }
}
