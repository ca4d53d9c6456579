// A rate-limiting plugin's `policy` → the store its counters live in, refused when the
// configuration loads if this runtime has none: `cluster` (Kong keeps it in its database, which
// DB-less Kong has not; here Durable Objects on Workers) and `redis` (Node and Deno).

import { ConfigError, joinPath } from '../model/validate.ts'
import type { GatewayServices } from '../pipeline/plugin.ts'
import type { CounterStore } from './counter-store.ts'
import type { RedisSettings } from './redis-schema.ts'

export function counterStoreFor(conf: { policy: string; redis: RedisSettings }, services: GatewayServices, path: string): CounterStore {
  const { local, cluster, redis } = services.counters
  if (conf.policy === 'local') return local
  if (conf.policy === 'cluster' && cluster) return cluster
  if (conf.policy === 'redis' && redis) return redis(conf.redis)
  throw new ConfigError([
    {
      path: joinPath(path, 'policy'),
      // Kong DB-less's own words for `cluster`.
      message: conf.policy === 'cluster' ? 'expected one of: local, redis' : "no Redis client on this runtime (on Workers use policy 'cluster')",
    },
  ])
}
