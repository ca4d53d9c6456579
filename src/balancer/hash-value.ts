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
  const read = (prefix: 'hash_on' | 'hash_fallback'): string | undefined => {
    const on = upstream[prefix]
    const name = upstream[`${prefix}_${on}` as 'hash_on_header'] ?? ''
    if (on === 'consumer') return request.consumerId ?? request.credentialId
    if (on === 'ip') return request.sourceIp ?? undefined
    if (on === 'path') return request.path
    if (on === 'cookie') return request.cookie(upstream.hash_on_cookie ?? '')
    return on === 'header' ? request.header(name) : on === 'query_arg' ? request.queryArg(name) : on === 'uri_capture' ? request.uriCapture(name) : undefined
  }
  const value = read('hash_on')
  if (value !== undefined || upstream.hash_on === 'none') return { value: value ?? '' }
  if (upstream.hash_on === 'cookie') {
    const cookie = crypto.randomUUID()
    return { value: cookie, setCookie: `${upstream.hash_on_cookie}=${cookie}; Path=${upstream.hash_on_cookie_path}; Same-Site=Lax; HttpOnly` }
  }
  return { value: read('hash_fallback') ?? '' }
}
