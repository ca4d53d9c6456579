// The `response-transformer` plugin's `config`, as Kong's kong/plugins/response-transformer/schema.lua
// has it (https://github.com/Kong/kong/blob/master/kong/plugins/response-transformer/schema.lua):
// `name:value` entries for headers and JSON body keys, checked in Kong's words. Kong renders no
// templates here: a `$(…)` value is written as it is.

import type { Schema, StringField, Validated } from '../../model/schema.ts'
import { checkHasColon, checkHeaderEntry } from '../shared/colon-entries.ts'

const element = (check?: (value: string) => string | undefined): StringField => ({ type: 'string', doc: '', ...(check ? { check } : {}) })
const list = (doc: string, elements: StringField) => ({ type: 'array', default: [], required: true, elements, doc }) as const

const names = (doc: string) => list(doc, element())
const pairs = (doc: string) => list(doc, element(checkHasColon))
const headerRenames = list(
  'Headers, as `old:new`.',
  element((value) => checkHasColon(value) ?? checkHeaderEntry(value, true)),
)
const jsonTypes = list('The type of each `json` entry’s value, by position: `boolean`, `number` or `string` (the default).', {
  type: 'string',
  oneOf: ['boolean', 'number', 'string'],
  doc: '',
})

const pairRecord = (doc: string) =>
  ({
    type: 'record',
    required: true,
    doc,
    fields: { json: pairs('JSON body keys, as `key:value`.'), json_types: jsonTypes, headers: pairs('Headers, as `name:value`.') },
  }) as const

export const responseTransformerSchema = {
  remove: {
    type: 'record',
    required: true,
    doc: 'What to remove: `json` (keys of a JSON body), `headers` (names).',
    fields: { json: names('JSON body keys to remove.'), headers: names('Headers to remove.') },
  },
  rename: {
    type: 'record',
    required: true,
    doc: 'What to rename, when present: `json`, `headers` (`old:new`).',
    fields: { json: pairs('JSON body keys, as `old:new`.'), headers: headerRenames },
  },
  replace: pairRecord('What to replace, when present: `json`, `headers` (`name:value`), `json_types`.'),
  add: pairRecord('What to add, when absent: `json`, `headers` (`name:value`), `json_types`.'),
  append: pairRecord('What to add beside any value already there: `json`, `headers` (`name:value`), `json_types`.'),
} as const satisfies Schema

export type ResponseTransformerConfig = Validated<typeof responseTransformerSchema>
