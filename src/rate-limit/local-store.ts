// The `local` policy's counters: a Map in this process (Kong keeps them in a shared dict of
// the node). Expired windows are swept as new ones start, so memory follows the keys in use.

import type { CounterStore, LimitedCounter, WindowCounter } from './counter-store.ts'

interface Entry {
  count: number
  expiresAt: number
}

export function createLocalStore(now: () => number = Date.now): CounterStore {
  const entries = new Map<string, Entry>()
  let nextSweep = 0

  function count(key: string, at: number): number {
    const entry = entries.get(key)
    return entry && entry.expiresAt > at ? entry.count : 0
  }

  function add(counters: readonly WindowCounter[], amount: number, at: number) {
    if (at >= nextSweep) sweep(at)
    for (const { key, expiresAt } of counters) {
      const entry = entries.get(key)
      if (entry && entry.expiresAt > at) entry.count += amount
      else entries.set(key, { count: amount, expiresAt })
    }
  }

  // At most once a second: a window of a second is the shortest there is.
  function sweep(at: number) {
    nextSweep = at + 1000
    for (const [key, entry] of entries) if (entry.expiresAt <= at) entries.delete(key)
  }

  return {
    async take(counters: readonly LimitedCounter[], cost: number) {
      const at = now()
      const counts = counters.map((counter) => count(counter.key, at))
      const taken = counters.every((counter, i) => (counts[i] as number) < counter.limit)
      if (taken) add(counters, cost, at)
      return { counts, taken }
    },
    async add(counters, amount) {
      add(counters, amount, now())
    },
    async read(counters) {
      const at = now()
      return counters.map(({ key }) => count(key, at))
    },
  }
}
