// The `correlation-id` plugin's `config`, as Kong's kong/plugins/correlation-id/schema.lua has it
// (https://github.com/Kong/kong/blob/master/kong/plugins/correlation-id/schema.lua).

import type { Schema, Validated } from '../../model/schema.ts'

export const correlationIdSchema = {
  header_name: {
    type: 'string',
    default: 'Kong-Request-ID',
  },
  generator: {
    type: 'string',
    default: 'uuid#counter',
    required: true,
    oneOf: ['uuid', 'uuid#counter', 'tracker'],
  },
  echo_downstream: {
    type: 'boolean',
    default: false,
    required: true,
  },
} as const satisfies Schema

export type CorrelationIdConfig = Validated<typeof correlationIdSchema>
