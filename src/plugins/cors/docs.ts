// What each field of the cors plugin's config means, for the README's field table (`npm run docs`):
// apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import type { corsSchema } from './schema.ts'

export const fieldDocs: FieldDocs<typeof corsSchema> = {
  origins:
    'Allowed origins: `*`, origins (`https://example.com`, `https://example.com:8443`) or regexes (RE2 syntax, matched against the whole origin, or against its host when the regex has no `:`); none, or only `*`: any origin.',
  headers: "`Access-Control-Allow-Headers` of preflight answers; without it, the request's `Access-Control-Request-Headers`.",
  exposed_headers: '`Access-Control-Expose-Headers` of the other answers.',
  methods: '`Access-Control-Allow-Methods` of preflight answers.',
  max_age: '`Access-Control-Max-Age` of preflight answers, in seconds.',
  credentials: "Send `Access-Control-Allow-Credentials: true` (with `*` origins, the request's origin is allowed instead of `*`).",
  private_network: 'Answer a preflight with `Access-Control-Request-Private-Network: true` with `Access-Control-Allow-Private-Network: true`.',
  preflight_continue: 'Pass preflight requests on (to the function) instead of answering them, and add no CORS header to their answer.',
  allow_origin_absent: 'Add the CORS headers to answers to requests without an `Origin` too.',
}
