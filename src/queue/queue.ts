// Kong's queue (https://github.com/Kong/kong/blob/master/kong/tools/queue.lua): entries wait in
// a bounded queue and are handed to `send` in batches, one batch at a time, off the request's
// path. A batch is sent once it is full or its oldest entry has waited `max_coalescing_delay`;
// a failed one is tried again after doubling delays (`initial_retry_delay`, capped by
// `max_retry_delay`) until `max_retry_time` has passed; a full queue drops its oldest entries.
//
// No loop outlives the requests: the request whose entry makes a batch ready sends it, and the
// one that finds no wait pending starts it, each returning that work as its log phase's (kept
// alive past the answer on Workers, where one request's work can neither wake nor be awaited by
// another's). Work whose request ended before it finished (Workers' limit after the answer) is
// taken over once overdue.

import { describeError, type Logger } from '../log.ts'
import type { QueueSettings } from './schema.ts'

export interface Queue<T> {
  /** Queues `entry`; returns the sending or waiting this call started (never rejects), else undefined. */
  add(entry: T): Promise<void> | undefined
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
  /** The longest one `send` takes (its timeout): beyond it and the retries, sending is overdue. */
  sendTimeoutMs: number
}

/** Kong's threshold for its "queue at 80% capacity" warning. */
const WARNING_SHARE = 0.8
/** How late a wait or a batch may be before another request takes its work over. */
const GRACE_MS = 5000

interface Waiting<T> {
  entry: T
  at: number
  size: number
}

export function createQueue<T>(settings: QueueSettings, send: (batch: T[]) => Promise<void>, options: QueueOptions<T>): Queue<T> {
  const { name, log } = options
  const maxBytes = settings.max_bytes
  const delayMs = settings.max_coalescing_delay * 1000
  const batchMs = (settings.max_retry_time + settings.max_retry_delay) * 1000 + options.sendTimeoutMs
  const entries: Waiting<T>[] = []
  let bytes = 0
  let dropped = 0
  let warned = false
  let dropping = false
  /** Until when the batch being sent may take. */
  let sendingUntil: number | undefined
  /** When the pending wait ends. */
  let waitingUntil: number | undefined

  const problem = (message: string) => log.error(`queue ${name}: ${message}`)
  const ready = () => entries.length >= settings.max_batch_size || (entries.length > 0 && Date.now() - entries[0].at >= delayMs)
  /** Whether `until` is pending; overdue work (its request ended) is given up on. */
  const pending = (until: number | undefined) => until !== undefined && Date.now() <= until + GRACE_MS

  function dropOldest(): void {
    bytes -= entries.shift()?.size ?? 0
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

  /** Sends the ready batches one after the other, then waits for the rest, unless another call is sending. */
  async function drain(): Promise<void> {
    if (pending(sendingUntil)) return
    try {
      while (ready()) {
        sendingUntil = Date.now() + batchMs
        const batch = entries.splice(0, settings.max_batch_size)
        for (const waiting of batch) bytes -= waiting.size
        if (dropping) {
          log.info(`queue ${name}: queue resumed processing`)
          dropping = false
        }
        await deliver(batch.map((waiting) => waiting.entry))
      }
    } finally {
      sendingUntil = undefined
    }
    await wait()
  }

  /** Until the oldest entry has waited `max_coalescing_delay`, then drains; undefined when a wait is pending or nothing waits. */
  function wait(): Promise<void> | undefined {
    if (entries.length === 0 || pending(waitingUntil)) return undefined
    const until = entries[0].at + delayMs
    waitingUntil = until
    return sleep(Math.max(0, until - Date.now())).then(() => {
      if (waitingUntil === until) waitingUntil = undefined
      return drain()
    })
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
      const size = maxBytes === undefined ? 0 : (options.bytes?.(entry) ?? 0)
      if (maxBytes !== undefined && size > maxBytes) {
        dropped++
        problem(`string to be queued is longer (${size} bytes) than the queue's max_bytes (${maxBytes} bytes)`)
        return undefined
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
      entries.push({ entry, at: Date.now(), size })
      bytes += size
      return ready() && !pending(sendingUntil) ? drain() : wait()
    },
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
