// What each of Kong's queue fields means, for the README's field tables of the plugins that
// have a `queue` record (`npm run docs`).

import type { FieldDocs } from '../model/schema.ts'
import type { queueFields } from './schema.ts'

const fields: FieldDocs<typeof queueFields> = {
  max_batch_size: 'Most entries sent in one request.',
  max_coalescing_delay: 'Seconds a batch waits for more entries after its first.',
  max_entries: 'Most entries waiting; when full, the oldest are dropped (logged).',
  max_bytes: 'Most bytes waiting (none: no limit); the oldest are dropped to make room.',
  max_retry_time: 'Seconds a failing batch is tried again before it is dropped (logged); -1: never again.',
  initial_retry_delay: 'Seconds before the first retry; doubled for each next one.',
  max_retry_delay: 'Most seconds between retries.',
  concurrency_limit: '`1`: one batch sent at a time; `-1`: every entry sent at once, unqueued.',
}

/** The queue field docs under `queue.` (`queue.max_batch_size`), with the record's own line. */
export function queueFieldDocs(): Record<string, string> {
  return {
    queue: "Kong's queue: entries are sent in batches off the request's path, retried with backoff.",
    ...Object.fromEntries(Object.entries(fields).map(([name, text]) => [`queue.${name}`, text])),
  }
}
