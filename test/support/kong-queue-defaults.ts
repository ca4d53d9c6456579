// The `queue` record Kong's schema gives a plugin that sets none (kong/db/schema/typedefs.lua,
// `queue`), as its specs expect it.

import type { QueueSettings } from '../../src/queue/schema.ts'

export const KONG_QUEUE_DEFAULTS: QueueSettings = {
  max_batch_size: 1,
  max_coalescing_delay: 1,
  max_entries: 10000,
  max_retry_time: 60,
  initial_retry_delay: 0.01,
  max_retry_delay: 60,
  concurrency_limit: 1,
}
