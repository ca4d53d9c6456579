// What each field of the file-log plugin's config means, for the README's field table (`npm run docs`):
// apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import type { fileLogSchema } from './schema.ts'

export const fieldDocs: FieldDocs<typeof fileLogSchema> = {
  path: 'The file each entry is appended to, as a JSON line; made when missing (not its directory).',
  reopen: 'Open and close the file for every entry (a rotated file is made again); else kept open.',
  custom_fields_by_lua: 'Refused unless empty: lambda-gateway runs no Lua.',
}
