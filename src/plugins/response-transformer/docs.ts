// What each field of the response-transformer plugin's config means, for the README's field table (`npm run docs`):
// apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import type { responseTransformerSchema } from './schema.ts'

export const fieldDocs: FieldDocs<typeof responseTransformerSchema> = {
  remove: 'What to remove: `json` (keys of a JSON body), `headers` (names).',
  'remove.json': 'JSON body keys to remove.',
  'remove.headers': 'Headers to remove.',
  rename: 'What to rename, when present: `json`, `headers` (`old:new`).',
  'rename.json': 'JSON body keys, as `old:new`.',
  'rename.headers': 'Headers, as `old:new`.',
  replace: 'What to replace, when present: `json`, `headers` (`name:value`), `json_types`.',
  'replace.json': 'JSON body keys, as `key:value`.',
  'replace.json_types': 'The type of each `json` entry’s value, by position: `boolean`, `number` or `string` (the default).',
  'replace.headers': 'Headers, as `name:value`.',
  add: 'What to add, when absent: `json`, `headers` (`name:value`), `json_types`.',
  'add.json': 'JSON body keys, as `key:value`.',
  'add.json_types': 'The type of each `json` entry’s value, by position: `boolean`, `number` or `string` (the default).',
  'add.headers': 'Headers, as `name:value`.',
  append: 'What to add beside any value already there: `json`, `headers` (`name:value`), `json_types`.',
  'append.json': 'JSON body keys, as `key:value`.',
  'append.json_types': 'The type of each `json` entry’s value, by position: `boolean`, `number` or `string` (the default).',
  'append.headers': 'Headers, as `name:value`.',
}
