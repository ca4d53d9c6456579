// Kong's `typedefs.lua_code` fields (`custom_fields_by_lua`): Lua run per request, which this
// gateway cannot run. Accepted when empty, refused with the reason otherwise.

import type { MapField } from '../../model/schema.ts'

export const luaRefused = {
  type: 'map',
  keys: { type: 'string' },
  values: { type: 'string' },
  check: (fields) => (Object.keys(fields).length === 0 ? undefined : 'not supported: lambda-gateway runs no Lua'),
} as const satisfies MapField
