// response-transformer's operations on a JSON answer body, as Kong's body_transformer.lua does
// them on the table cjson decodes: remove, rename (when present), replace (when present and not
// false), add (when absent or false), append; each value written as Kong writes it (json_value:
// cjson's escaping kept but for `"` and `/`, then cast by `json_types`).

import { splitEntry } from '../shared/colon-entries.ts'
import { appendValue, luaTable, luaTruthy } from '../shared/lua-table.ts'
import type { ResponseTransformerConfig } from './schema.ts'

type Operation = 'replace' | 'add' | 'append'

/** The new body text, or why Kong leaves the body as it is. */
export function transformJsonBody(body: string, config: ResponseTransformerConfig): { body: string } | { failed: string } {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return { failed: 'failed parsing json body' }
  }
  const table = luaTable(json)
  // Kong indexes a JSON string, number, boolean or null as a table and fails (a Lua error): left alone here.
  if (table === undefined) return { failed: 'the json body is not an object or an array' }
  for (const entry of config.remove.json) {
    const name = splitEntry(entry)?.name
    if (name !== undefined) table.delete(name)
  }
  for (const entry of config.rename.json) {
    const { name, value: to } = splitEntry(entry) ?? { name: '', value: '' }
    const value = table.get(name)
    if (value === undefined || to === '') continue
    table.set(to, value)
    table.delete(name)
  }
  for (const [name, value] of typedValues(config, 'replace')) if (luaTruthy(table.get(name))) table.set(name, value)
  for (const [name, value] of typedValues(config, 'add')) if (!luaTruthy(table.get(name))) table.set(name, value)
  for (const [name, value] of typedValues(config, 'append')) table.set(name, appendValue(table.get(name), value))
  return { body: JSON.stringify(json) }
}

/** The entries of an operation with their values as Kong writes them; one without a value (or that is not a number) is skipped. */
function* typedValues(config: ResponseTransformerConfig, operation: Operation): Generator<[string, unknown]> {
  const { json, json_types: types } = config[operation]
  for (const [i, entry] of json.entries()) {
    const parts = splitEntry(entry)
    if (parts === undefined || parts.value === '') continue
    const value = castValue(jsonValue(parts.value), types[i])
    if (value !== undefined) yield [parts.name, value]
  }
}

/** body_transformer's json_value: cjson's escaping of the text, without its quotes, then `\"` and `\/` unescaped. */
export function jsonValue(text: string): string {
  return cjsonEscape(text).replaceAll('\\"', '"').replaceAll('\\/', '/')
}

/** What lua-cjson writes inside a string's quotes. */
function cjsonEscape(text: string): string {
  return text.replace(/["\\/\u0000-\u001f\u007f]/g, (char) => {
    const named: Record<string, string> = { '"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' }
    return named[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
}

/** cast_value: Lua's tonumber (undefined when it is not a number), `"true"` as true and anything else as false, or the text. */
function castValue(text: string, type: string | undefined): unknown {
  if (type === 'number') return luaNumber(text)
  if (type === 'boolean') return text === 'true'
  return text
}

function luaNumber(text: string): number | undefined {
  const trimmed = text.trim()
  let value: number
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(trimmed)) value = (trimmed.startsWith('-') ? -1 : 1) * Number.parseInt(trimmed.replace(/^[+-]?0[xX]/, ''), 16)
  else if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) value = Number(trimmed)
  else return undefined
  // cjson refuses to write an infinite number (the whole body is then left alone): taken as no number.
  return Number.isFinite(value) ? value : undefined
}
