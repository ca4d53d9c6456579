// The `ip-restriction` plugin's `config`: Kong's fields and checks, in Kong's words
// (https://github.com/Kong/kong/blob/master/kong/plugins/ip-restriction/schema.lua).

import { checkIpOrCidr } from '../../http/ip.ts'
import type { Schema, Validated } from '../../model/schema.ts'

const address = { type: 'string', check: checkIpOrCidr } as const

export const ipRestrictionSchema = {
  allow: { type: 'array', elements: address },
  deny: { type: 'array', elements: address },
  status: { type: 'number' },
  message: { type: 'string' },
} as const satisfies Schema

export type IpRestrictionConfig = Validated<typeof ipRestrictionSchema>
