// The ip-restriction plugin (Kong's kong/plugins/ip-restriction, priority 990): refuses a
// request whose client address is in `deny`, then one not in `allow`
// (https://github.com/Kong/kong/blob/master/kong/plugins/ip-restriction/handler.lua). The
// address is the one every plugin sees (ctx.client.sourceIp: the peer, or what a trusted peer
// says with TRUSTED_IPS), as Kong checks nginx's $remote_addr.

import { ipMatcher, parseIp } from '../../http/ip.ts'
import { configuredErrorResponse, errorResponse } from '../../pipeline/answers.ts'
import type { PluginDefinition } from '../../pipeline/plugin.ts'
import { checkAllowDeny } from '../shared/allow-deny.ts'
import { ipRestrictionSchema } from './schema.ts'

export const ipRestrictionPlugin: PluginDefinition<typeof ipRestrictionSchema> = {
  name: 'ip-restriction',
  priority: 990,
  schema: ipRestrictionSchema,
  check: (config) => checkAllowDeny(config, false),
  create(config, setup) {
    const denied = config.deny && config.deny.length > 0 ? ipMatcher(config.deny) : undefined
    const allowed = config.allow && config.allow.length > 0 ? ipMatcher(config.allow) : undefined
    const refuse = configuredErrorResponse(config.status ?? 403, 'status', setup.log, setup.route.label)
    return {
      access(ctx) {
        const address = ctx.client.sourceIp
        if (address === null || !parseIp(address)) {
          ctx.log.warn('ip-restriction: the client address is unknown', { request_id: ctx.requestId })
          return errorResponse(403, 'Cannot identify the client IP address, unix domain sockets are not supported.', ctx.requestId)
        }
        if (!denied?.(address) && (!allowed || allowed(address))) return undefined
        const message = config.message ?? `IP address not allowed: ${address}`
        ctx.log.warn(message, { request_id: ctx.requestId })
        return refuse(message, ctx.requestId)
      },
    }
  },
}
