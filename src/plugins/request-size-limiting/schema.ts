// The `request-size-limiting` plugin's `config`: Kong's fields, defaults and checks
// (https://github.com/Kong/kong/blob/master/kong/plugins/request-size-limiting/schema.lua).

import type { Schema, Validated } from '../../model/schema.ts'

/** Bytes per unit, as Kong counts them (a kilobyte is 1024 bytes). */
export const UNIT_BYTES = { megabytes: 1048576, kilobytes: 1024, bytes: 1 } as const

export const requestSizeLimitingSchema = {
  allowed_payload_size: {
    type: 'integer',
    default: 128,
  },
  size_unit: {
    type: 'string',
    default: 'megabytes',
    required: true,
    oneOf: ['megabytes', 'kilobytes', 'bytes'],
  },
  require_content_length: {
    type: 'boolean',
    default: false,
    required: true,
  },
} as const satisfies Schema

export type RequestSizeLimitingConfig = Validated<typeof requestSizeLimitingSchema>
