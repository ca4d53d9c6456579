// The `request-termination` plugin's `config`: Kong's fields, defaults and checks, in Kong's words
// (https://github.com/Kong/kong/blob/master/kong/plugins/request-termination/schema.lua).

import { unsendableValue } from '../../http/field-syntax.ts'
import type { Schema, Validated } from '../../model/schema.ts'

/** Kong's `typedefs.header_name`. */
export function checkHeaderName(value: string): string | undefined {
  return /^[a-zA-Z0-9_-]+$/.test(value) ? undefined : `bad header name '${value}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`
}

export const requestTerminationSchema = {
  status_code: {
    type: 'integer',
    default: 503,
    required: true,
    between: [100, 599],
  },
  message: {
    type: 'string',
  },
  // Sent as Content-Type on every answer: one a server cannot send would make each a 500.
  content_type: {
    type: 'string',
    check: unsendableValue,
  },
  body: {
    type: 'string',
  },
  echo: {
    type: 'boolean',
    default: false,
    required: true,
  },
  trigger: {
    type: 'string',
    check: checkHeaderName,
  },
} as const satisfies Schema

export type RequestTerminationConfig = Validated<typeof requestTerminationSchema>

/** Kong's entity checks, in its words. */
export function checkRequestTermination(config: RequestTerminationConfig): string[] {
  const { message, content_type: contentType, body, echo } = config
  // Kong counts a field only when it is a non-empty string; the schema refuses empty ones already.
  if (message !== undefined && (contentType !== undefined || body !== undefined)) return ['message cannot be used with content_type or body']
  if (contentType !== undefined && body === undefined) return ['content_type requires a body']
  if (echo && (contentType !== undefined || body !== undefined)) return ['echo cannot be used with content_type and body']
  return []
}
