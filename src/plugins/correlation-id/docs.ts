// What each field of the correlation-id plugin's config means, for the README's field table (`npm run docs`):
// apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import type { correlationIdSchema } from './schema.ts'

export const fieldDocs: FieldDocs<typeof correlationIdSchema> = {
  header_name: 'The request header that carries the id (found without case, `-` and `_` alike, as Kong finds it); a request that has one non-empty keeps it.',
  generator:
    '`uuid`: a random UUID per request; `uuid#counter`: one UUID per gateway instance (a Node or Deno process, a Workers isolate), `#`, its request count; `tracker`: host, port, instance, serial, time (see Kong compatibility).',
  echo_downstream: 'Every answer of the route carries the header too: the function’s and the gateway’s own.',
}
