// Kong's queue parameters (`typedefs.queue`, https://github.com/Kong/kong/blob/master/kong/tools/queue_schema.lua):
// the `queue` record of the plugins that send in batches (http-log, opentelemetry).

import type { Schema, Validated } from '../model/schema.ts'

export const queueFields = {
  max_batch_size: { type: 'integer', default: 1, between: [1, 1000000] },
  max_coalescing_delay: { type: 'number', default: 1, between: [0, 3600] },
  max_entries: { type: 'integer', default: 10000, between: [1, 1000000] },
  max_bytes: { type: 'integer' },
  max_retry_time: { type: 'number', default: 60 },
  initial_retry_delay: { type: 'number', default: 0.01, between: [0.001, 1000000] },
  max_retry_delay: { type: 'number', default: 60, between: [0.001, 1000000] },
  concurrency_limit: { type: 'integer', default: 1, check: (n) => (n === 1 || n === -1 ? undefined : 'expected one of: -1, 1') },
} as const satisfies Schema

/** The `queue` field of a plugin's config. */
export const queueSchema = { type: 'record', required: true, fields: queueFields } as const

export type QueueSettings = Validated<typeof queueFields>
