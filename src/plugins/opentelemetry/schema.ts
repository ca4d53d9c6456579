// The `opentelemetry` plugin's `config`: Kong 3's fields, defaults and checks, in Kong's words
// (https://github.com/Kong/kong/blob/master/kong/plugins/opentelemetry/schema.lua, the queue's
// kong/tools/queue_schema.lua and the propagation record's
// kong/observability/tracing/propagation/schema.lua).

import { checkHttpUrl, type Schema, type Validated } from '../../model/schema.ts'
import { FORMATS } from '../../tracing/propagation.ts'
import { checkHeaderName } from '../request-termination/schema.ts'

const url = { type: 'string', check: checkHttpUrl, referenceable: true } as const
const timeout = (ms: number) => ({ type: 'integer', default: ms, required: true, between: [0, 2 ** 31 - 2] }) as const
const seconds = (value: number, between: readonly [number, number]) => ({ type: 'number', default: value, required: true, between }) as const
const EXTRACTORS = FORMATS.filter((format) => format !== 'b3-single')

export const openTelemetrySchema = {
  traces_endpoint: url,
  logs_endpoint: url,
  /** Kong's deprecated shorthand for `traces_endpoint`. */
  endpoint: url,
  headers: { type: 'map', keys: { type: 'string', check: checkHeaderName }, values: { type: 'string', referenceable: true } },
  resource_attributes: { type: 'map', keys: { type: 'string' }, values: { type: 'string' } },
  queue: {
    type: 'record',
    required: true,
    fields: {
      max_batch_size: { type: 'integer', default: 200, required: true, between: [1, 1_000_000] },
      max_coalescing_delay: seconds(1, [0, 3600]),
      max_entries: { type: 'integer', default: 10_000, required: true, between: [1, 1_000_000] },
      max_bytes: { type: 'integer', ignored: true },
      max_retry_time: { type: 'number', default: 60, required: true },
      initial_retry_delay: seconds(0.01, [0.001, 1_000_000]),
      max_retry_delay: seconds(60, [0.001, 1_000_000]),
      concurrency_limit: {
        type: 'integer',
        default: 1,
        required: true,
        check: (value) => (value === 1 || value === -1 ? undefined : 'expected one of: -1, 1'),
        ignored: true,
      },
    },
  },
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
