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

export function counterStoreFor(conf: { policy: string; redis: RedisSettings }, services: GatewayServices, path: string): CounterStore {
  const { local, cluster, redis, missing } = services.counters
  if (conf.policy === 'local') return local
  if (conf.policy === 'cluster' && cluster) return cluster
  if (conf.policy === 'redis' && redis) return redis(conf.redis)
  throw new ConfigError([
    {
      path: joinPath(path, 'policy'),
      // Kong DB-less's own words for `cluster`, where no runtime setting would give it.
      message:
        conf.policy === 'cluster' ? (missing?.cluster ?? 'expected one of: local, redis') : "no Redis client on this runtime (on Workers use policy 'cluster')",
    },
  ])
}
