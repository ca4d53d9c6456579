// The `redis` block of the rate-limiting plugins' `config`, with Kong's fields and defaults
// (https://github.com/Kong/kong/blob/master/kong/tools/redis/schema.lua).

import { checkHost, type Schema, type Validated } from '../model/schema.ts'

export const redisSchema = {
  host: { type: 'string', check: checkHost },
  port: { type: 'integer', default: 6379, between: [0, 65535] },
  /** Milliseconds for connecting, sending and reading. */
  timeout: { type: 'integer', default: 2000, between: [0, 2 ** 31 - 2] },
  username: { type: 'string', referenceable: true },
  password: { type: 'string', referenceable: true },
  database: { type: 'integer', default: 0 },
  ssl: { type: 'boolean', default: false },
  ssl_verify: { type: 'boolean', default: false },
  server_name: { type: 'string', check: checkHost },
} as const satisfies Schema

export type RedisSettings = Validated<typeof redisSchema>

/** Kong's deprecated `redis_*` fields of the rate-limiting plugins' config, still in real files. */
export const REDIS_SHORTHANDS = Object.fromEntries(Object.keys(redisSchema).map((field) => [`redis_${field}`, ['redis', field] as const]))
