// The `name:value` entries of Kong's request-transformer and response-transformer configs, read
// as both plugins read them (Lua's `^([^:]+):*(.-)$`): the name runs to the first colon, the
// value starts after the colons that follow it (`h2:value:2` is `h2` → `value:2`). The schema
// checks are Kong's, in Kong's words.

import { invalidCharacter, isFieldName, unsendableText, unsendableValue } from '../../http/field-syntax.ts'
import { utf8Field } from '../../http/field-text.ts'
import { type ConfigProblem, joinPath } from '../../model/validate.ts'

export interface ColonEntry {
  name: string
  /** Empty when the entry has none (`name`, `name:`). */
  value: string
}

/** The entry's name and value; undefined when it has no name (it starts with a colon). */
export function splitEntry(entry: string): ColonEntry | undefined {
  const match = /^([^:]+):*(.*)$/s.exec(entry)
  return match ? { name: match[1], value: match[2] } : undefined
}

/** kong.tools.http's validate_header_name. */
function isHeaderName(name: string): boolean {
  return /^[a-zA-Z0-9-_]+$/.test(name)
}

/** The schemas' `match = "^[^:]+:.*$"`: the entry must have a colon after a name. */
export function checkHasColon(entry: string): string | undefined {
  return /^[^:]+:/.test(entry) ? undefined : `invalid value: ${entry}`
}

/** Kong's validate_headers: the entry's name must be a header name (and, for a rename, its value too). */
export function checkHeaderEntry(entry: string, valueIsHeader = false): string | undefined {
  const parts = splitEntry(entry)
  if (parts === undefined || !isHeaderName(parts.name)) return `'${parts?.name ?? 'nil'}' is not a valid header`
  if (valueIsHeader && !isHeaderName(parts.value)) return `'${parts.value}' is not a valid header`
  return undefined
}

/** request-transformer's check_for_value: a query or body entry must have a value. */
export function checkHasValue(entry: string): string | undefined {
  const parts = splitEntry(entry)
  if (parts === undefined) return `invalid value: ${entry}`
  return parts.value === '' ? `key '${parts.name}' has no value` : undefined
}

/**
 * What Kong's schemas take but no HTTP server can send (a name that is not an RFC 9110 token, a
 * value with control or, unless `utf8`, non-Latin-1 characters): said at load, naming the field,
 * instead of failing every request. `lists` maps each field (`add.headers`) to its entries;
 * `utf8`: their values are sent as UTF-8 (utf8Entries).
 */
export function unsendableHeaders(lists: Record<string, readonly string[]>, path: string, utf8 = false): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  const unsendable = utf8 ? unsendableText : unsendableValue
  for (const [field, list] of Object.entries(lists)) {
    list.forEach((entry, i) => {
      const parts = splitEntry(entry)
      const at = joinPath(joinPath(path, field), i)
      // The problem names the character, never the text: a header value may be a secret (a token
      // rendered from a decK template).
      if (parts && !isFieldName(parts.name)) {
        problems.push({ path: at, message: `the header name cannot be sent: ${invalidCharacter(parts.name, isFieldName)}` })
        return
      }
      const why = parts && unsendable(parts.value)
      if (why) problems.push({ path: at, message: why })
    })
  }
  return problems
}

/** The entries with their values as a header carries text: its UTF-8 bytes, as Kong sends a configured value. */
export function utf8Entries(list: readonly string[]): string[] {
  return list.map((entry) => {
    const parts = splitEntry(entry)
    return parts ? `${parts.name}:${utf8Field(parts.value)}` : entry
  })
}
