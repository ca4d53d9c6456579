// Changing the headers of an answer on its way out. A Response passed through as fetched has
// immutable headers: it is copied then (its body moves to the copy, unread).

import { withHeaders } from './held-body.ts'

/** `response` with `edit` applied to its headers: the same Response when they can change, else a copy. */
export function withEditedHeaders(response: Response, edit: (headers: Headers) => void): Response {
  try {
    edit(response.headers)
    return response
  } catch (error) {
    if (!(error instanceof TypeError)) throw error
    // Immutable headers refuse the first change: nothing was applied.
    const headers = new Headers(response.headers)
    edit(headers)
    return withHeaders(response, headers)
  }
}
