// The `cluster` policy on Workers: counters in Durable Objects (counters-object.ts), one object
// per owner (plugin, route, service, identifier: one limit of one client), so that one busy
// client does not queue everyone's requests, and a request's counters for every period are
// checked and counted together in one call.

import type { CounterKey, CounterStore } from '../../rate-limit/counter-store.ts'
import type { RateLimitCounters } from './counters-object.ts'

/** The counters by the object they live in. */
function byOwner<T extends CounterKey>(counters: readonly T[]): Map<string, T[]> {
  const owners = new Map<string, T[]>()
  for (const counter of counters) owners.set(counter.owner, [...(owners.get(counter.owner) ?? []), counter])
  return owners
}

export function createClusterStore(namespace: DurableObjectNamespace<RateLimitCounters>): CounterStore {
  return {
    async take(counters, cost) {
      const owner = counters[0]?.owner ?? ''
      // Atomic only within one object: the counters of one request never span two.
      if (counters.some((counter) => counter.owner !== owner)) throw new Error('counters span objects')
      return namespace.getByName(owner).take(counters, cost)
    },
    async add(counters, amount) {
      await Promise.all([...byOwner(counters)].map(([owner, some]) => namespace.getByName(owner).add(some, amount)))
    },
    async read(counters) {
      const counts = new Map<string, number>()
      await Promise.all(
        [...byOwner(counters)].map(async ([owner, some]) => {
          const read = await namespace.getByName(owner).read(some.map(({ key }) => key))
          for (const [i, { key }] of some.entries()) counts.set(key, read[i] as number)
        }),
      )
      return counters.map(({ key }) => counts.get(key) ?? 0)
    },
  }
}
