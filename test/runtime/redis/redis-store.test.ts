// The `redis` counter store against a real redis-server (test/support/redis-server.ts): the
// atomic take, add and read, the script's EVALSHA with its EVAL fallback, connections shared
// per settings, authentication, databases, TLS, and what a Redis that dies, pauses or refuses
// does to the calls and to the process (never a crash, never a reconnection storm).

import { createServer, type Socket } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createLogger } from '../../../src/log.ts'
import type { LimitedCounter } from '../../../src/rate-limit/counter-store.ts'
import type { RedisSettings } from '../../../src/rate-limit/redis-schema.ts'
import { createRedisStores, type RedisStores } from '../../../src/runtime/redis/redis-store.ts'
import { HAS_REDIS, type RedisServer, startRedisServer } from '../../support/redis-server.ts'

const settingsFor = (port: number, more: Partial<RedisSettings> = {}): RedisSettings => ({
  host: '127.0.0.1',
  port,
  timeout: 1000,
  database: 0,
  ssl: false,
  ssl_verify: false,
  ...more,
})

let unique = 0
/** A counter no other case uses, ending a minute from now. */
const counter = (limit: number): LimitedCounter => ({ key: `test:${process.pid}:${++unique}`, owner: 'test', limit, expiresAt: Date.now() + 60_000 })
/** A counter no test counts. */
const never = (key: string) => ({ key, owner: 'test' })

const opened: RedisStores[] = []
function stores(lines?: string[]): RedisStores {
  const made = createRedisStores()
  if (lines) made.logTo(createLogger('debug', (line) => void lines.push(line)))
  opened.push(made)
  return made
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((made) => made.close()))
})

/** Calls `attempt` until it resolves: a client reconnects on its own schedule (capped at 2 s). */
async function eventually<T>(attempt: () => Promise<T>, tries = 100): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt()
    } catch (error) {
      if (i >= tries) throw error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

describe.skipIf(!HAS_REDIS)('redis store', () => {
  let redis: RedisServer
  beforeAll(async () => {
    redis = await startRedisServer()
  })
  afterAll(() => redis?.stop())

  it('take: the counts before, and the cost added to every counter until one reaches its limit', async () => {
    const store = stores().redis(settingsFor(redis.port))
    const minute = counter(3)
    const hour = counter(10)
    expect(await store.take([minute, hour], 1)).toEqual({ counts: [0, 0], taken: true })
    expect(await store.take([minute, hour], 2)).toEqual({ counts: [1, 1], taken: true })
    // The minute is at its limit: nothing is added to either.
    expect(await store.take([minute, hour], 1)).toEqual({ counts: [3, 3], taken: false })
    expect(await store.read([minute, hour, never('test:never')])).toEqual([3, 3, 0])
  })

  it('take is atomic: calls racing over two connections get exactly the limit between them', async () => {
    const settings = settingsFor(redis.port)
    const first = stores().redis(settings)
    const second = stores().redis(settings)
    const limited = counter(25)
    const results = await Promise.all(Array.from({ length: 80 }, (_, i) => (i % 2 ? first : second).take([limited], 1)))
    expect(results.filter((result) => result.taken)).toHaveLength(25)
    expect(await first.read([limited])).toEqual([25])
  })

  it('a new counter lives until its expiresAt; counting again does not extend it', async () => {
    const store = stores().redis(settingsFor(redis.port))
    const limited = { ...counter(5), expiresAt: Date.now() + 30_000 }
    await store.take([limited], 1)
    const ttl = Number(await redis.command(['PTTL', limited.key]))
    expect(ttl).toBeGreaterThan(20_000)
    expect(ttl).toBeLessThanOrEqual(30_000)
    await store.take([{ ...limited, expiresAt: Date.now() + 300_000 }], 1)
    expect(Number(await redis.command(['PTTL', limited.key]))).toBeLessThanOrEqual(30_000)
  })

  it('a counter whose window is over is forgotten: counting starts again', async () => {
    const store = stores().redis(settingsFor(redis.port))
    const short = { ...counter(1), expiresAt: Date.now() + 50 }
    expect((await store.take([short], 1)).taken).toBe(true)
    await eventually(async () => expect(await redis.command(['EXISTS', short.key])).toBe('0'))
    expect(await store.take([short], 1)).toEqual({ counts: [0], taken: true })
  })

  it('add counts without a limit, pipelined, with the same time to live; read gives 0 for an unknown key', async () => {
    const store = stores().redis(settingsFor(redis.port))
    const a = counter(1)
    const b = counter(1)
    await store.add([a, b], 4)
    await store.add([a], 3)
    expect(await store.read([a, b, never(`${a.key}:other`)])).toEqual([7, 4, 0])
    expect(Number(await redis.command(['PTTL', b.key]))).toBeGreaterThan(50_000)
    expect(await store.read([])).toEqual([])
  })

  it('the script is sent once per connection, then by its SHA; when Redis lost it (SCRIPT FLUSH) it is sent again', async () => {
    const store = stores().redis(settingsFor(redis.port))
    await redis.command(['CONFIG', 'RESETSTAT'])
    const limited = counter(100)
    for (let i = 0; i < 3; i++) await store.take([limited], 1)
    const stats = await redis.command(['INFO', 'commandstats'])
    expect(stats).toMatch(/cmdstat_eval:calls=1,/)
    expect(stats).toMatch(/cmdstat_evalsha:calls=2,/)
    await redis.command(['SCRIPT', 'FLUSH'])
    expect(await store.take([limited], 1)).toEqual({ counts: [3], taken: true })
    expect(await store.take([limited], 1)).toEqual({ counts: [4], taken: true })
  })

  it('one connection per distinct settings, shared by everyone naming them', async () => {
    const made = stores()
    expect(made.redis(settingsFor(redis.port))).toBe(made.redis(settingsFor(redis.port)))
    expect(made.redis(settingsFor(redis.port, { database: 1 }))).not.toBe(made.redis(settingsFor(redis.port)))
  })

  it('database: counters of one database are not those of another', async () => {
    const made = stores()
    const zero = made.redis(settingsFor(redis.port))
    const three = made.redis(settingsFor(redis.port, { database: 3 }))
    const limited = counter(5)
    await three.take([limited], 2)
    expect(await three.read([limited])).toEqual([2])
    expect(await zero.read([limited])).toEqual([0])
  })

  it('Redis killed: calls fail within the timeout, one log line says so; restarted, the next call is counted again', async () => {
    const lines: string[] = []
    const store = stores(lines).redis(settingsFor(redis.port))
    const limited = counter(10)
    await store.take([limited], 1)
    await redis.kill()
    try {
      for (let i = 0; i < 3; i++) await expect(store.take([limited], 1)).rejects.toThrow()
      await new Promise((resolve) => setTimeout(resolve, 500))
      await expect(store.take([limited], 1)).rejects.toThrow()
    } finally {
      await redis.restart()
    }
    // Restarted empty (no persistence): the count starts again from 0.
    expect(await eventually(() => store.take([limited], 1))).toEqual({ counts: [0], taken: true })
    expect(await store.take([limited], 1)).toEqual({ counts: [1], taken: true })
    const logged = lines.map((line) => JSON.parse(line))
    expect(logged.filter((line) => line.msg.startsWith('redis unavailable'))).toHaveLength(1)
    expect(logged.find((line) => line.msg.startsWith('redis unavailable'))).toMatchObject({ level: 'error', redis: `127.0.0.1:${redis.port}` })
    expect(logged.at(-1)).toMatchObject({ level: 'info', msg: 'redis available again' })
  })

  it('Redis paused (holds the writes): a call fails at the timeout; resumed, the next call is counted', async () => {
    const store = stores().redis(settingsFor(redis.port, { timeout: 300 }))
    const limited = counter(10)
    await store.take([limited], 1)
    await redis.pause()
    try {
      await expect(store.take([limited], 1)).rejects.toThrow(/timed out/)
      await expect(store.add([limited], 1)).rejects.toThrow(/timed out/)
    } finally {
      await redis.resume()
    }
    // The take and the add that timed out were sent: Redis runs them when it resumes, before this one.
    const { counts, taken } = await eventually(() => store.take([limited], 1))
    expect(taken).toBe(true)
    expect(counts).toEqual([3])
    expect(await store.read([limited])).toEqual([4])
  })

  it('a take in flight when the connection drops is never sent again after the reconnection (Redis may have counted it)', async () => {
    const store = stores().redis(settingsFor(redis.port, { timeout: 3000 }))
    const limited = counter(10)
    await store.take([limited], 1)
    await redis.pause()
    const inFlight = store.take([limited], 1)
    await redis.kill()
    await redis.restart()
    // Failed when the client is back (or at the timeout), not sent.
    await expect(inFlight).rejects.toThrow()
    // Restarted empty: had the take been sent again, this one would see 1.
    expect(await eventually(() => store.take([limited], 1))).toEqual({ counts: [0], taken: true })
  })

  it('a server that is never there: calls fail, the process does not crash, reconnection backs off', async () => {
    // Accepts and closes at once: every connection attempt is counted.
    const sockets: Socket[] = []
    const refusing = createServer((socket) => {
      sockets.push(socket)
      socket.destroy()
    })
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve))
    const port = (refusing.address() as { port: number }).port
    const lines: string[] = []
    const printed = vi.spyOn(console, 'error')
    try {
      const store = stores(lines).redis(settingsFor(port))
      await expect(store.take([counter(1)], 1)).rejects.toThrow()
      await new Promise((resolve) => setTimeout(resolve, 2000))
      await expect(store.read([never('x')])).rejects.toThrow()
      // 100, 200, 400, 800 ms… between attempts: a handful in 2 s, however fast the machine.
      expect(sockets.length).toBeLessThanOrEqual(6)
      expect(lines.filter((line) => line.includes('redis unavailable'))).toHaveLength(1)
      // Every 'error' event has a listener: ioredis never prints one as unhandled (nor throws it).
      expect(printed).not.toHaveBeenCalled()
    } finally {
      printed.mockRestore()
      await new Promise((resolve) => refusing.close(resolve))
    }
  })

  it('wrong password: calls fail, and neither error nor log line holds the password', async () => {
    const guarded = await startRedisServer({ args: ['--requirepass', 'right-secret-1'] })
    const lines: string[] = []
    try {
      const made = stores(lines)
      const right = made.redis(settingsFor(guarded.port, { password: 'right-secret-1' }))
      const wrong = made.redis(settingsFor(guarded.port, { password: 'wrong-secret-2' }))
      expect(await right.take([counter(1)], 1)).toEqual({ counts: [0], taken: true })
      const error = await wrong.take([counter(1)], 1).then(
        () => undefined,
        (e: Error) => e,
      )
      expect(error).toBeInstanceOf(Error)
      expect(`${error?.message} ${error?.stack}`).not.toMatch(/secret/)
      expect(lines.join('\n')).not.toMatch(/secret/)
    } finally {
      await guarded.stop()
    }
  })

  it('username and password: an ACL user counts', async () => {
    const guarded = await startRedisServer({ args: ['--user', 'default', 'off', '--user', 'gateway', 'on', '>gateway-pass', '~*', '+@all'] })
    try {
      const made = stores()
      const store = made.redis(settingsFor(guarded.port, { username: 'gateway', password: 'gateway-pass' }))
      expect(await store.take([counter(1)], 1)).toEqual({ counts: [0], taken: true })
      await expect(made.redis(settingsFor(guarded.port, { username: 'gateway', password: 'nope' })).take([counter(1)], 1)).rejects.toThrow()
    } finally {
      await guarded.stop()
    }
  })

  it('ssl: counts over TLS; ssl_verify refuses a certificate no trusted CA signed', async () => {
    const secure = await startRedisServer({ tls: true })
    try {
      const made = stores()
      const tls = settingsFor(secure.tlsPort as number, { ssl: true, server_name: 'localhost' })
      expect(await made.redis(tls).take([counter(1)], 1)).toEqual({ counts: [0], taken: true })
      await expect(made.redis({ ...tls, ssl_verify: true }).take([counter(1)], 1)).rejects.toThrow()
      // Plain text to the TLS port is no Redis either.
      await expect(made.redis(settingsFor(secure.tlsPort as number)).take([counter(1)], 1)).rejects.toThrow()
    } finally {
      await secure.stop()
    }
  })
})
