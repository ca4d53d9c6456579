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
    doc: '`uuid`: a random UUID per request; `uuid#counter`: one UUID per gateway instance, `#`, a counter; `tracker`: address, port, instance, serial and time (see "Kong compatibility").',
  },
  echo_downstream: {
    type: 'boolean',
    default: false,
    required: true,
    doc: 'The answer carries the header too.',
  },
} as const satisfies Schema

export type CorrelationIdConfig = Validated<typeof correlationIdSchema>
