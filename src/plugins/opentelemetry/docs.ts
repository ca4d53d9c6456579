// What each field of the opentelemetry plugin's config means, for the README's field table
// (`npm run docs`): apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import { queueFieldDocs } from '../../queue/docs.ts'
import type { openTelemetrySchema } from './schema.ts'

export const fieldDocs = {
  traces_endpoint: 'OTLP/HTTP endpoint spans are POSTed to (protobuf); without it, no trace and no propagation, as in Kong.',
  logs_endpoint: 'Kong: OTLP logs endpoint. Accepted, warned about at start: no logs are exported.',
  endpoint: "Kong's deprecated name of `traces_endpoint`.",
  headers: 'Headers of every export request (an APM token); vault references allowed.',
  resource_attributes: 'Resource attributes of every span; `service.name` defaults to `kong`.',
  ...queueFieldDocs(),
  'queue.max_batch_size': 'Most spans sent in one request.',
  batch_span_count: "Kong's deprecated `queue.max_batch_size` (moved there, with Kong's warning).",
  batch_flush_delay: "Kong's deprecated `queue.max_coalescing_delay` (moved there, with Kong's warning).",
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
} as FieldDocs<typeof openTelemetrySchema>
