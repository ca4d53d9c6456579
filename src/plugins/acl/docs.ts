// What each field of the acl plugin's config means, for the README's field table (`npm run docs`):
// apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import type { aclSchema } from './schema.ts'

export const fieldDocs: FieldDocs<typeof aclSchema> = {
  allow: 'Groups allowed; one of `allow` or `deny`.',
  deny: 'Groups refused; one of `allow` or `deny`.',
  hide_groups_header: 'Send no `X-Consumer-Groups` upstream.',
  always_use_authenticated_groups: 'Check authenticated groups even for a consumer recognised by a credential.',
  include_consumer_groups: "Kong Enterprise: the consumer's consumer groups count as groups.",
}
