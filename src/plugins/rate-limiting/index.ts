// The rate-limiting plugin (Kong's kong/plugins/rate-limiting, priority 910): counts requests per
// identifier in fixed windows of a second … a year, and refuses those over a limit with
// error_code, telling the client its limits and what is left in Kong's headers
// (https://github.com/Kong/kong/blob/master/kong/plugins/rate-limiting/handler.lua).
// Kong reads the counts, then adds the request later (two requests may both see the last unit
// left); here the store's `take` does both at once, with the same counts before the request and
// the same rule (refused when limit - count <= 0 for a period), so the limit holds exactly.

import { withEditedHeaders } from '../../http/edit-headers.ts'
import { describeError } from '../../log.ts'
import { configuredErrorResponse, unexpectedErrorResponse } from '../../pipeline/answers.ts'
import type { PluginDefinition } from '../../pipeline/plugin.ts'
import { RequestSlot } from '../../pipeline/request-slot.ts'
import { identifierOf } from '../../rate-limit/identifier.ts'
import { counterStoreFor } from '../../rate-limit/policy.ts'
import { REDIS_SHORTHANDS } from '../../rate-limit/redis-schema.ts'
import { scopeKey } from '../../rate-limit/scope.ts'
import { PERIODS, wholeSecondsNow, windowCounter } from '../../rate-limit/windows.ts'
import { limitHeaders } from './headers.ts'
import { checkRateLimiting, rateLimitingSchema } from './schema.ts'

export const rateLimitingPlugin: PluginDefinition<typeof rateLimitingSchema> = {
  name: 'rate-limiting',
  priority: 910,
  schema: rateLimitingSchema,
  check: checkRateLimiting,
  shorthands: REDIS_SHORTHANDS,
  create(config, setup) {
    const store = counterStoreFor(config, setup.services, setup.path)
    const limits = PERIODS.flatMap((period) => (config[period] === undefined ? [] : [[period, config[period]] as const]))
    const prefix = `ratelimit:${scopeKey(setup.scope)}:`
    const service = setup.route.service
    const refuse = configuredErrorResponse(config.error_code, 'error_code', setup.log, setup.route.label)
    /** The headers each request gets on its answer, whoever gives it. */
    const told = new RequestSlot<[string, string][]>()

    return {
      async access(ctx) {
        const now = wholeSecondsNow()
        const owner = `${prefix}${identifierOf(ctx, config, service)}`
        const counters = limits.map(([period, limit]) => ({ ...windowCounter(owner, period, now), limit }))
        let result: { counts: number[]; taken: boolean }
        try {
          result = await store.take(counters, 1)
        } catch (error) {
          ctx.log.error('rate-limiting: failed to get usage', { request_id: ctx.requestId, policy: config.policy, error: describeError(error) })
          return config.fault_tolerant ? undefined : unexpectedErrorResponse(ctx.requestId)
        }
        const headers = limitHeaders(
          limits,
          counters.map((counter) => counter.start),
          result,
          now,
        )
        if (!config.hide_client_headers) told.set(ctx, headers)
        if (result.taken) return undefined
        return refuse(config.error_message, ctx.requestId)
      },
      response(ctx, response) {
        const headers = told.get(ctx)
        if (!headers) return response
        return withEditedHeaders(response, (edited) => {
          for (const [name, value] of headers) edited.set(name, value)
        })
      },
    }
  },
}
