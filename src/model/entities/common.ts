// What every entity of the declarative format has (Kong's `id` and `tags`).

import type { Schema } from '../schema.ts'

const stringArray = (doc: string) => ({ type: 'array', elements: { type: 'string', doc }, doc }) as const

export const metadata = {
  id: { type: 'string', doc: 'Ignored.', ignored: true },
  tags: stringArray('Ignored.'),
} as const satisfies Schema
