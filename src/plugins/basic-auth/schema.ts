// The `basic-auth` plugin's `config`: Kong's fields, defaults and checks, in Kong's words
// (https://github.com/Kong/kong/blob/master/kong/plugins/basic-auth/schema.lua).

import type { Schema, Validated } from '../../model/schema.ts'
import { checkRealm } from '../shared/realm.ts'

export const basicAuthSchema = {
  anonymous: {
    type: 'string',
  },
  hide_credentials: {
    type: 'boolean',
    default: false,
    required: true,
  },
  realm: {
    type: 'string',
    required: true,
    default: 'service',
    check: checkRealm,
  },
} as const satisfies Schema

export type BasicAuthConfig = Validated<typeof basicAuthSchema>
