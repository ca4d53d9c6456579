// What each field of the request-size-limiting plugin's config means, for the README's field table (`npm run docs`):
// apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import type { requestSizeLimitingSchema } from './schema.ts'

export const fieldDocs: FieldDocs<typeof requestSizeLimitingSchema> = {
  allowed_payload_size:
    'The largest request body allowed, in `size_unit`s; a larger one is refused with 413 (417 when the client sent `Expect: 100-continue`) `Request size limit exceeded`.',
  size_unit: 'The unit of `allowed_payload_size` (a kilobyte is 1024 bytes, a megabyte 1048576).',
  require_content_length:
    'Refuse with 411 `A valid Content-Length header is required` a request with neither `Content-Length` nor `Transfer-Encoding: chunked`.',
}
