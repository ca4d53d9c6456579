// The response-ratelimiting plugin (Kong's kong/plugins/response-ratelimiting, priority 900):
// limits per name (`video`, `image`) that the upstream's or the function's answer spends, by
// its `X-Kong-Limit: video=1` header (https://github.com/Kong/kong/blob/master/kong/plugins/response-ratelimiting/handler.lua).
// Before the request, the counts are read (never counted): the upstream gets what is left as
// `X-RateLimit-Remaining-<name>`, and with `block_on_first_violation` a spent limit answers 429
// at once. The answer then says what it costs; an answer that costs a spent limit becomes an
// empty 429 (the upstream or function has already run: this plugin limits answers, not calls).
// The cost is counted after the answer is sent, never delaying it.

import { withEditedHeaders } from '../../http/edit-headers.ts'
import { discardBody } from '../../http/held-body.ts'
import { describeError } from '../../log.ts'
import { errorResponse, unexpectedErrorResponse } from '../../pipeline/answers.ts'
import { requestHeaderLines, setRequestHeaderLines } from '../../pipeline/change-request.ts'
import type { PluginDefinition } from '../../pipeline/plugin.ts'
import { RequestSlot } from '../../pipeline/request-slot.ts'
import { responsePhaseExit } from '../../pipeline/run.ts'
import type { WindowCounter } from '../../rate-limit/counter-store.ts'
import { identifierOf } from '../../rate-limit/identifier.ts'
import { counterStoreFor } from '../../rate-limit/policy.ts'
import { REDIS_SHORTHANDS } from '../../rate-limit/redis-schema.ts'
import { scopeKey } from '../../rate-limit/scope.ts'
import { PERIODS, type Period, wholeSecondsNow, windowCounter } from '../../rate-limit/windows.ts'
import { parseIncrements } from './limit-header.ts'
import { checkResponseRateLimiting, responseRateLimitingSchema } from './schema.ts'

/** One configured limit of one name in this request's window: what it allows and what is left. */
interface Usage extends WindowCounter {
  name: string
  period: Period
  limit: number
  remaining: number
}

/** What the phases of one request pass on (Kong's kong.ctx.plugin). */
interface RequestState {
  usage: Usage[]
  increments?: Map<string, number>
  /** The answer became this plugin's 429: nothing is counted. */
  stopped?: boolean
}

export const responseRateLimitingPlugin: PluginDefinition<typeof responseRateLimitingSchema> = {
  name: 'response-ratelimiting',
  priority: 900,
  schema: responseRateLimitingSchema,
  check: checkResponseRateLimiting,
  shorthands: REDIS_SHORTHANDS,
  create(config, setup) {
    const store = counterStoreFor(config, setup.services, setup.path)
    const service = setup.route.service
    const limits = Object.entries(config.limits as Record<string, Partial<Record<Period, number>>>)
    const names = new Set(limits.map(([name]) => name))
    const planned = limits.flatMap(([name, limit]) =>
      PERIODS.filter((period) => limit[period] !== undefined).map((period) => ({ name, period, limit: limit[period] as number })),
    )
    const prefix = `response-ratelimit:${scopeKey(setup.scope)}:`
    const states = new RequestSlot<RequestState>()
    return {
      async access(ctx) {
        const now = wholeSecondsNow()
        const owner = `${prefix}${identifierOf(ctx, config, service)}`
        const counters = planned.map(({ name, period, limit }) => ({ name, period, limit, ...windowCounter(owner, period, now, name) }))
        let counts: number[]
        try {
          counts = await store.read(counters)
        } catch (error) {
          ctx.log.error('response-ratelimiting: failed to get usage', { request_id: ctx.requestId, policy: config.policy, error: describeError(error) })
          return config.fault_tolerant ? undefined : unexpectedErrorResponse(ctx.requestId)
        }
        const usage = counters.map((counter, i) => ({ ...counter, remaining: counter.limit - (counts[i] as number) }))
        const remaining: Array<[string, string]> = []
        for (const name of names) {
          const own = usage.filter((u) => u.name === name)
          // Kong tests `== 0`, so a limit an answer overspent (remaining below 0) never blocks, and every
          // request still reaches the upstream or function: a bug for a limit meant to stop them.
          if (config.block_on_first_violation && own.some((u) => u.remaining <= 0)) {
            return errorResponse(429, `API rate limit exceeded for '${name}'`, ctx.requestId)
          }
          remaining.push([`x-ratelimit-remaining-${name.toLowerCase()}`, String(Math.min(...own.map((u) => u.remaining)))])
        }
        const replaced = new Set(remaining.map(([header]) => header))
        setRequestHeaderLines(ctx, [...requestHeaderLines(ctx).filter(([header]) => !replaced.has(header)), ...remaining])
        states.set(ctx, { usage })
        return undefined
      },

      response(ctx, response) {
        const state = states.get(ctx)
        const header = response.headers.get(config.header_name)
        if (state === undefined && header === null) return response
        const increments = parseIncrements(header, names)
        let stop = false
        const edited = withEditedHeaders(response, (headers) => {
          headers.delete(config.header_name)
          for (const u of state?.usage ?? []) {
            const increment = increments.get(u.name) ?? 0
            if (!config.hide_client_headers) {
              headers.set(`x-ratelimit-limit-${u.name}-${u.period}`, String(u.limit))
              headers.set(`x-ratelimit-remaining-${u.name}-${u.period}`, String(Math.max(0, u.remaining - increment)))
            }
            if (increment > 0 && u.remaining <= 0) stop = true
          }
        })
        if (state === undefined) return edited
        state.increments = increments
        if (!stop) return edited
        state.stopped = true
        return spentAnswer(edited)
      },

      log(ctx) {
        const state = states.get(ctx)
        if (state === undefined || state.stopped || state.increments === undefined) return undefined
        const costs = [...state.increments].filter(([, amount]) => amount !== 0)
        if (costs.length === 0) return undefined
        // A store that fails now is logged, never the client's problem: the answer is sent.
        const failed = (error: unknown) =>
          ctx.log.error('response-ratelimiting: could not count the answer', { request_id: ctx.requestId, policy: config.policy, error: describeError(error) })
        return Promise.all(
          costs.map(([name, amount]) =>
            store
              .add(
                state.usage.filter((u) => u.name === name),
                amount,
              )
              .catch(failed),
          ),
        )
      },
    }
  },
}

/**
 * Kong's `kong.response.exit(429)` in header_filter: the answer's status becomes 429 and its body
 * is dropped (Content-Length: 0); its headers, the rate-limit ones included, stay.
 */
function spentAnswer(response: Response): Response {
  discardBody(response)
  const headers = new Headers(response.headers)
  for (const framing of ['transfer-encoding', 'content-encoding']) headers.delete(framing)
  headers.set('content-length', '0')
  return responsePhaseExit(new Response(null, { status: 429, headers }))
}
