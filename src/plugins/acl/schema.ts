// The `acl` plugin's `config`: Kong's fields, defaults and checks, in Kong's words
// (https://github.com/Kong/kong/blob/master/kong/plugins/acl/schema.lua), and Kong Enterprise's
// `include_consumer_groups`.

import type { Schema, Validated } from '../../model/schema.ts'

export const aclSchema = {
  allow: { type: 'array', elements: { type: 'string' } },
  deny: { type: 'array', elements: { type: 'string' } },
  hide_groups_header: { type: 'boolean', default: false, required: true },
  always_use_authenticated_groups: {
    type: 'boolean',
    default: false,
    required: true,
  },
  include_consumer_groups: { type: 'boolean', default: false, required: true },
} as const satisfies Schema

export type AclConfig = Validated<typeof aclSchema>
