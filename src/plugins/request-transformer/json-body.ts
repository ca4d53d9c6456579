// request-transformer's operations on a JSON body, as Kong's access.lua's transform_json_body
// does them on the Lua table cjson decodes: a missing or empty body counts as `{}` (so add and
// append still apply), a body that is not JSON is left alone. Lua's truthiness decides "present":
// a `false` value counts as absent, a `null` as present. Values are written as strings.

import { luaTable } from '../shared/lua-table.ts'
import { type Operations, transformTable } from './entries.ts'

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
  return transformTable(table, operations, body.length > 0) ? JSON.stringify(parameters) : undefined
}
