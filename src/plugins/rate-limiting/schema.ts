// The `rate-limiting` plugin's `config`: Kong's fields, defaults and checks, in Kong's words
// (https://github.com/Kong/kong/blob/master/kong/plugins/rate-limiting/schema.lua).

import { checkUpstreamPath } from '../../model/entities/service.ts'
import { checkPositive, type Schema, type Validated } from '../../model/schema.ts'
import { redisSchema } from '../../rate-limit/redis-schema.ts'
import { PERIODS } from '../../rate-limit/windows.ts'
import { checkHeaderName } from '../request-termination/schema.ts'

const limit = { type: 'number', check: checkPositive } as const

export const rateLimitingSchema = {
  second: limit,
  minute: limit,
  hour: limit,
  day: limit,
  month: limit,
  year: limit,
  limit_by: { type: 'string', default: 'consumer', oneOf: ['consumer', 'credential', 'ip', 'service', 'header', 'path'] },
  header_name: { type: 'string', check: checkHeaderName },
  path: { type: 'string', check: checkUpstreamPath },
  // `cluster` is refused where the runtime has no store for it (DB-less Kong refuses it always).
  policy: { type: 'string', default: 'local', oneOf: ['local', 'cluster', 'redis'] },
  fault_tolerant: { type: 'boolean', required: true, default: true },
  redis: { type: 'record', required: true, fields: redisSchema },
  hide_client_headers: { type: 'boolean', required: true, default: false },
  error_code: { type: 'number', default: 429, check: checkPositive },
  error_message: { type: 'string', default: 'API rate limit exceeded' },
  sync_rate: { type: 'number', required: true, default: -1 },
} as const satisfies Schema

export type RateLimitingConfig = Validated<typeof rateLimitingSchema>

/** Kong's entity checks and custom validator, in its words; then what this gateway refuses. */
export function checkRateLimiting(config: RateLimitingConfig): string[] {
  const given = PERIODS.filter((period) => config[period] !== undefined)
  if (given.length === 0) return [`at least one of these fields must be non-empty: ${PERIODS.map((period) => `'config.${period}'`).join(', ')}`]
  const problems: string[] = []
  for (const [i, lower] of given.entries()) {
    const upper = given.slice(i + 1).find((period) => (config[period] as number) < (config[lower] as number))
    if (upper) {
      const [a, b] = [config[upper] as number, config[lower] as number].map((n) => n.toFixed(1))
      return [`The limit for ${upper}(${a}) cannot be lower than the limit for ${lower}(${b})`]
    }
  }
  const { policy, sync_rate: syncRate } = config
  // Kong takes another sync_rate with redis only; here never: counting locally between flushes
  // would let several instances pass more than the limit between them.
  if (syncRate !== -1)
    problems.push(policy === 'redis' ? 'sync_rate other than -1 is not supported by lambda-gateway' : 'sync_rate can only be used with the redis policy')
  const required = (field: string) => `config.${field}: required field missing`
  // Kong's port and timeout conditions too, which their defaults always meet.
  if (policy === 'redis' && config.redis.host === undefined) problems.push(required('redis.host'))
  if (config.limit_by === 'header' && config.header_name === undefined) problems.push(required('header_name'))
  if (config.limit_by === 'path' && config.path === undefined) problems.push(required('path'))
  return problems
}
