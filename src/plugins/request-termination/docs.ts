// What each field of the request-termination plugin's config means, for the README's field table (`npm run docs`):
// apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import type { requestTerminationSchema } from './schema.ts'

export const fieldDocs: FieldDocs<typeof requestTerminationSchema> = {
  status_code: 'The status of the answer.',
  message: 'The answer\'s body is `{"message": <message>}` (JSON); without it, Kong\'s text for the status (401, 404, 405, 500, 502, 503), else no body.',
  content_type: '`Content-Type` of `body` (none without it).',
  body: 'The raw body of the answer, instead of `message`.',
  echo: 'Answer with the request as JSON (its scheme, host, port, headers, query, body, method, path, captures) and the matched route and service, for debugging; see Behaviour in the README.',
  trigger: 'Answer only requests with this header or query argument (any value); the others go on.',
}
