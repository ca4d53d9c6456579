// What each field of the jwt plugin's config means, for the README's field table (`npm run docs`):
// apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import type { jwtSchema } from './schema.ts'

export const fieldDocs: FieldDocs<typeof jwtSchema> = {
  uri_param_names: 'Query arguments holding a token.',
  cookie_names: 'Cookies holding a token.',
  header_names: 'Headers holding `Bearer <token>` (a name with `_` also finds the header written with `-`).',
  key_claim_name: 'Claim (else header field) naming the jwt_secret `key`.',
  secret_is_base64: 'HS* secrets are base64url-encoded.',
  claims_to_verify: 'Registered claims checked.',
  maximum_expiration: 'Longest `exp` allowed, in seconds from now (0: any).',
  anonymous: 'Consumer (id or username) of a request not authenticated.',
  run_on_preflight: 'Authenticate OPTIONS requests too.',
  realm: '`realm` of WWW-Authenticate.',
}
