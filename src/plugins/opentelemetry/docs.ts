// What each field of the opentelemetry plugin's config means, for the README's field table
// (`npm run docs`): apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import type { openTelemetrySchema } from './schema.ts'

export const fieldDocs: FieldDocs<typeof openTelemetrySchema> = {
  traces_endpoint: 'OTLP/HTTP endpoint spans are POSTed to (protobuf); without it, no trace and no propagation, as in Kong.',
  logs_endpoint: 'Kong: OTLP logs endpoint. Accepted, warned about at start: no logs are exported.',
  endpoint: "Kong's deprecated name of `traces_endpoint`.",
  headers: 'Headers of every export request (an APM token); vault references allowed.',
  resource_attributes: 'Resource attributes of every span; `service.name` defaults to `kong`.',
  queue: "Kong's queue for the export (batches, delay, bounds, retries).",
  'queue.max_batch_size': 'Spans per export request (`batch_span_count` is its deprecated name).',
  'queue.max_coalescing_delay': 'Seconds the first queued span waits for a batch to fill (`batch_flush_delay`: deprecated name).',
  'queue.max_entries': 'Spans that may wait; past it new ones are dropped, counted and logged.',
  'queue.max_bytes': 'Kong: byte bound of the queue. Accepted, no effect.',
  'queue.max_retry_time': 'Seconds a failed batch is retried before it is dropped (negative: never retried).',
  'queue.initial_retry_delay': 'Seconds before the first retry; doubled for each next one.',
  'queue.max_retry_delay': 'The longest delay between retries, in seconds.',
  'queue.concurrency_limit': 'Kong: parallel deliveries (`1` or `-1`). Accepted, no effect: one at a time.',
  connect_timeout: 'ms; the three timeouts add up to the export request’s one deadline.',
  send_timeout: 'ms; see `connect_timeout`.',
  read_timeout: 'ms; see `connect_timeout`.',
  http_response_header_for_traceid: 'Response header that carries the trace id (hex).',
  header_type: "Kong's deprecated format choice, used when no `propagation` field is set.",
  sampling_rate: 'Share of new traces recorded (0–1); a trace whose caller decided keeps that decision. Default: 0.01, Kong’s `tracing_sampling_rate`.',
  propagation: 'Which trace headers are read and written.',
  'propagation.extract': 'Formats read, the first found wins; empty: every trace starts anew.',
  'propagation.clear': 'Request headers removed after reading.',
  'propagation.inject': 'Formats written to the upstream and the Lambda event; `preserve`: the format read, else `default_format`.',
  'propagation.default_format': 'The format `preserve` writes when none was read.',
}
