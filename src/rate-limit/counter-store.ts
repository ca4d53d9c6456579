// Where rate-limit counters live, for the plugins that count requests (rate-limiting) and
// answers (response-ratelimiting): this process's memory (`local`), a Redis server (`redis`,
// Node and Deno) or Durable Objects (`cluster`, Workers). The plugins own windows, keys and
// headers; a store only counts. Every call may fail (a store that is down or slow): the
// plugin's `fault_tolerant` decides what the client sees.

import type { RedisSettings } from './redis-schema.ts'

/** A counter's names. */
export interface CounterKey {
  /** Names the plugin, route, service, identifier, period and window start. */
  readonly key: string
  /**
   * Names the plugin, route, service and identifier: whom it counts for. The counters of one
   * request share it, so a store may keep them together (cluster: in one Durable Object).
   */
  readonly owner: string
}

/** One fixed window's counter. */
export interface WindowCounter extends CounterKey {
  /** Epoch milliseconds after which the store may forget it (its window is over). */
  readonly expiresAt: number
}

export interface LimitedCounter extends WindowCounter {
  readonly limit: number
}

export interface CounterStore {
  /**
   * Atomically, in one round trip: the counts before this request and, unless one of them has
   * reached its limit, `cost` added to every counter. Atomic so that requests spread over
   * instances get exactly the limit between them.
   */
  take(counters: readonly LimitedCounter[], cost: number): Promise<{ counts: number[]; taken: boolean }>
  /** Adds `amount` to every counter (counting after the answer, as response-ratelimiting does). */
  add(counters: readonly WindowCounter[], amount: number): Promise<void>
  /** The counts now, without counting; 0 for a counter never taken or forgotten. */
  read(counters: readonly CounterKey[]): Promise<number[]>
}

/** The stores a runtime offers; a policy without one is refused when the configuration loads. */
export interface CounterStores {
  /** This process's memory: one per process on Node and Deno, one per isolate on Workers. */
  readonly local: CounterStore
  /** Node and Deno: the Redis server of these settings (one connection per distinct settings, shared). */
  readonly redis?: (settings: RedisSettings) => CounterStore
  /** Workers: Durable Objects, sharded by counter key. */
  readonly cluster?: CounterStore
  /** Why a store this runtime would offer is missing (a Worker without its binding), said when a policy asks for it. */
  readonly missing?: { readonly cluster?: string }
}
