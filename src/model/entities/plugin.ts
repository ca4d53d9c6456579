// A plugin entry (Kong's kong/db/schema/entities/plugins.lua): its `config` is checked apart,
// against the schema of the plugin it names.

import type { Schema } from '../schema.ts'
import { metadata } from './common.ts'

export const pluginSchema = {
  ...metadata,

  name: { type: 'string', required: true, doc: 'Plugin name.' },
  enabled: { type: 'boolean', default: true, doc: 'A disabled plugin is not applied.' },
  instance_name: { type: 'string', doc: 'Ignored.', ignored: true },
  protocols: {
    type: 'array',
    doc: 'Ignored (http and https).',
    elements: { type: 'string', oneOf: ['grpc', 'grpcs', 'http', 'https'], doc: '' },
  },
  config: { type: 'record', fields: {}, required: true, doc: "The plugin's configuration, checked against its schema." },
} as const satisfies Schema
