// response-transformer's header operations, in Kong's order and with Kong's conditions
// (header_transformer.lua): remove, rename, replace, add, append. As in Kong, whether a header
// is "present" is decided on the answer's headers as they came, before any operation.

import { splitEntry } from '../shared/colon-entries.ts'
import type { ResponseTransformerConfig } from './schema.ts'

/** The values of one header; Set-Cookie keeps its lines apart. */
function values(headers: Headers, name: string): string[] {
  if (name.toLowerCase() === 'set-cookie') return headers.getSetCookie()
  const value = headers.get(name)
  return value === null ? [] : [value]
}

function setAll(headers: Headers, name: string, list: readonly string[]): void {
  headers.delete(name)
  for (const value of list) headers.append(name, value)
}

/** The answer's headers after `config`'s header operations; `original` is left as it was. */
export function transformResponseHeaders(original: Headers, config: ResponseTransformerConfig): Headers {
  const headers = new Headers(original)
  const each = (list: readonly string[], apply: (name: string, value: string) => void) => {
    for (const entry of list) {
      const parts = splitEntry(entry)
      if (parts) apply(parts.name, parts.value)
    }
  }
  each(config.remove.headers, (name) => headers.delete(name))
  // An entry without a value does nothing (Kong's value is nil then).
  each(config.rename.headers, (from, to) => {
    if (!original.has(from) || to === '') return
    setAll(headers, to, values(original, from))
    headers.delete(from)
  })
  each(config.replace.headers, (name, value) => {
    if (original.has(name) && value !== '') headers.set(name, value)
  })
  each(config.add.headers, (name, value) => {
    if (!original.has(name) && value !== '') headers.set(name, value)
  })
  each(config.append.headers, (name, value) => {
    if (value !== '') headers.append(name, value)
  })
  return headers
}
