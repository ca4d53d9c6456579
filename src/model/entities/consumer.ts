// Consumers and consumer groups (Kong's kong/db/schema/entities/consumers.lua; consumer groups
// are Kong Enterprise's, in decK's file format): who a request is, once an authentication plugin
// has recognised one of the consumer's credentials, and the groups it belongs to. Plugins can be
// scoped to either.

import type { Schema, Validated } from '../schema.ts'
import { checkUtf8Name, metadata } from './common.ts'

export const consumerSchema = {
  ...metadata,
  /** Unique; plugins, credentials and groups may name the consumer by it. */
  username: { type: 'string' },
  /** Unique; an id of your own for the consumer. */
  custom_id: { type: 'string' },
} as const satisfies Schema

export type ConsumerFields = Validated<typeof consumerSchema>

/** Kong's entity check: a consumer has a username or a custom_id. */
export function checkConsumer(consumer: ConsumerFields): string | undefined {
  return consumer.username === undefined && consumer.custom_id === undefined
    ? "at least one of these fields must be non-empty: 'custom_id', 'username'"
    : undefined
}

export const consumerGroupSchema = {
  ...metadata,
  /** Unique; plugins and consumers name the group by it. */
  name: { type: 'string', required: true, check: checkUtf8Name },
} as const satisfies Schema

export type ConsumerGroupFields = Validated<typeof consumerGroupSchema>
