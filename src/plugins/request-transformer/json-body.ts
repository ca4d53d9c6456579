// request-transformer's operations on a JSON body, as Kong's access.lua's transform_json_body
// does them on the Lua table cjson decodes: a missing or empty body counts as `{}` (so add and
// append still apply), a body that is not JSON is left alone. Lua's truthiness decides "present":
// a `false` value counts as absent, a `null` as present. Values are written as strings.

import { appendValue, luaTable, luaTruthy } from '../shared/lua-table.ts'
import { entries, type Operations } from './entries.ts'

/** The new body text, or undefined when Kong would leave the body as it is. */
export function transformJsonBody(body: string, operations: Operations): string | undefined {
  let parameters: unknown
  try {
    parameters = body === '' ? {} : JSON.parse(body)
  } catch {
    return undefined
  }
  const table = luaTable(parameters)
  // Kong indexes a JSON string, number, boolean or null as a table and fails with a Lua error
  // (500): such a body is left alone here.
  if (table === undefined) return undefined
  const hasContent = body.length > 0
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
  return changed ? JSON.stringify(parameters) : undefined
}
