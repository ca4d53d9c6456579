// The `file-log` plugin's `config`, as Kong's kong/plugins/file-log/schema.lua has it
// (https://github.com/Kong/kong/blob/master/kong/plugins/file-log/schema.lua).

import type { Schema, Validated } from '../../model/schema.ts'
import { luaRefused } from '../shared/lua-refused.ts'

export const fileLogSchema = {
  path: {
    type: 'string',
    required: true,
    // Kong's match: no blank at either end, none of * & % \ ` anywhere, two characters at least.
    check: (path) => (/^[^\s*&%\\`][^*&%\\`]*[^\s*&%\\`]$/.test(path) ? undefined : 'not a valid filename'),
  },
  reopen: { type: 'boolean', required: true, default: false },
  custom_fields_by_lua: luaRefused,
} as const satisfies Schema

export type FileLogConfig = Validated<typeof fileLogSchema>
