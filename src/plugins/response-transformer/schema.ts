// The `response-transformer` plugin's `config`, as Kong's kong/plugins/response-transformer/schema.lua
// has it (https://github.com/Kong/kong/blob/master/kong/plugins/response-transformer/schema.lua):
// `name:value` entries for headers and JSON body keys, checked in Kong's words. Kong renders no
// templates here: a `$(…)` value is written as it is.

import type { Schema, StringField, Validated } from '../../model/schema.ts'
import { checkHasColon, checkHeaderEntry } from '../shared/colon-entries.ts'

const element = (check?: (value: string) => string | undefined): StringField => ({ type: 'string', ...(check ? { check } : {}) })
const list = (elements: StringField) => ({ type: 'array', default: [], required: true, elements }) as const

const names = list(element())
const pairs = list(element(checkHasColon))
const headerRenames = list(element((value) => checkHasColon(value) ?? checkHeaderEntry(value, true)))
const jsonTypes = list({ type: 'string', oneOf: ['boolean', 'number', 'string'] })
const pairRecord = { type: 'record', required: true, fields: { json: pairs, json_types: jsonTypes, headers: pairs } } as const

export const responseTransformerSchema = {
  remove: { type: 'record', required: true, fields: { json: names, headers: names } },
  rename: { type: 'record', required: true, fields: { json: pairs, headers: headerRenames } },
  replace: pairRecord,
  add: pairRecord,
  append: pairRecord,
} as const satisfies Schema

export type ResponseTransformerConfig = Validated<typeof responseTransformerSchema>
