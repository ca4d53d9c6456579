// Kong's body argument parsing (docs/aws-lambda-plugin.md#argument-parsing): form bodies as
// query strings are parsed (src/http/url-args.ts), JSON bodies count when they are an object or
// an array; multipart fields map to their text.

import { type Bytes, bytesToText } from '../../encoding/base64.ts'
import { type Args, addRepeatable, parseArgs } from '../../http/url-args.ts'

export type BodyArgs =
  | { kind: 'parsed'; args: Args | unknown[] | Record<string, unknown> }
  /** No Content-Type, or one Kong does not parse: callers may base64 the raw body. */
  | { kind: 'unsupported-type' }
  /** A parseable type whose body could not be parsed (or was too large to parse). */
  | { kind: 'invalid' }

/**
 * Parses a request body by its Content-Type. `tooLarge` bodies are never parsed, as Kong
 * never parses a body nginx spooled to disk.
 */
export async function parseBodyArgs(contentType: string | null, body: Bytes | null, tooLarge: boolean): Promise<BodyArgs> {
  const kind = bodyKind(contentType)
  if (kind === undefined) return { kind: 'unsupported-type' }
  if (tooLarge) return { kind: 'invalid' }
  const text = body === null ? '' : bytesToText(body)
  if (kind === 'form') return { kind: 'parsed', args: parseArgs(text) }
  if (kind === 'json') {
    try {
      const value: unknown = JSON.parse(text)
      return typeof value === 'object' && value !== null ? { kind: 'parsed', args: value as Record<string, unknown> } : { kind: 'invalid' }
    } catch {
      return { kind: 'invalid' }
    }
  }
  return parseMultipart(contentType!, body)
}

/** The kinds of body Kong parses, by the start of the Content-Type. */
export function bodyKind(contentType: string | null): 'form' | 'json' | 'multipart' | undefined {
  const type = contentType?.toLowerCase() ?? ''
  if (type.startsWith('application/x-www-form-urlencoded')) return 'form'
  if (type.startsWith('application/json')) return 'json'
  if (type.startsWith('multipart/form-data')) return 'multipart'
  return undefined
}

async function parseMultipart(contentType: string, body: Bytes | null): Promise<BodyArgs> {
  let form: FormData
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData()
  } catch {
    return { kind: 'invalid' }
  }
  const fields = new Map<string, string | string[]>()
  for (const [name, entry] of form) {
    // File parts count with their content, as in Kong.
    addRepeatable(fields, name, typeof entry === 'string' ? entry : await entry.text())
  }
  return { kind: 'parsed', args: Object.fromEntries(fields) }
}
