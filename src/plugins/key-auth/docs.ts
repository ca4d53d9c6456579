// What each field of the key-auth plugin's config means, for the README's field table (`npm run docs`):
// apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import type { keyAuthSchema } from './schema.ts'

export const fieldDocs: FieldDocs<typeof keyAuthSchema> = {
  key_names: 'Header, query argument or body field names that carry the key, tried in order.',
  hide_credentials: 'Remove the key (header, query argument, body field) before the function sees the request.',
  anonymous: 'Consumer (id or username) a request without a valid key becomes, instead of a 401.',
  key_in_header: 'Look for the key in the headers.',
  key_in_query: 'Look for the key in the query.',
  key_in_body: 'Look for the key in a form, JSON or multipart body.',
  run_on_preflight: '`false`: `OPTIONS` requests pass without a key.',
  realm: '`WWW-Authenticate: Key realm="<realm>"` on 401s (else `Key`).',
}
