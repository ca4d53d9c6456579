// request-transformer's operations on a table of arguments (the query, a form body), in Kong's
// order and with Kong's conditions (access.lua's transform_querystrings and
// transform_url_encoded_body): remove, rename (when present), replace (when present), add (when
// absent), append (beside any value already there).

import type { ArgValue } from '../../http/url-args.ts'
import { type ColonEntry, splitEntry } from '../shared/colon-entries.ts'
import { appendValue } from '../shared/lua-table.ts'

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
 * Applies `operations` to `args` in place. Remove, rename and replace only act on a body that
 * has content (`hasContent`; a query always does). True when Kong would write the table back.
 */
export function transformArgs(args: Map<string, ArgValue>, operations: Operations, hasContent = true): boolean {
  let changed = false
  if (hasContent) {
    for (const { name } of entries(operations.remove)) {
      args.delete(name)
      changed = true
    }
    for (const { name, value } of entries(operations.rename)) {
      const current = args.get(name)
      if (name === value || current === undefined) continue
      args.delete(name)
      args.set(value, current)
      changed = true
    }
    for (const { name, value } of entries(operations.replace)) {
      if (!args.has(name)) continue
      args.set(name, value)
      changed = true
    }
  }
  for (const { name, value } of entries(operations.add)) {
    if (args.has(name)) continue
    args.set(name, value)
    changed = true
  }
  for (const { name, value } of entries(operations.append)) {
    args.set(name, appendValue(args.get(name), value) as ArgValue)
    changed = true
  }
  return changed
}
