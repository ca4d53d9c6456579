// The `jwt` plugin's `config`: Kong's fields, defaults and checks, in Kong's words
// (https://github.com/Kong/kong/blob/master/kong/plugins/jwt/schema.lua).

import { invalidCharacter, isFieldValue } from '../../http/field-syntax.ts'
import type { Schema, Validated } from '../../model/schema.ts'

/** The realm goes into WWW-Authenticate: one a server cannot send is refused at load (Kong takes any). */
const checkRealm = (realm: string) => (isFieldValue(realm) ? undefined : `the header value cannot be sent: ${invalidCharacter(realm, isFieldValue)}`)

const names = (doc: string, fallback: readonly string[]) => ({ type: 'array', elements: { type: 'string', doc: '' }, default: fallback, doc }) as const

export const jwtSchema = {
  uri_param_names: names('Query arguments holding a token.', ['jwt']),
  cookie_names: names('Cookies holding a token.', []),
  header_names: names('Headers holding `Bearer <token>`.', ['authorization']),
  key_claim_name: { type: 'string', default: 'iss', doc: 'Claim (else header field) naming the jwt_secret `key`.' },
  secret_is_base64: { type: 'boolean', default: false, required: true, doc: 'HS* secrets are base64url-encoded.' },
  claims_to_verify: { type: 'array', elements: { type: 'string', oneOf: ['exp', 'nbf'], doc: '' }, doc: 'Registered claims checked.' },
  maximum_expiration: { type: 'number', default: 0, between: [0, 31536000], doc: 'Longest `exp` allowed, in seconds from now (0: any).' },
  anonymous: { type: 'string', doc: 'Consumer (id or username) of a request not authenticated.' },
  run_on_preflight: { type: 'boolean', default: true, required: true, doc: 'Authenticate OPTIONS requests too.' },
  realm: { type: 'string', check: checkRealm, doc: '`realm` of WWW-Authenticate.' },
} as const satisfies Schema

export type JwtConfig = Validated<typeof jwtSchema>

/** Kong's entity check: a maximum expiration can only be held against a verified `exp`. */
export function checkJwtConfig(config: JwtConfig): string[] {
  if (config.maximum_expiration > 0 && !config.claims_to_verify?.includes('exp'))
    return ["failed conditional validation given value of field 'config.maximum_expiration'", 'claims_to_verify: expected to contain: exp']
  return []
}
