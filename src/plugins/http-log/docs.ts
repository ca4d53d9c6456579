// What each field of the http-log plugin's config means, for the README's field table (`npm run docs`):
// apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import { queueFieldDocs } from '../../queue/docs.ts'
import type { httpLogSchema } from './schema.ts'

export const fieldDocs = {
  http_endpoint: 'Where entries are sent (http or https); user info in it is sent as Basic credentials.',
  method: 'The request method.',
  content_type: 'The Content-Type of what is sent (always JSON).',
  timeout: 'Milliseconds a send may take before it fails (and is retried).',
  keepalive: 'Idle connections are pooled by the runtime for its own time.',
  retry_count: 'Deprecated by Kong, does nothing: set `queue.max_retry_time`.',
  queue_size: 'Deprecated: `queue.max_batch_size` (used when not 1).',
  flush_timeout: 'Deprecated: `queue.max_coalescing_delay` in seconds (used when not 2).',
  headers: 'Headers sent with every batch (not Host, Content-Length, Content-Type).',
  ...queueFieldDocs(),
  custom_fields_by_lua: 'Refused unless empty: lambda-gateway runs no Lua.',
} as FieldDocs<typeof httpLogSchema>
