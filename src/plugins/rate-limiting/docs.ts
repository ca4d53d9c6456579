// What each field of the rate-limiting plugin's config means, for the README's field table (`npm run docs`):
// apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import { policyFieldDocs } from '../../rate-limit/policy-docs.ts'
import type { rateLimitingSchema } from './schema.ts'

export const fieldDocs: FieldDocs<typeof rateLimitingSchema> = {
  second: 'Requests allowed per second (UTC whole seconds).',
  minute: 'Requests allowed per minute.',
  hour: 'Requests allowed per hour.',
  day: 'Requests allowed per UTC day.',
  month: 'Requests allowed per calendar month (UTC).',
  year: 'Requests allowed per calendar year (UTC).',
  limit_by:
    'Whom requests are counted for: `consumer` (else its credential, else the IP), `credential`, `ip`, `service`, `header`, `path`; without one, the client IP.',
  header_name: 'The header whose value is counted for, with `limit_by: header`.',
  path: 'The path counted with `limit_by: path` (other paths are counted by IP).',
  ...policyFieldDocs,
  hide_client_headers: 'Send no `X-RateLimit-*`, `RateLimit-*` or `Retry-After` headers.',
  error_code: 'Status of a refusal.',
  error_message: 'Message of a refusal.',
  sync_rate: 'Only `-1`: every request is counted in the store at once (see README).',
}
