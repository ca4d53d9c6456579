// The `response-ratelimiting` plugin's `config`: Kong's fields, defaults and checks, in Kong's
// words (https://github.com/Kong/kong/blob/master/kong/plugins/response-ratelimiting/schema.lua).

import { checkPositive, type Schema, type Validated } from '../../model/schema.ts'
import { type PeriodLimits, periodsProblem } from '../../rate-limit/limits.ts'
import { policyFields } from '../../rate-limit/policy.ts'
import { checkHeaderName } from '../request-termination/schema.ts'

const limit = { type: 'number', check: checkPositive } as const

export const responseRateLimitingSchema = {
  header_name: { type: 'string', default: 'x-kong-limit', check: checkHeaderName },
  limit_by: { type: 'string', default: 'consumer', oneOf: ['consumer', 'credential', 'ip'] },
  ...policyFields,
  block_on_first_violation: { type: 'boolean', required: true, default: false },
  hide_client_headers: { type: 'boolean', required: true, default: false },
  limits: {
    type: 'map',
    required: true,
    // A name becomes part of header names (X-RateLimit-Remaining-<name>): Kong takes any string, which no answer could carry.
    keys: { type: 'string', check: checkHeaderName },
    values: {
      type: 'record',
      required: true,
      fields: { second: limit, minute: limit, hour: limit, day: limit, month: limit, year: limit },
      check: (limits) => periodsProblem(limits as PeriodLimits, 'the'),
    },
    check: (limits) => (Object.keys(limits).length === 0 ? 'length must be at least 1' : undefined),
  },
} as const satisfies Schema

export type ResponseRateLimitingConfig = Validated<typeof responseRateLimitingSchema>

/** Kong's entity checks: a Redis host for `policy: redis` (its port and timeout conditions too, which their defaults always meet). */
export const checkResponseRateLimiting = (config: ResponseRateLimitingConfig): string[] =>
  config.policy === 'redis' && config.redis.host === undefined ? ['config.redis.host: required field missing'] : []
