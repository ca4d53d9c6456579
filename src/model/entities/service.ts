// A service (Kong's kong/db/schema/entities/services.lua): the upstream its routes would proxy to.

import { checkUrl, type Schema } from '../schema.ts'
import { metadata } from './common.ts'

export const serviceSchema = {
  ...metadata,
  name: { type: 'string', doc: 'Service name.' },
  enabled: { type: 'boolean', default: true, doc: 'The routes of a disabled service are not served.' },
  url: { type: 'string', check: checkUrl, doc: 'Ignored: the upstream is never contacted.', ignored: true },
  protocol: { type: 'string', doc: 'Ignored.', ignored: true },
  host: { type: 'string', doc: 'Ignored.', ignored: true },
  port: { type: 'integer', between: [0, 65535], doc: 'Ignored.', ignored: true },
  path: { type: 'string', doc: 'Ignored.', ignored: true },
  retries: { type: 'integer', doc: 'Ignored.', ignored: true },
  connect_timeout: { type: 'integer', doc: 'Ignored.', ignored: true },
  write_timeout: { type: 'integer', doc: 'Ignored.', ignored: true },
  read_timeout: { type: 'integer', doc: 'Ignored.', ignored: true },
  routes: { type: 'array', elements: { type: 'record', fields: {}, doc: '' }, doc: 'Routes of the service.' },
  plugins: { type: 'array', elements: { type: 'record', fields: {}, doc: '' }, doc: 'Plugins applied to every route of the service.' },
} as const satisfies Schema
