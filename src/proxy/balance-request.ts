// What consistent hashing may read of a request (src/balancer/balancer.ts BalanceRequest), read
// from the request's context only when the balancer asks.

import type { BalanceRequest } from '../balancer/balancer.ts'
import type { RequestContext } from '../pipeline/context.ts'

export function balanceRequest(ctx: RequestContext): BalanceRequest {
  return {
    consumerId: ctx.consumer?.id,
    credentialId: ctx.credential?.id,
    sourceIp: ctx.client.sourceIp,
    header: (name) => ctx.headers.get(name) ?? undefined,
    cookie(name) {
      for (const pair of (ctx.headers.get('cookie') ?? '').split(';')) {
        const at = pair.indexOf('=')
        if (at !== -1 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim()
      }
      return undefined
    },
    path: ctx.match.requestPath,
    queryArg: (name) => ctx.url.searchParams.get(name) ?? undefined,
    uriCapture: (name) => ctx.match.captures[name],
  }
}
