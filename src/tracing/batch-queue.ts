// Kong's plugin queue (kong/tools/queue.lua, its `queue` fields) for what a plugin sends in the
// background: entries wait until a batch is full or the first has waited max_coalescing_delay,
// one batch is delivered at a time, a failed one is retried with doubling delays until
// max_retry_time, and past max_entries new entries are dropped and counted. A request only adds
// to it: the work it returns is never awaited by an answer, only kept alive (Workers' waitUntil).

export interface QueueSettings {
  max_batch_size: number
  /** Seconds. */
  max_coalescing_delay: number
  max_entries: number
  /** Seconds; negative: no retry. */
  max_retry_time: number
  initial_retry_delay: number
  max_retry_delay: number
}

const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000))

export class BatchQueue<T> {
  /** Entries dropped so far: the queue was full, or their batch failed for max_retry_time. */
  dropped = 0
  private readonly entries: T[] = []
  private draining?: Promise<void>
  /** Ends the coalescing wait early, once a batch is full. */
  private full?: () => void
  private readonly settings: QueueSettings
  private readonly deliver: (batch: T[]) => Promise<void>
  private readonly onDrop: (count: number, total: number, why: string) => void

  constructor(settings: QueueSettings, deliver: (batch: T[]) => Promise<void>, onDrop: (count: number, total: number, why: string) => void) {
    this.settings = settings
    this.deliver = deliver
    this.onDrop = onDrop
  }

  /** Queues `items`; returns the work that delivers them. */
  add(items: readonly T[]): Promise<void> {
    const room = Math.max(this.settings.max_entries - this.entries.length, 0)
    if (items.length > room) this.drop(items.length - room, 'the queue is full')
    for (let i = 0; i < Math.min(room, items.length); i++) this.entries.push(items[i])
    if (this.entries.length >= this.settings.max_batch_size) this.full?.()
    this.draining ??= this.drain()
    return this.draining
  }

  private drop(count: number, why: string): void {
    this.dropped += count
    this.onDrop(count, this.dropped, why)
  }

  private async drain(): Promise<void> {
    try {
      while (this.entries.length > 0) {
        if (this.entries.length < this.settings.max_batch_size) await this.coalesce()
        const batch = this.entries.splice(0, this.settings.max_batch_size)
        await this.send(batch)
      }
    } finally {
      this.draining = undefined
    }
  }

  private coalesce(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.settings.max_coalescing_delay * 1000)
      this.full = done
      function done() {
        clearTimeout(timer)
        resolve()
      }
    }).finally(() => {
      this.full = undefined
    })
  }

  private async send(batch: T[]): Promise<void> {
    const { max_retry_time: retryTime, initial_retry_delay: initial, max_retry_delay: maxDelay } = this.settings
    const giveUp = Date.now() + retryTime * 1000
    for (let delay = initial; ; delay = Math.min(delay * 2, maxDelay)) {
      try {
        return await this.deliver(batch)
      } catch {
        if (retryTime < 0 || Date.now() + delay * 1000 > giveUp) return this.drop(batch.length, `its batch failed for ${retryTime} s`)
        await sleep(delay)
      }
    }
  }
}
