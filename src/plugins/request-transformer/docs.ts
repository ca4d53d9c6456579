// What each field of the request-transformer plugin's config means, for the README's field table (`npm run docs`):
// apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import type { requestTransformerSchema } from './schema.ts'

export const fieldDocs: FieldDocs<typeof requestTransformerSchema> = {
  http_method: 'The method the request continues with (upper case). From `GET`, `HEAD` or `TRACE` with a form body, the body arguments join the query.',
  remove: 'What to remove: `body`, `headers`, `querystring` (names).',
  'remove.body': 'Body parameters to remove, by name.',
  'remove.headers': 'Headers to remove, by name.',
  'remove.querystring': 'Query arguments to remove, by name.',
  rename: 'What to rename, when present: `body`, `headers`, `querystring` (`old:new`).',
  'rename.body': 'Body parameters, as `old:new`.',
  'rename.headers': 'Headers, as `old:new`.',
  'rename.querystring': 'Query arguments, as `old:new`.',
  replace: 'What to replace, when present: `body`, `headers`, `querystring` (`name:value`); `uri`, the path the upstream or function gets.',
  'replace.body': 'Body parameters, as `name:value`.',
  'replace.headers': 'Headers, as `name:value`.',
  'replace.querystring': 'Query arguments, as `name:value`.',
  'replace.uri': 'The path the upstream or function gets instead of the request’s.',
  add: 'What to add, when absent: `body`, `headers`, `querystring` (`name:value`).',
  'add.body': 'Body parameters, as `name:value`.',
  'add.headers': 'Headers, as `name:value`.',
  'add.querystring': 'Query arguments, as `name:value`.',
  append: 'What to add, beside any value already there: `body`, `headers`, `querystring` (`name:value`).',
  'append.body': 'Body parameters, as `name:value`.',
  'append.headers': 'Headers, as `name:value`.',
  'append.querystring': 'Query arguments, as `name:value`.',
}
