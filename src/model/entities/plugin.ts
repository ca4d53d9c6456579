// A plugin entry (Kong's kong/db/schema/entities/plugins.lua): its `config` is checked apart,
// against the schema of the plugin it names; what it is scoped to (route, service, consumer,
// consumer group) is read as references.

import type { Schema } from '../schema.ts'
import { checkUtf8Name, metadata } from './common.ts'

export const pluginSchema = {
  ...metadata,
  /** Plugin name. */
  name: { type: 'string', required: true },
  /** A disabled plugin is not applied. */
  enabled: { type: 'boolean', default: true },
  /** Unique name of this instance; no other effect here. */
  instance_name: { type: 'string', check: checkUtf8Name },
  /** Must include http and https (lambda-gateway cannot tell a request of one from the other behind its TLS terminator). */
  protocols: {
    type: 'array',
    elements: { type: 'string', oneOf: ['grpc', 'grpcs', 'http', 'https'] },
  },
  /** The plugin's configuration, checked against its schema (left out: the plugin's defaults). */
  config: { type: 'any' },
} as const satisfies Schema
