// What each field of the response-ratelimiting plugin's config means, for the README's field table (`npm run docs`):
// apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import { policyFieldDocs } from '../../rate-limit/policy-docs.ts'
import type { responseRateLimitingSchema } from './schema.ts'

export const fieldDocs: FieldDocs<typeof responseRateLimitingSchema> = {
  header_name: 'The answer’s header that says what it costs (`video=1, image=2`); taken off the answer.',
  limit_by: 'Whom answers are counted for: `consumer` (else its credential, else the IP), `credential` (else the IP), `ip`.',
  ...policyFieldDocs,
  block_on_first_violation: 'Refuse a request with 429 before the upstream or function runs once any limit has nothing left.',
  hide_client_headers: 'Send no `X-RateLimit-*` headers to the client.',
  limits: 'Per limit name (`video`), what it allows per `second`, `minute`, `hour`, `day`, `month` and `year` (at least one).',
}
