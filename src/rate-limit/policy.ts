// A rate-limiting plugin's `policy` → the store its counters live in, refused when the
// configuration loads if this runtime has none: `cluster` (Kong keeps it in its database, which
// DB-less Kong has not; here Durable Objects on Workers) and `redis` (Node and Deno).

import type { Schema } from '../model/schema.ts'
import { ConfigError, joinPath } from '../model/validate.ts'
import type { GatewayServices } from '../pipeline/plugin.ts'
import type { CounterStore } from './counter-store.ts'
import { type RedisSettings, redisSchema } from './redis-schema.ts'

/** The config fields of both rate-limiting plugins that choose the store and say what a failing one means, with Kong's defaults. */
export const policyFields = {
  // `cluster` is refused where the runtime has no store for it (DB-less Kong refuses it always).
  policy: { type: 'string', default: 'local', oneOf: ['local', 'cluster', 'redis'] },
  fault_tolerant: { type: 'boolean', required: true, default: true },
  redis: { type: 'record', required: true, fields: redisSchema },
} as const satisfies Schema

/** Kong's conditional entity check, in its words: `config.<field>` is required given the value of `config.<given>`. */
export function requiredGiven(field: string, given: string): string {
  return `config.${field}: required field missing (failed conditional validation given value of field 'config.${given}')`
}

/** Kong's entity checks of `policy: redis`: the server's host, port and timeout. */
export function redisProblems(conf: { policy: string; redis: RedisSettings }): string[] {
  if (conf.policy !== 'redis') return []
  return (['host', 'port', 'timeout'] as const).filter((field) => conf.redis[field] === undefined).map((field) => requiredGiven(`redis.${field}`, 'policy'))
}

export function counterStoreFor(conf: { policy: string; redis: RedisSettings }, services: GatewayServices, path: string): CounterStore {
  const { local, cluster, redis } = services.counters
  if (conf.policy === 'local') return local
  if (conf.policy === 'cluster' && cluster) return cluster
  if (conf.policy === 'redis' && redis) return redis(conf.redis)
  throw new ConfigError([
    {
      path: joinPath(path, 'policy'),
      // Kong DB-less's own words for `cluster`.
      message:
        conf.policy === 'cluster'
          ? 'expected one of: local, redis'
          : "policy 'redis' needs a Redis client, which this runtime has not (on Cloudflare Workers use policy 'cluster')",
    },
  ])
}
