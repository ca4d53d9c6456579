// The `redis` policy's counters on Node and Deno (Deno runs ioredis through its npm
// compatibility): one connection per distinct `redis` settings, shared by every plugin
// instance that names them. `take` is one Lua script, so the check and the count happen
// together on the server and instances sharing the server share one limit.
//
// A Redis that is down or slow makes the calls reject within `timeout` (the plugin's
// fault_tolerant decides what the client sees); the client reconnects on its own with a
// capped backoff, and its errors are logged here, never thrown at the process.

import { Redis, type RedisOptions } from 'ioredis'
import type { PreparedServer, RunningServer } from '../../cli/start.ts'
import { describeError, type Logger } from '../../log.ts'
import type { CounterKey, CounterStore, LimitedCounter, WindowCounter } from '../../rate-limit/counter-store.ts'
import type { RedisSettings } from '../../rate-limit/redis-schema.ts'

/**
 * KEYS: the counters. ARGV: the cost, then for each counter its limit and its milliseconds to
 * live. Returns whether the cost was taken, then each counter's count before. A counter that
 * did not exist gets its time to live as it is created.
 */
const TAKE_SCRIPT = `
local cost = tonumber(ARGV[1])
local reply = { 1 }
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or 0)
  reply[i + 1] = count
  if count >= tonumber(ARGV[i * 2]) then reply[1] = 0 end
end
if reply[1] == 1 then
  for i, key in ipairs(KEYS) do
    redis.call('INCRBY', key, cost)
    if reply[i + 1] == 0 then redis.call('PEXPIRE', key, ARGV[i * 2 + 1]) end
  end
end
return reply
`

/** Reconnection waits 100 ms, doubling up to 2 s, for as long as Redis stays away: never a storm. */
const MAX_RECONNECT_DELAY_MS = 2000

type TakeClient = Redis & { rateLimitTake(keyCount: number, ...args: Array<string | number>): Promise<number[]> }

/** Milliseconds until `expiresAt`, at least 1 (a TTL of 0 is refused by Redis). Relative, so the Redis host's clock does not matter. */
function timeToLive(expiresAt: number, now: number): number {
  return Math.max(1, Math.ceil(expiresAt - now))
}

export interface RedisStores {
  /** The `redis` entry of the runtime's CounterStores. */
  readonly redis: (settings: RedisSettings) => CounterStore
  /** Where connection problems are logged from now on (the logger exists once the configuration has loaded). */
  logTo(log: Logger): void
  /** Closes every connection (the server is stopping). */
  close(): Promise<void>
}

export function createRedisStores(now: () => number = Date.now): RedisStores {
  const stores = new Map<string, { client: Redis; store: CounterStore }>()
  let log: Logger | undefined

  function open(settings: RedisSettings): TakeClient {
    const client = new Redis(clientOptions(settings)) as TakeClient
    client.defineCommand('rateLimitTake', { lua: TAKE_SCRIPT })
    const where = { redis: `${settings.host}:${settings.port}`, database: settings.database }
    // One line when the connection is lost (or the first cannot be made) and one when it is
    // back, not one per reconnection attempt. 'reconnecting' follows every loss, never close().
    let up = true
    let lastError: unknown
    client.on('error', (error: unknown) => {
      lastError = error
    })
    client.on('reconnecting', () => {
      if (!up) return
      up = false
      log?.error('redis unavailable: rate limits on it fail until it is back', { ...where, error: lastError ? describeError(lastError) : 'connection closed' })
    })
    client.on('ready', () => {
      lastError = undefined
      if (up) return
      up = true
      log?.info('redis available again', where)
    })
    return client
  }

  function store(client: TakeClient): CounterStore {
    // Calls fail at once while Redis is away (no offline queue), but the first wait for the
    // first connection attempt, so that requests arriving as the gateway starts are counted.
    let firstAttempt: Promise<void> | undefined = new Promise<void>((resolve) => {
      for (const event of ['ready', 'error', 'close']) client.once(event, () => resolve())
    }).then(() => {
      firstAttempt = undefined
    })
    /** Waits for the first attempt; then a call while Redis is away fails with words an operator reads. */
    async function connected() {
      await firstAttempt
      if (client.status !== 'ready') throw new Error(`not connected to redis (${client.status}): it is down or refuses this client`)
    }
    return {
      async take(counters: readonly LimitedCounter[], cost: number) {
        await connected()
        const at = now()
        const args = counters.flatMap((counter) => [counter.limit, timeToLive(counter.expiresAt, at)])
        const [taken, ...counts] = await client.rateLimitTake(counters.length, ...counters.map((counter) => counter.key), cost, ...args)
        return { counts, taken: taken === 1 }
      },
      async add(counters: readonly WindowCounter[], amount: number) {
        await connected()
        const at = now()
        const pipeline = client.pipeline()
        // Every add sets the time to live again: it points at the same window end, and a script
        // to set it only on creation would cost more than the command.
        for (const counter of counters) pipeline.incrby(counter.key, amount).pexpire(counter.key, timeToLive(counter.expiresAt, at))
        for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error
      },
      async read(counters: readonly CounterKey[]) {
        if (counters.length === 0) return []
        await connected()
        return (await client.mget(...counters.map(({ key }) => key))).map((count) => (count === null ? 0 : Number(count)))
      },
    }
  }

  return {
    redis(settings) {
      const key = JSON.stringify(settings)
      let entry = stores.get(key)
      if (!entry) {
        const client = open(settings)
        entry = { client, store: store(client) }
        stores.set(key, entry)
      }
      return entry.store
    },
    logTo(logger) {
      log = logger
    },
    async close() {
      for (const { client } of stores.values()) client.disconnect()
      stores.clear()
    },
  }
}

/** Kong's settings as ioredis options. */
function clientOptions(settings: RedisSettings): RedisOptions {
  // Kong's timeout bounds connecting, sending and reading; 0 leaves the client's defaults
  // (ioredis fills in every option left undefined).
  const timeout = settings.timeout > 0 ? settings.timeout : undefined
  return {
    host: settings.host,
    port: settings.port,
    db: settings.database,
    username: settings.username,
    password: settings.password,
    ...(settings.ssl ? { tls: { rejectUnauthorized: settings.ssl_verify, ...(settings.server_name ? { servername: settings.server_name } : {}) } } : {}),
    connectTimeout: timeout,
    commandTimeout: timeout,
    // While Redis is away a call fails at once rather than waiting in a queue (to be counted
    // later, after its request was answered); one that was sent when the connection dropped is
    // never sent again: Redis may have counted it already.
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(100 * 2 ** (attempt - 1), MAX_RECONNECT_DELAY_MS),
  }
}

/**
 * The Node and Deno entries' server, closing the Redis connections as it closes; null (the
 * connections closed) when it could not start. Problems are logged once the configuration has
 * loaded (`prepared.log`).
 */
export async function servingWithRedis(
  stores: RedisStores,
  prepared: PreparedServer | null,
  listen: (prepared: PreparedServer) => Promise<RunningServer | null>,
): Promise<RunningServer | null> {
  if (prepared) stores.logTo(prepared.log)
  const running = prepared && (await listen(prepared))
  if (!running) {
    await stores.close()
    return null
  }
  return { ...running, close: () => running.close().finally(() => stores.close()) }
}
