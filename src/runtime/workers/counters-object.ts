// The `cluster` policy's counters: a Durable Object holds the counters of one owner
// (src/runtime/workers/cluster-store.ts), in its SQLite storage. Storage rather than memory:
// an object is evicted when idle and restarted on deploys, and a minute's, hour's or month's
// count lost then would hand every client a fresh allowance. Each call runs without an await,
// so a take is atomic: the object handles one call at a time.

import { DurableObject } from 'cloudflare:workers'
import type { LimitedCounter, WindowCounter } from '../../rate-limit/counter-store.ts'

export class RateLimitCounters extends DurableObject {
  /** Whether the counters table exists: an object only read has none (reading makes no storage). */
  #table = false
  /** When the alarm is set for (0: not set by this instance). */
  #alarmAt = 0

  take(counters: readonly LimitedCounter[], cost: number) {
    const counts = this.read(counters.map((counter) => counter.key))
    const taken = counters.every((counter, i) => (counts[i] as number) < counter.limit)
    if (taken) this.add(counters, cost)
    return { counts, taken }
  }

  add(counters: readonly WindowCounter[], amount: number) {
    const now = Date.now()
    for (const { key, expiresAt } of counters) {
      // A row of a window that is over starts again.
      this.#sql('INSERT INTO counters VALUES(?1,?2,?3)ON CONFLICT DO UPDATE SET count=iif(expires>?4,count+?2,?2),expires=?3', key, amount, expiresAt, now)
      this.#wakeAt(expiresAt)
    }
  }

  read(keys: readonly string[]): number[] {
    const now = Date.now()
    this.#table ||= this.ctx.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE name='counters'").toArray().length > 0
    return keys.map((key) =>
      this.#table ? (this.#sql('SELECT ifnull(max(count),0)AS count FROM counters WHERE key=? AND expires>?', key, now).one().count as number) : 0,
    )
  }

  /** Forgets the windows that are over; an object left without counters deletes its storage. */
  async alarm() {
    this.#alarmAt = 0
    this.#sql('DELETE FROM counters WHERE expires<=?', Date.now())
    const next = this.#sql('SELECT min(expires)AS next FROM counters').one().next as number | null
    if (next !== null) return this.#wakeAt(next)
    this.#table = false
    await this.ctx.storage.deleteAll()
  }

  #sql(query: string, ...bindings: unknown[]) {
    if (!this.#table) this.ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS counters(key TEXT PRIMARY KEY,count,expires)')
    this.#table = true
    return this.ctx.storage.sql.exec(query, ...bindings)
  }

  // One alarm per object, moved earlier as needed; the alarm itself finds the next one. A new
  // instance (after an eviction) does not know the alarm set: its first write sets one for its
  // own window, which may be later than the one it replaces; that alarm still forgets every
  // window over by then.
  #wakeAt(at: number) {
    if (this.#alarmAt && at >= this.#alarmAt) return
    this.#alarmAt = at
    void this.ctx.storage.setAlarm(at)
  }
}
