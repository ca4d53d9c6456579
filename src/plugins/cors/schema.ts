// The `cors` plugin's `config`: Kong's fields, defaults and checks, in Kong's words
// (https://github.com/Kong/kong/blob/master/kong/plugins/cors/schema.lua).

import type { Schema, Validated } from '../../model/schema.ts'
import { originRegexProblem } from './origin-regex.ts'

export const CORS_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'] as const

/** Kong's validate_asterisk_or_regex; the regex is RE2's here (see origin-regex.ts). */
function checkOrigin(value: string): string | undefined {
  return value === '*' ? undefined : originRegexProblem(value)
}

export const corsSchema = {
  origins: {
    type: 'array',
    elements: { type: 'string', check: checkOrigin },
  },
  headers: {
    type: 'array',
    elements: { type: 'string' },
  },
  exposed_headers: {
    type: 'array',
    elements: { type: 'string' },
  },
  methods: {
    type: 'array',
    default: CORS_METHODS,
    elements: { type: 'string', oneOf: CORS_METHODS },
  },
  max_age: {
    type: 'number',
  },
  credentials: {
    type: 'boolean',
    default: false,
    required: true,
  },
  private_network: {
    type: 'boolean',
    default: false,
    required: true,
  },
  preflight_continue: {
    type: 'boolean',
    default: false,
    required: true,
  },
  allow_origin_absent: {
    type: 'boolean',
    default: true,
    required: true,
  },
} as const satisfies Schema

export type CorsConfig = Validated<typeof corsSchema>
