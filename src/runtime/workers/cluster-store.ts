// The `cluster` policy on Workers: counters in Durable Objects (counters-object.ts), one object
// per limit — what a key names once its window and period are left out (plugin, route,
// service, identifier) — so that one busy client does not queue everyone's requests, and a
// request's counters for every period are checked and counted together in one call.

import type { CounterStore } from '../../rate-limit/counter-store.ts'
import type { RateLimitCounters } from './counters-object.ts'

// Window starts and period names: what differs between the counters of one request.
const WINDOW_PART = /^(\d+|second|minute|hour|day|month|year)$/

/** The object a key's counter lives in. Deterministic: every isolate finds the same one. */
export function shardOf(key: string): string {
  return key
    .split(':')
    .filter((part) => !WINDOW_PART.test(part))
    .join(':')
}

/** The items by the object they live in. */
function byShard<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const shards = new Map<string, T[]>()
  for (const item of items) {
    const shard = shardOf(keyOf(item))
    shards.set(shard, [...(shards.get(shard) ?? []), item])
  }
  return shards
}

export function createClusterStore(namespace: DurableObjectNamespace<RateLimitCounters>): CounterStore {
  return {
    async take(counters, cost) {
      const shard = shardOf(counters[0]?.key ?? '')
      // Atomic only within one object: the counters of one request never span two.
      if (counters.some((counter) => shardOf(counter.key) !== shard)) throw new Error('counters span objects')
      return namespace.getByName(shard).take(counters, cost)
    },
    async add(counters, amount) {
      await Promise.all([...byShard(counters, (counter) => counter.key)].map(([shard, some]) => namespace.getByName(shard).add(some, amount)))
    },
    async read(keys) {
      const counts = new Map<string, number>()
      await Promise.all(
        [...byShard(keys, (key) => key)].map(async ([shard, some]) => {
          const read = await namespace.getByName(shard).read(some)
          for (const [i, key] of some.entries()) counts.set(key, read[i] as number)
        }),
      )
      return keys.map((key) => counts.get(key) ?? 0)
    },
  }
}
