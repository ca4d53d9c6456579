// Kong's queue (https://github.com/Kong/kong/blob/master/kong/tools/queue.lua): entries wait in
// a bounded queue and are handed to `send` in batches, one batch at a time, off the request's
// path. A batch waits for more entries up to `max_coalescing_delay`; a failed one is tried
// again after doubling delays (`initial_retry_delay`, capped by `max_retry_delay`) until
// `max_retry_time` has passed; a full queue drops its oldest entries. What `add` returns is the
// work that delivers the entry: a runtime that ends a request's work with its answer (Workers)
// keeps it alive through the log phase.

import { describeError, type Logger } from '../log.ts'
import type { QueueSettings } from './schema.ts'

export interface Queue<T> {
  /** Queues `entry`; resolves once it was sent or given up on (never rejects). */
  add(entry: T): Promise<void>
  /** Entries given up on: dropped from a full queue, or in a batch that failed for `max_retry_time`. */
  readonly dropped: number
  /** Entries waiting. */
  readonly size: number
}

export interface QueueOptions<T> {
  /** Names the queue in log lines (the plugin and where it is configured): never a URL, which may carry credentials. */
  name: string
  log: Logger
  /** An entry's size in bytes, for `max_bytes`. */
  bytes?: (entry: T) => number
}

/** Kong's threshold for its "queue at 80% capacity" warning. */
const WARNING_SHARE = 0.8

export function createQueue<T>(settings: QueueSettings, send: (batch: T[]) => Promise<void>, options: QueueOptions<T>): Queue<T> {
  const { name, log } = options
  const maxBytes = settings.max_bytes
  const sizeOf = options.bytes ?? (() => 0)
  const entries: T[] = []
  const sizes: number[] = []
  let bytes = 0
  let dropped = 0
  let warned = false
  let dropping = false
  let running: Promise<void> | undefined
  /** Ends a batch's coalescing wait early: the batch is full. */
  let full: (() => void) | undefined

  const problem = (message: string, fields: Record<string, unknown> = {}) => log.error(`queue ${name}: ${message}`, fields)

  function dropOldest(): void {
    entries.shift()
    bytes -= sizes.shift() ?? 0
    dropped++
    dropping = true
  }

  async function deliver(batch: T[]): Promise<void> {
    const started = Date.now()
    for (let retry = 0; ; retry++) {
      try {
        await send(batch)
        return
      } catch (error) {
        log.warn(`queue ${name}: handler could not process entries`, { error: describeError(error) })
        if ((Date.now() - started) / 1000 > settings.max_retry_time) {
          dropped += batch.length
          problem(`could not send entries due to max_retry_time exceeded. ${batch.length} queue entries were lost`)
          return
        }
        await sleep(Math.min(settings.max_retry_delay, 2 ** retry * settings.initial_retry_delay) * 1000)
      }
    }
  }

  async function run(): Promise<void> {
    while (entries.length > 0) {
      if (entries.length < settings.max_batch_size && settings.max_coalescing_delay > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, settings.max_coalescing_delay * 1000)
          full = () => {
            clearTimeout(timer)
            resolve()
          }
        })
        full = undefined
      }
      const batch = entries.splice(0, settings.max_batch_size)
      for (const size of sizes.splice(0, batch.length)) bytes -= size
      if (dropping) {
        log.info(`queue ${name}: queue resumed processing`)
        dropping = false
      }
      await deliver(batch)
    }
    // In the same turn as the check above: an entry added from now on starts a new run.
    running = undefined
  }

  return {
    get dropped() {
      return dropped
    },
    get size() {
      return entries.length
    },
    add(entry) {
      // Kong's unlimited concurrency: every entry is sent at once, on its own.
      if (settings.concurrency_limit === -1) return deliver([entry])
      const size = maxBytes === undefined ? 0 : sizeOf(entry)
      if (maxBytes !== undefined && size > maxBytes) {
        dropped++
        problem(`string to be queued is longer (${size} bytes) than the queue's max_bytes (${maxBytes} bytes)`)
        return running ?? Promise.resolve()
      }
      if (entries.length >= settings.max_entries * WARNING_SHARE) {
        if (!warned) log.warn(`queue ${name}: queue at ${WARNING_SHARE * 100}% capacity`)
        warned = true
      } else {
        warned = false
      }
      if (entries.length >= settings.max_entries) {
        problem('queue full, dropping old entries until processing is successful again')
        dropOldest()
      }
      if (maxBytes !== undefined && bytes + size > maxBytes) {
        let count = 0
        for (; bytes + size > maxBytes; count++) dropOldest()
        problem(`byte capacity exceeded, ${count} queue entries were dropped`)
      }
      entries.push(entry)
      sizes.push(size)
      bytes += size
      if (entries.length >= settings.max_batch_size) full?.()
      running ??= run()
      return running
    },
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
