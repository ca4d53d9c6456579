/// <reference lib="deno.ns" />
// The redis store under Deno (ioredis through npm compatibility): atomic takes over two
// connections, and a Redis killed and restarted, or paused past the timeout — the calls fail,
// nothing is thrown at the process, and the next call after recovery is counted. Skipped by
// name without redis-server (or without --allow-run=redis-server).

import { deepStrictEqual, ok, rejects } from 'node:assert/strict'
import { createLogger } from '../../src/log.ts'
import type { LimitedCounter } from '../../src/rate-limit/counter-store.ts'
import { createRedisStores } from '../../src/runtime/redis/redis-store.ts'
import { HAS_REDIS, startRedisServer } from '../support/redis-server.ts'

let unique = 0
const counter = (limit: number): LimitedCounter => ({ key: `deno:${Date.now()}:${++unique}`, owner: 'deno', limit, expiresAt: Date.now() + 60_000 })
const settings = (port: number) => ({ host: '127.0.0.1', port, timeout: 300, database: 0, ssl: false, ssl_verify: false })

async function eventually<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt()
    } catch (error) {
      if (i >= 100) throw error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

Deno.test({
  name: 'redis store on Deno: atomic takes, Redis killed and restarted, Redis paused',
  ignore: !HAS_REDIS,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const redis = await startRedisServer()
    const lines: string[] = []
    const stores = [createRedisStores(), createRedisStores()]
    stores[0]?.logTo(createLogger('debug', (line) => void lines.push(line)))
    const [first, second] = stores.map((made) => made.redis(settings(redis.port)))
    const thrown: unknown[] = []
    const record = (event: Event) => {
      thrown.push((event as ErrorEvent).error ?? (event as PromiseRejectionEvent).reason)
      event.preventDefault()
    }
    globalThis.addEventListener('error', record)
    globalThis.addEventListener('unhandledrejection', record)
    try {
      const limited = counter(10)
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? first : second)!.take([limited], 1)))
      deepStrictEqual(results.filter((result) => result.taken).length, 10)

      const other = counter(10)
      await first!.take([other], 1)
      await redis.kill()
      try {
        await rejects(first!.take([other], 1))
        await new Promise((resolve) => setTimeout(resolve, 300))
        await rejects(first!.take([other], 1))
      } finally {
        await redis.restart()
      }
      deepStrictEqual(await eventually(() => first!.take([other], 1)), { counts: [0], taken: true })
      deepStrictEqual(await first!.take([other], 1), { counts: [1], taken: true })

      await redis.pause()
      try {
        await rejects(first!.take([other], 1), /timed out/)
      } finally {
        await redis.resume()
      }
      deepStrictEqual((await eventually(() => first!.take([other], 1))).counts, [3])
      ok(
        lines.some((line) => line.includes('redis unavailable')),
        'the outage was logged',
      )
      deepStrictEqual(thrown, [], 'nothing thrown at the process')
    } finally {
      globalThis.removeEventListener('error', record)
      globalThis.removeEventListener('unhandledrejection', record)
      await Promise.all(stores.map((made) => made.close()))
      await redis.stop()
    }
  },
})
