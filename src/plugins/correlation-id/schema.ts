// The `correlation-id` plugin's `config`, as Kong's kong/plugins/correlation-id/schema.lua has it
// (https://github.com/Kong/kong/blob/master/kong/plugins/correlation-id/schema.lua).

import type { Schema, Validated } from '../../model/schema.ts'

export const correlationIdSchema = {
  header_name: {
    type: 'string',
    default: 'Kong-Request-ID',
    doc: 'The request header that carries the id; a request that has one non-empty keeps it.',
  },
  generator: {
    type: 'string',
    default: 'uuid#counter',
    required: true,
    oneOf: ['uuid', 'uuid#counter', 'tracker'],
    doc: '`uuid`: a random UUID per request; `uuid#counter`: one UUID per gateway instance (a Node or Deno process, a Workers isolate), `#`, its request count; `tracker`: host, port, instance, serial, time (see Kong compatibility).',
  },
  echo_downstream: {
    type: 'boolean',
    default: false,
    required: true,
    doc: 'Every answer of the route carries the header too: the function’s and the gateway’s own.',
  },
} as const satisfies Schema

export type CorrelationIdConfig = Validated<typeof correlationIdSchema>
