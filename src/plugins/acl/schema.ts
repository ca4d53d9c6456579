// The `acl` plugin's `config`: Kong's fields, defaults and checks, in Kong's words
// (https://github.com/Kong/kong/blob/master/kong/plugins/acl/schema.lua), and Kong Enterprise's
// `include_consumer_groups`.

import type { Schema, Validated } from '../../model/schema.ts'

export const aclSchema = {
  allow: { type: 'array', elements: { type: 'string', doc: 'A group.' }, doc: 'Groups allowed; one of `allow` or `deny`.' },
  deny: { type: 'array', elements: { type: 'string', doc: 'A group.' }, doc: 'Groups refused; one of `allow` or `deny`.' },
  hide_groups_header: { type: 'boolean', default: false, required: true, doc: 'Send no `X-Consumer-Groups` upstream.' },
  always_use_authenticated_groups: {
    type: 'boolean',
    default: false,
    required: true,
    doc: 'Check authenticated groups even for a consumer recognised by a credential.',
  },
  include_consumer_groups: { type: 'boolean', default: false, required: true, doc: "Kong Enterprise: the consumer's consumer groups count as groups." },
} as const satisfies Schema

export type AclConfig = Validated<typeof aclSchema>
