// The `request-transformer` plugin's `config`, as Kong's kong/plugins/request-transformer/schema.lua
// has it (https://github.com/Kong/kong/blob/master/kong/plugins/request-transformer/schema.lua):
// `name:value` entries for headers, the query and the body, checked in Kong's words. Kong renders
// `$(…)` values as Lua templates; this gateway runs no Lua, so such a value is refused here,
// naming its field, rather than answering 500 on every request as Kong does with Lua turned off.

import type { Schema, StringField, Validated } from '../../model/schema.ts'
import { checkHasColon, checkHasValue, checkHeaderEntry, splitEntry } from '../shared/colon-entries.ts'

/** Kong's test for a template (access.lua's param_value, with untrusted Lua off). */
const TEMPLATE = /\$\(.*\)/s

export function checkNoTemplate(value: string): string | undefined {
  return TEMPLATE.test(value) ? `'${value}' is a Lua template ($(…)): lambda-gateway runs no Lua, so write the value itself` : undefined
}

/** The value of an entry may not be a template (Kong renders the value of every entry). */
function checkEntryValue(entry: string): string | undefined {
  const value = splitEntry(entry)?.value
  return value ? checkNoTemplate(value) : undefined
}

/** One string element: Kong's checks in Kong's order (match, then the custom validator), then no template. */
const entry = (...checks: Array<(value: string) => string | undefined>): StringField => ({
  type: 'string',
  check: (value) => {
    for (const check of [...checks, checkEntryValue]) {
      const problem = check(value)
      if (problem) return problem
    }
    return undefined
  },
})

const list = (element: StringField) => ({ type: 'array', default: [], required: true, elements: element }) as const

const names = list(entry())
const headerNames = list(entry((value) => checkHeaderEntry(value)))
const pairs = list(entry(checkHasValue))
const headerPairs = list(entry(checkHasColon, (value) => checkHeaderEntry(value)))
const renames = list(entry(checkHasValue))
const headerRenames = list(entry(checkHasColon, (value) => checkHeaderEntry(value, true)))
const pairRecord = { type: 'record', required: true, fields: { body: pairs, headers: headerPairs, querystring: pairs } } as const

export const requestTransformerSchema = {
  http_method: {
    type: 'string',
    check: (value) => (/^[A-Z]+$/.test(value) ? undefined : `invalid value: ${value}`),
  },
  remove: { type: 'record', required: true, fields: { body: names, headers: headerNames, querystring: names } },
  rename: { type: 'record', required: true, fields: { body: renames, headers: headerRenames, querystring: renames } },
  replace: { type: 'record', required: true, fields: { ...pairRecord.fields, uri: { type: 'string', check: checkNoTemplate } } },
  add: pairRecord,
  append: pairRecord,
} as const satisfies Schema

export type RequestTransformerConfig = Validated<typeof requestTransformerSchema>
