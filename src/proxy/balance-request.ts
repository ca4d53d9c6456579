// What consistent-hashing may read of a request, read as Kong reads it
// (https://github.com/Kong/kong/blob/master/kong/runloop/balancer/init.lua): nginx's variables
// for a header (repeated lines joined), a cookie, the normalised path, and a query argument
// normalised as Kong does (a valueless one is `true`, repeated ones sorted and joined with `,`).

import type { BalanceRequest } from '../balancer/balancer.ts'
import { cookie } from '../http/cookie.ts'
import { parseQueryPairs } from '../http/url-args.ts'
import { requestHeaderLines } from '../pipeline/change-request.ts'
import type { RequestContext } from '../pipeline/context.ts'

export function balanceRequest(ctx: RequestContext): BalanceRequest {
  return {
    consumerId: ctx.consumer?.id,
    credentialId: ctx.credential?.id,
    sourceIp: ctx.client.sourceIp,
    header: (name) => ctx.headers.get(name) ?? undefined,
    cookie: (name) => cookie(requestHeaderLines(ctx), name),
    path: ctx.match.requestPath,
    queryArg(name) {
      const values = parseQueryPairs(ctx.url.search.slice(1)).flatMap(([key, value]) => (key === name ? [String(value)] : []))
      return values.length === 0 ? undefined : values.sort().join(',')
    },
    uriCapture: (name) => ctx.match.captures[name],
  }
}
