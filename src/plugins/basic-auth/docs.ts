// What each field of the basic-auth plugin's config means, for the README's field table (`npm run docs`):
// apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import type { basicAuthSchema } from './schema.ts'

export const fieldDocs: FieldDocs<typeof basicAuthSchema> = {
  anonymous: 'Consumer (id or username) a request without valid credentials becomes, instead of a 401.',
  hide_credentials: 'Remove the `Authorization`/`Proxy-Authorization` header read before the function sees the request.',
  realm: '`WWW-Authenticate: Basic realm="<realm>"` on 401s.',
}
