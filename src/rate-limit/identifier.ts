// Whom a request is counted for (Kong's get_identifier in the rate-limiting plugins'
// handler.lua): the configured entity when the request has one, else the client's address.

import type { GatewayService } from '../model/declarative.ts'
import type { RequestContext } from '../pipeline/context.ts'
import { serviceKey } from './scope.ts'

export interface LimitBy {
  limit_by: string
  header_name?: string
  path?: string
}

/** `service`: the service of the route the request is on. */
export function identifierOf(ctx: RequestContext, conf: LimitBy, service: GatewayService | undefined): string {
  let identifier: string | null | undefined
  switch (conf.limit_by) {
    case 'service':
      identifier = service && serviceKey(service)
      break
    case 'consumer':
      identifier = (ctx.consumer ?? ctx.credential)?.id
      break
    case 'credential':
      identifier = ctx.credential?.id
      break
    case 'header':
      // As Kong's get_header: `_` in the name stands for `-`.
      identifier = ctx.headers.get((conf.header_name as string).replaceAll('_', '-'))
      break
    case 'path':
      if (ctx.match.requestPath === conf.path) identifier = conf.path
  }
  // Kong's kong.client.get_forwarded_ip: the address after TRUSTED_IPS. An empty header value
  // is an identifier (Lua's '' is true).
  return identifier ?? ctx.client.sourceIp ?? ''
}
