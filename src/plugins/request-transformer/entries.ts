// request-transformer's operations on a table (the query, a form or JSON body), in Kong's order
// and with Kong's conditions (access.lua's transform_querystrings, transform_url_encoded_body,
// transform_json_body): remove, rename (when present), replace (when present), add (when
// absent), append (beside any value already there).

import type { ArgValue } from '../../http/url-args.ts'
import { type ColonEntry, splitEntry } from '../shared/colon-entries.ts'
import { appendValue, type LuaTable, luaTruthy } from '../shared/lua-table.ts'

/** One kind of part (`body`, `headers`, `querystring`) of each operation, as configured. */
export interface Operations {
  remove: readonly string[]
  rename: readonly string[]
  replace: readonly string[]
  add: readonly string[]
  append: readonly string[]
}

/** The entries of a list, each split into name and value (one without a name does nothing, as it can do nothing in Kong). */
export function entries(list: readonly string[]): ColonEntry[] {
  return list.flatMap((entry) => splitEntry(entry) ?? [])
}

export function hasOperations(operations: Operations): boolean {
  return Object.values(operations).some((list) => list.length > 0)
}

/**
 * Applies `operations` to `table` in place, with Lua's idea of present (not nil, not false).
 * Remove, rename and replace only act on a body that has content (`hasContent`; a query always
 * does). True when Kong would write the table back.
 */
export function transformTable(table: LuaTable, operations: Operations, hasContent = true): boolean {
  let changed = false
  if (hasContent) {
    for (const { name } of entries(operations.remove)) {
      table.delete(name)
      changed = true
    }
    for (const { name, value } of entries(operations.rename)) {
      const current = table.get(name)
      if (name === value || !luaTruthy(current)) continue
      table.delete(name)
      table.set(value, current)
      changed = true
    }
    for (const { name, value } of entries(operations.replace)) {
      if (!luaTruthy(table.get(name))) continue
      table.set(name, value)
      changed = true
    }
  }
  for (const { name, value } of entries(operations.add)) {
    if (luaTruthy(table.get(name))) continue
    table.set(name, value)
    changed = true
  }
  for (const { name, value } of entries(operations.append)) {
    table.set(name, appendValue(table.get(name), value))
    changed = true
  }
  return changed
}

/** transformTable on query or form arguments (their values are never false: present is there). */
export function transformArgs(args: Map<string, ArgValue>, operations: Operations, hasContent = true): boolean {
  const table: LuaTable = {
    get: (name) => args.get(name),
    set: (name, value) => void args.set(name, value as ArgValue),
    delete: (name) => void args.delete(name),
  }
  return transformTable(table, operations, hasContent)
}
