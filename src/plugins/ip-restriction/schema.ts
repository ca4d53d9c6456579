// The `ip-restriction` plugin's `config`: Kong's fields and checks, in Kong's words
// (https://github.com/Kong/kong/blob/master/kong/plugins/ip-restriction/schema.lua).

import { checkIpOrCidr } from '../../http/ip.ts'
import type { Schema, Validated } from '../../model/schema.ts'

const address = { type: 'string', check: checkIpOrCidr, doc: 'An IP address or CIDR range.' } as const

export const ipRestrictionSchema = {
  allow: { type: 'array', elements: address, doc: 'Addresses and CIDR ranges allowed (IPv4, IPv6).' },
  deny: { type: 'array', elements: address, doc: 'Addresses and CIDR ranges refused, checked first.' },
  status: { type: 'number', doc: 'Status of a refusal (400–599; default 403).' },
  message: { type: 'string', doc: 'Message of a refusal (default `IP address not allowed: <address>`).' },
} as const satisfies Schema

export type IpRestrictionConfig = Validated<typeof ipRestrictionSchema>
