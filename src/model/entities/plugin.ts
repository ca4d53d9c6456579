// A plugin entry (Kong's kong/db/schema/entities/plugins.lua): its `config` is checked apart,
// against the schema of the plugin it names; what it is scoped to (route, service, consumer,
// consumer group) is read as references.

import type { Schema } from '../schema.ts'
import { checkUtf8Name, metadata } from './common.ts'

export const pluginSchema = {
  ...metadata,
  name: { type: 'string', required: true, doc: 'Plugin name.' },
  enabled: { type: 'boolean', default: true, doc: 'A disabled plugin is not applied.' },
  instance_name: { type: 'string', check: checkUtf8Name, doc: 'Unique name of this instance; no other effect here.' },
  protocols: {
    type: 'array',
    doc: 'Must include http and https (lambda-gateway cannot tell a request of one from the other behind its TLS terminator).',
    elements: { type: 'string', oneOf: ['grpc', 'grpcs', 'http', 'https'], doc: '' },
  },
  config: { type: 'any', doc: "The plugin's configuration, checked against its schema (left out: the plugin's defaults)." },
} as const satisfies Schema
