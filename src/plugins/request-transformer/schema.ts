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
const entry = (doc: string, ...checks: Array<(value: string) => string | undefined>): StringField => ({
  type: 'string',
  doc,
  check: (value) => {
    for (const check of [...checks, checkEntryValue]) {
      const problem = check(value)
      if (problem) return problem
    }
    return undefined
  },
})

const list = (doc: string, element: StringField) => ({ type: 'array', default: [], required: true, elements: element, doc }) as const

const names = (what: string) => list(`${what} to remove, by name.`, entry(''))
const headerNames = list(
  'Headers to remove, by name.',
  entry('', (value) => checkHeaderEntry(value)),
)
const pairs = (what: string) => list(`${what}, as \`name:value\`.`, entry('', checkHasValue))
const headerPairs = list(
  'Headers, as `name:value`.',
  entry('', checkHasColon, (value) => checkHeaderEntry(value)),
)
const renames = (what: string) => list(`${what}, as \`old:new\`.`, entry('', checkHasValue))
const headerRenames = list(
  'Headers, as `old:new`.',
  entry('', checkHasColon, (value) => checkHeaderEntry(value, true)),
)

const pairRecord = (doc: string) =>
  ({
    type: 'record',
    required: true,
    doc,
    fields: { body: pairs('Body parameters'), headers: headerPairs, querystring: pairs('Query arguments') },
  }) as const

export const requestTransformerSchema = {
  http_method: {
    type: 'string',
    check: (value) => (/^[A-Z]+$/.test(value) ? undefined : `invalid value: ${value}`),
    doc: 'The method the request continues with (upper case). From `GET`, `HEAD` or `TRACE` with a form body, the body arguments join the query.',
  },
  remove: {
    type: 'record',
    required: true,
    doc: 'What to remove: `body`, `headers`, `querystring` (names).',
    fields: { body: names('Body parameters'), headers: headerNames, querystring: names('Query arguments') },
  },
  rename: {
    type: 'record',
    required: true,
    doc: 'What to rename, when present: `body`, `headers`, `querystring` (`old:new`).',
    fields: { body: renames('Body parameters'), headers: headerRenames, querystring: renames('Query arguments') },
  },
  replace: {
    type: 'record',
    required: true,
    doc: 'What to replace, when present: `body`, `headers`, `querystring` (`name:value`); `uri`, the path the upstream or function gets.',
    fields: {
      ...pairRecord('').fields,
      uri: { type: 'string', check: checkNoTemplate, doc: 'The path the upstream or function gets instead of the request’s.' },
    },
  },
  add: pairRecord('What to add, when absent: `body`, `headers`, `querystring` (`name:value`).'),
  append: pairRecord('What to add, beside any value already there: `body`, `headers`, `querystring` (`name:value`).'),
} as const satisfies Schema

export type RequestTransformerConfig = Validated<typeof requestTransformerSchema>
