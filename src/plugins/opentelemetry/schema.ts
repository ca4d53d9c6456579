// The `opentelemetry` plugin's `config`: Kong 3's fields, defaults and checks, in Kong's words
// (https://github.com/Kong/kong/blob/master/kong/plugins/opentelemetry/schema.lua, the queue's
// kong/tools/queue_schema.lua and the propagation record's
// kong/observability/tracing/propagation/schema.lua).

import { checkHeaderName, checkHttpUrl, type Schema, type Validated } from '../../model/schema.ts'
import { queueFields, queueSchema } from '../../queue/schema.ts'
import { FORMATS } from '../../tracing/propagation.ts'

const url = { type: 'string', check: checkHttpUrl, referenceable: true } as const
const timeout = (ms: number) => ({ type: 'integer', default: ms, required: true, between: [0, 2 ** 31 - 2] }) as const
const EXTRACTORS = FORMATS.filter((format) => format !== 'b3-single')

export const openTelemetrySchema = {
  traces_endpoint: url,
  logs_endpoint: url,
  /** Kong's deprecated shorthand for `traces_endpoint`. */
  endpoint: url,
  headers: { type: 'map', keys: { type: 'string', check: checkHeaderName }, values: { type: 'string', referenceable: true } },
  resource_attributes: { type: 'map', keys: { type: 'string' }, values: { type: 'string' } },
  // Kong's queue, with its opentelemetry default of 200 spans a batch.
  queue: { ...queueSchema, fields: { ...queueFields, max_batch_size: { ...queueFields.max_batch_size, default: 200 } } },
  /** Kong's deprecated queue fields, moved into `queue` with Kong's warnings (src/queue/legacy.ts). */
  batch_span_count: { type: 'integer' },
  batch_flush_delay: { type: 'integer' },
  connect_timeout: timeout(1000),
  send_timeout: timeout(5000),
  read_timeout: timeout(5000),
  http_response_header_for_traceid: { type: 'string' },
  header_type: { type: 'string', default: 'preserve', oneOf: ['preserve', 'ignore', ...FORMATS] },
  sampling_rate: { type: 'number', between: [0, 1] },
  propagation: {
    type: 'record',
    required: true,
    fields: {
      extract: { type: 'array', elements: { type: 'string', oneOf: EXTRACTORS } },
      clear: { type: 'array', elements: { type: 'string', check: checkHeaderName } },
      inject: { type: 'array', elements: { type: 'string', oneOf: ['preserve', ...FORMATS] } },
      default_format: { type: 'string', default: 'w3c', required: true, oneOf: FORMATS },
    },
  },
} as const satisfies Schema

export type OpenTelemetryConfig = Validated<typeof openTelemetrySchema>

export function checkOpenTelemetryEntity(config: OpenTelemetryConfig): string[] {
  if (config.traces_endpoint ?? config.logs_endpoint ?? config.endpoint) return []
  return ["at least one of these fields must be non-empty: 'traces_endpoint', 'logs_endpoint'"]
}
