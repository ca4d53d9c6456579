// The `cluster` policy's store inside workerd: the Durable Object class the Worker exports
// (src/runtime/workers/counters-object.ts) through the binding wrangler.toml declares, reached
// the way the gateway reaches it (src/runtime/workers/cluster-store.ts).

import { evictDurableObject, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import type { CounterKey } from '../../src/rate-limit/counter-store.ts'
import { createClusterStore } from '../../src/runtime/workers/cluster-store.ts'

const store = createClusterStore(env.RATE_LIMIT_COUNTERS)
const HOUR = 3_600_000
const later = () => Date.now() + HOUR

/** Kong's counter key (route, service, identifier, window start, period) and its owner, the key without its window. */
const key = (identifier: string, period = 'hour', start = 1_764_800_000_000): CounterKey => {
  const owner = `ratelimit:route-1:service-1:${identifier}`
  return { owner, key: `${owner}:${start}:${period}` }
}
const objectOf = (k: CounterKey) => env.RATE_LIMIT_COUNTERS.getByName(k.owner)

describe('objects', () => {
  it('refuses a take whose counters would span objects: it could not be atomic', async () => {
    await expect(
      store.take(
        [
          { ...key('a'), expiresAt: later(), limit: 1 },
          { ...key('b'), expiresAt: later(), limit: 1 },
        ],
        1,
      ),
    ).rejects.toThrow('counters span objects')
  })
})

describe('take, add, read', () => {
  it('gives the counts before the request and counts it while every limit holds', async () => {
    const [minute, hour] = [key('take', 'minute'), key('take', 'hour')]
    const counters = [
      { ...minute, expiresAt: later(), limit: 2 },
      { ...hour, expiresAt: later(), limit: 5 },
    ]
    expect(await store.take(counters, 1)).toEqual({ counts: [0, 0], taken: true })
    expect(await store.take(counters, 1)).toEqual({ counts: [1, 1], taken: true })
    // The minute is used up: nothing is counted, not even the hour.
    expect(await store.take(counters, 1)).toEqual({ counts: [2, 2], taken: false })
    expect(await store.read([hour, minute, key('never')])).toEqual([2, 2, 0])
  })

  it('is atomic: concurrent takes get exactly the limit between them', async () => {
    const counters = [{ ...key('concurrent'), expiresAt: later(), limit: 7 }]
    const results = await Promise.all(Array.from({ length: 30 }, () => store.take(counters, 1)))
    expect(results.filter((result) => result.taken)).toHaveLength(7)
    expect(await store.read([key('concurrent')])).toEqual([7])
  })

  it('adds and reads counters of several objects in one call, each in its own object', async () => {
    const keys = [key('add-a'), key('add-b'), key('add-a', 'minute')]
    await store.add(
      keys.map((k) => ({ ...k, expiresAt: later() })),
      3,
    )
    await store.add([{ ...(keys[1] as CounterKey), expiresAt: later() }], 2)
    expect(await store.read(keys)).toEqual([3, 5, 3])
    const inObject = await runInDurableObject(objectOf(key('add-b')), (_, state) => state.storage.sql.exec('SELECT key, count FROM counters').toArray())
    expect(inObject).toEqual([{ key: key('add-b').key, count: 5 }])
  })

  it('a counter whose window is over counts as 0 and starts again', async () => {
    const k = key('expired')
    await store.add([{ ...k, expiresAt: Date.now() - 1 }], 4)
    expect(await store.read([k])).toEqual([0])
    expect(await store.take([{ ...k, expiresAt: later(), limit: 1 }], 1)).toEqual({ counts: [0], taken: true })
    expect(await store.read([k])).toEqual([1])
  })
})

describe('durability', () => {
  it('counts survive the object being evicted (they are in its storage, not its memory)', async () => {
    const k = key('evicted')
    const counters = [{ ...k, expiresAt: later(), limit: 3 }]
    await store.take(counters, 1)
    await store.take(counters, 1)
    await evictDurableObject(objectOf(k))
    expect(await store.take(counters, 1)).toEqual({ counts: [2], taken: true })
    expect(await store.take(counters, 1)).toEqual({ counts: [3], taken: false })
  })

  // The alarm handler is called here rather than waited for: workerd may run it on its own too,
  // and what it leaves is the same either way.
  const counterTables = (k: CounterKey) =>
    runInDurableObject(objectOf(k), (_, state) => state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'counters'").toArray())

  it('the alarm forgets the windows that are over and wakes for the next; an object left without counters deletes its storage', async () => {
    const [over, current] = [key('alarm', 'second'), key('alarm', 'hour')]
    const object = objectOf(over)
    await store.add([{ ...over, expiresAt: Date.now() - 1 }], 1)
    await store.add([{ ...current, expiresAt: later() }], 1)
    await runInDurableObject(object, (instance) => instance.alarm())
    const state = await runInDurableObject(object, async (_, state) => ({
      rows: state.storage.sql.exec('SELECT key FROM counters').toArray(),
      alarm: await state.storage.getAlarm(),
    }))
    expect(state.rows).toEqual([{ key: current.key }])
    // The next wake-up is the hour's window end.
    expect(state.alarm).toBeGreaterThan(Date.now() + HOUR - 60_000)
    expect(await store.read([current, over])).toEqual([1, 0])

    const gone = key('gone', 'second')
    await store.add([{ ...gone, expiresAt: Date.now() - 1 }], 1)
    await runInDurableObject(objectOf(gone), (instance) => instance.alarm())
    expect(await counterTables(gone)).toEqual([])
    // Counting again afterwards works: the table comes back.
    expect(await store.take([{ ...gone, expiresAt: later(), limit: 1 }], 1)).toEqual({ counts: [0], taken: true })
    expect(await store.read([gone])).toEqual([1])
  })

  it('an evicted object, woken by its alarm, sets the next one for the next window end', async () => {
    const [over, current] = [key('woken', 'second'), key('woken', 'hour')]
    const end = later()
    await store.add([{ ...over, expiresAt: Date.now() - 1 }], 1)
    await store.add([{ ...current, expiresAt: end }], 1)
    await evictDurableObject(objectOf(over))
    const alarm = await runInDurableObject(objectOf(over), async (instance, state) => {
      await instance.alarm()
      return state.storage.getAlarm()
    })
    expect(alarm).toBe(end)
  })

  it('reading makes no storage: an object only read has no table to be left behind', async () => {
    const k = key('only-read')
    expect(await store.read([k])).toEqual([0])
    expect(await counterTables(k)).toEqual([])
    expect(await store.take([{ ...k, expiresAt: later(), limit: 1 }], 1)).toEqual({ counts: [0], taken: true })
    expect(await counterTables(k)).toEqual([{ name: 'counters' }])
  })
})
