// The `key-auth` plugin's `config`: Kong's fields, defaults and checks, in Kong's words
// (https://github.com/Kong/kong/blob/master/kong/plugins/key-auth/schema.lua).

import type { Schema, Validated } from '../../model/schema.ts'
import { checkHeaderName } from '../request-termination/schema.ts'
import { checkRealm } from '../shared/realm.ts'

export const keyAuthSchema = {
  key_names: {
    type: 'array',
    required: true,
    default: ['apikey'],
    elements: { type: 'string', check: checkHeaderName },
  },
  hide_credentials: {
    type: 'boolean',
    default: false,
    required: true,
  },
  anonymous: {
    type: 'string',
  },
  key_in_header: {
    type: 'boolean',
    default: true,
    required: true,
  },
  key_in_query: {
    type: 'boolean',
    default: true,
    required: true,
  },
  key_in_body: {
    type: 'boolean',
    default: false,
    required: true,
  },
  run_on_preflight: {
    type: 'boolean',
    default: true,
    required: true,
  },
  realm: {
    type: 'string',
    check: checkRealm,
  },
} as const satisfies Schema

export type KeyAuthConfig = Validated<typeof keyAuthSchema>
