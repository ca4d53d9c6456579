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
    elements: { type: 'string', check: checkOrigin, doc: '' },
    doc: 'Allowed origins: `*`, origins (`https://example.com`, `https://example.com:8443`) or regexes (RE2 syntax, matched against the whole origin, or against its host when the regex has no `:`); none, or only `*`: any origin.',
  },
  headers: {
    type: 'array',
    elements: { type: 'string', doc: '' },
    doc: "`Access-Control-Allow-Headers` of preflight answers; without it, the request's `Access-Control-Request-Headers`.",
  },
  exposed_headers: {
    type: 'array',
    elements: { type: 'string', doc: '' },
    doc: '`Access-Control-Expose-Headers` of the other answers.',
  },
  methods: {
    type: 'array',
    default: CORS_METHODS,
    elements: { type: 'string', oneOf: CORS_METHODS, doc: '' },
    doc: '`Access-Control-Allow-Methods` of preflight answers.',
  },
  max_age: {
    type: 'number',
    doc: '`Access-Control-Max-Age` of preflight answers, in seconds.',
  },
  credentials: {
    type: 'boolean',
    default: false,
    required: true,
    doc: "Send `Access-Control-Allow-Credentials: true` (with `*` origins, the request's origin is allowed instead of `*`).",
  },
  private_network: {
    type: 'boolean',
    default: false,
    required: true,
    doc: 'Answer a preflight with `Access-Control-Request-Private-Network: true` with `Access-Control-Allow-Private-Network: true`.',
  },
  preflight_continue: {
    type: 'boolean',
    default: false,
    required: true,
    doc: 'Pass preflight requests on (to the function) instead of answering them, and add no CORS header to their answer.',
  },
  allow_origin_absent: {
    type: 'boolean',
    default: true,
    required: true,
    doc: 'Add the CORS headers to answers to requests without an `Origin` too.',
  },
} as const satisfies Schema

export type CorsConfig = Validated<typeof corsSchema>
