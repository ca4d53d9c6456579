// Kong's argument parsing (docs/aws-lambda-plugin.md#argument-parsing): query strings and form bodies
// decode `+` and percent-escapes, a repeated key becomes an array, a key without `=` is `true`.
// JSON bodies count when they are an object or an array; multipart fields map to their text.

import { type Bytes, bytesToText } from '../../encoding/base64.ts'

export type ArgValue = string | true | Array<string | true>
export type Args = Record<string, ArgValue>

export function parseArgs(query: string): Args {
  const args = new Map<string, ArgValue>()
  for (const [key, value] of parseQueryPairs(query)) addRepeatable(args, key, value)
  // fromEntries defines own properties, so a `__proto__` key stays an ordinary key.
  return Object.fromEntries(args)
}

/** The decoded key/value pairs of a query string, in order; a key without `=` has the value `true`. */
export function parseQueryPairs(query: string): Array<[string, string | true]> {
  const pairs: Array<[string, string | true]> = []
  for (const pair of query.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const key = decodeComponent(eq === -1 ? pair : pair.slice(0, eq))
    if (key !== '') pairs.push([key, eq === -1 ? true : decodeComponent(pair.slice(eq + 1))])
  }
  return pairs
}

/** A key seen once maps to its value; a repeated key to the list of its values. */
function addRepeatable<T>(map: Map<string, T | T[]>, key: string, value: T): void {
  const previous = map.get(key)
  if (previous === undefined) map.set(key, value)
  else if (Array.isArray(previous)) previous.push(value)
  else map.set(key, [previous, value])
}

function decodeComponent(text: string): string {
  const spaced = text.replaceAll('+', ' ')
  try {
    return decodeURIComponent(spaced)
  } catch {
    // Kong leaves malformed escapes as they are and still decodes the others; runs of
    // escapes are decoded together so that multi-byte characters survive.
    return spaced.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run)
      } catch {
        return run
      }
    })
  }
}

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
  const type = contentType?.toLowerCase() ?? ''
  const kind = type.startsWith('application/x-www-form-urlencoded')
    ? 'form'
    : type.startsWith('application/json')
      ? 'json'
      : type.startsWith('multipart/form-data')
        ? 'multipart'
        : undefined
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
