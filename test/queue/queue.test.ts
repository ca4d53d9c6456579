// Kong's queue (kong/tools/queue.lua, spec/01-unit/27-queue_spec.lua): batches up to
// max_batch_size after waiting max_coalescing_delay, one at a time; a failing batch retried
// with doubling delays until max_retry_time; a full queue (max_entries, max_bytes) dropping its
// oldest entries, counted and logged; concurrency_limit -1 sending each entry on its own.

import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLogger } from '../../src/log.ts'
import { createQueue } from '../../src/queue/queue.ts'
import type { QueueSettings } from '../../src/queue/schema.ts'
import { KONG_QUEUE_DEFAULTS } from '../support/kong-queue-defaults.ts'

function setup(settings: Partial<QueueSettings>, send: (batch: string[]) => Promise<void> = async () => {}) {
  const lines: Array<Record<string, unknown>> = []
  const log = createLogger('debug', (line) => lines.push(JSON.parse(line)))
  const batches: string[][] = []
  const queue = createQueue<string>(
    { ...KONG_QUEUE_DEFAULTS, ...settings },
    async (batch) => {
      batches.push([...batch])
      await send(batch)
    },
    { name: 'test', log, bytes: (entry) => entry.length, sendTimeoutMs: 1000 },
  )
  return { queue, batches, lines }
}

/** A send that ends only once released. */
function holdUntilReleased(): { held: Promise<void>; release: () => void } {
  let release = () => {}
  const held = new Promise<void>((resolve) => {
    release = resolve
  })
  return { held, release }
}

describe("Kong's queue", () => {
  it('sends entries one by one with max_batch_size 1: the call that starts sending returns that work, which sends all that came meanwhile', async () => {
    const { queue, batches } = setup({})
    const sending = queue.add('a')
    expect(sending).toBeInstanceOf(Promise)
    queue.add('b')
    queue.add('c')
    await sending
    expect(batches).toEqual([['a'], ['b'], ['c']])
    expect(queue.size).toBe(0)
  })

  it('gathers entries up to max_batch_size: the call that fills a batch sends it, without waiting out the delay', async () => {
    const { queue, batches } = setup({ max_batch_size: 3, max_coalescing_delay: 3600 })
    // The first starts the wait (its work on Workers); the second joins it.
    expect(queue.add('a')).toBeInstanceOf(Promise)
    expect(queue.add('b')).toBeUndefined()
    await queue.add('c')
    queue.add('d')
    queue.add('e')
    await queue.add('f')
    expect(batches).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
    ])
  })

  it('sends a batch that is not full once max_coalescing_delay has passed since it began', async () => {
    const { queue, batches } = setup({ max_batch_size: 10, max_coalescing_delay: 0.05 })
    await Promise.all([queue.add('a'), queue.add('b')])
    expect(batches).toEqual([['a', 'b']])
  })

  it('retries a failing batch with doubling delays, capped by max_retry_delay, until it is sent', async () => {
    const times: number[] = []
    let failures = 4
    const { queue, batches, lines } = setup({ initial_retry_delay: 0.02, max_retry_delay: 0.06 }, async () => {
      times.push(performance.now())
      if (failures-- > 0) throw new Error('collector down')
    })
    await queue.add('a')
    expect(batches).toHaveLength(5)
    const gaps = times.slice(1).map((time, i) => time - times[i])
    // Timers may fire a little early by rounding: lower bounds with 2 ms to spare, no upper bounds.
    for (const [i, least] of [20, 40, 60, 60].entries()) expect(gaps[i]).toBeGreaterThanOrEqual(least - 2)
    expect(lines.filter((l) => l.msg === 'queue test: handler could not process entries')).toHaveLength(4)
    expect(lines[0].error).toBe('collector down')
    expect(queue.dropped).toBe(0)
  })

  it('gives a batch up once max_retry_time has passed, counting and logging its entries as lost', async () => {
    const { queue, batches, lines } = setup({ max_batch_size: 2, max_coalescing_delay: 3600, max_retry_time: 0.05, initial_retry_delay: 0.01 }, async () => {
      throw new Error('collector down')
    })
    queue.add('a')
    await queue.add('b')
    expect(batches.length).toBeGreaterThan(1)
    expect(queue.dropped).toBe(2)
    expect(lines.at(-1)).toMatchObject({ level: 'error', msg: 'queue test: could not send entries due to max_retry_time exceeded. 2 queue entries were lost' })
  })

  it('does not retry with max_retry_time -1', async () => {
    const { queue, batches } = setup({ max_retry_time: -1 }, async () => {
      throw new Error('collector down')
    })
    await queue.add('a')
    expect(batches).toHaveLength(1)
    expect(queue.dropped).toBe(1)
  })

  it('drops the oldest entries when max_entries are waiting, warning at 80% and saying when it resumes', async () => {
    const { held, release } = holdUntilReleased()
    const { queue, batches, lines } = setup({ max_entries: 5, max_coalescing_delay: 0 }, (batch) => (batch[0] === 'first' ? held : Promise.resolve()))
    const sent = [queue.add('first')]
    for (const entry of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) sent.push(queue.add(entry))
    expect(queue.size).toBe(5)
    expect(queue.dropped).toBe(2)
    release()
    await Promise.all(sent)
    expect(batches.flat()).toEqual(['first', 'c', 'd', 'e', 'f', 'g'])
    const messages = lines.map((l) => l.msg)
    expect(messages).toContain('queue test: queue at 80% capacity')
    expect(messages).toContain('queue test: queue full, dropping old entries until processing is successful again')
    expect(messages).toContain('queue test: queue resumed processing')
  })

  it('keeps max_bytes waiting: the oldest entries make room, an entry larger than all of it is refused', async () => {
    const { held, release } = holdUntilReleased()
    const { queue, batches, lines } = setup({ max_bytes: 10, max_coalescing_delay: 0 }, (batch) => (batch[0] === 'first' ? held : Promise.resolve()))
    const sent = [queue.add('first'), queue.add('aaaa'), queue.add('bbbb'), queue.add('cccc'), queue.add('x'.repeat(11))]
    expect(queue.size).toBe(2)
    release()
    await Promise.all(sent)
    expect(batches.flat()).toEqual(['first', 'bbbb', 'cccc'])
    expect(queue.dropped).toBe(2)
    const messages = lines.map((l) => l.msg)
    expect(messages).toContain('queue test: byte capacity exceeded, 1 queue entries were dropped')
    expect(messages).toContain("queue test: string to be queued is longer (11 bytes) than the queue's max_bytes (10 bytes)")
  })

  it('sends every entry at once, on its own, with concurrency_limit -1', async () => {
    const { held, release } = holdUntilReleased()
    const { queue, batches } = setup({ concurrency_limit: -1, max_batch_size: 10 }, () => held)
    const sent = [queue.add('a'), queue.add('b')]
    // Both are being sent while neither has finished: not one after the other.
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(batches).toEqual([['a'], ['b']])
    release()
    await Promise.all(sent)
  })

  it('flushes every waiting entry at once when the server closes, in batches, each tried once', async () => {
    const { queue, batches, lines } = setup({ max_batch_size: 2, max_coalescing_delay: 3600 }, async (batch) => {
      if (batch[0] === 'c') throw new Error('collector down')
    })
    for (const entry of ['a', 'b', 'c']) queue.add(entry)
    await queue.flush()
    expect(batches).toEqual([['a', 'b'], ['c']])
    expect(queue.size).toBe(0)
    expect(queue.dropped).toBe(1)
    expect(lines.at(-1)).toMatchObject({ level: 'error', msg: 'queue test: could not send entries due to max_retry_time exceeded. 1 queue entries were lost' })
  })

  describe('work whose request ended before it finished (Workers cuts it off some time after the answer)', () => {
    afterEach(() => {
      vi.useRealTimers()
    })

    it('is taken over once overdue: a send that never ends, a wait whose timer never fires', async () => {
      vi.useFakeTimers()
      const { queue, batches } = setup({}, (batch) => (batch[0] === 'a' ? new Promise<void>(() => {}) : Promise.resolve()))
      queue.add('a')
      // Sending is under way: b waits, on a timer that will never fire here.
      expect(queue.add('b')).toBeInstanceOf(Promise)
      expect(queue.size).toBe(1)
      // Overdue: the retries' budget, the send's timeout and the grace, without a timer running.
      vi.setSystemTime(Date.now() + (60 + 60) * 1000 + 1000 + 5000 + 1)
      await queue.add('c')
      expect(batches).toEqual([['a'], ['b'], ['c']])
    })
  })
})
