// The `jwt` plugin's `config`: Kong's fields, defaults and checks, in Kong's words
// (https://github.com/Kong/kong/blob/master/kong/plugins/jwt/schema.lua).

import type { Schema, Validated } from '../../model/schema.ts'
import { checkRealm } from '../shared/realm.ts'

const names = (fallback: readonly string[]) => ({ type: 'array', elements: { type: 'string' }, default: fallback }) as const

export const jwtSchema = {
  uri_param_names: names(['jwt']),
  cookie_names: names([]),
  header_names: names(['authorization']),
  key_claim_name: { type: 'string', default: 'iss' },
  secret_is_base64: { type: 'boolean', default: false, required: true },
  claims_to_verify: { type: 'array', elements: { type: 'string', oneOf: ['exp', 'nbf'] } },
  maximum_expiration: { type: 'number', default: 0, between: [0, 31536000] },
  anonymous: { type: 'string' },
  run_on_preflight: { type: 'boolean', default: true, required: true },
  realm: { type: 'string', check: checkRealm },
} as const satisfies Schema

export type JwtConfig = Validated<typeof jwtSchema>

/** Kong's entity check: a maximum expiration can only be held against a verified `exp`. */
export function checkJwtConfig(config: JwtConfig): string[] {
  if (config.maximum_expiration > 0 && !config.claims_to_verify?.includes('exp'))
    return ["failed conditional validation given value of field 'config.maximum_expiration'", 'claims_to_verify: expected to contain: exp']
  return []
}
