// What each field of the ip-restriction plugin's config means, for the README's field table (`npm run docs`):
// apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import type { ipRestrictionSchema } from './schema.ts'

export const fieldDocs: FieldDocs<typeof ipRestrictionSchema> = {
  allow: 'Addresses and CIDR ranges allowed (IPv4, IPv6).',
  deny: 'Addresses and CIDR ranges refused, checked first.',
  status: 'Status of a refusal (400–599; default 403).',
  message: 'Message of a refusal (default `IP address not allowed: <address>`).',
}
