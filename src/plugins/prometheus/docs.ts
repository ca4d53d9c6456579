// What each field of the prometheus plugin's config means, for the README's field table (`npm run docs`):
// apart from the schema, so that the Worker bundle carries no prose.

import type { FieldDocs } from '../../model/schema.ts'
import type { prometheusSchema } from './schema.ts'

export const fieldDocs: FieldDocs<typeof prometheusSchema> = {
  per_consumer: '`kong_http_requests_total` and `kong_bandwidth_bytes` carry the consumer’s username in `consumer`.',
  status_code_metrics: 'Count answers in `kong_http_requests_total` by status code and source.',
  ai_metrics: 'Kong’s AI plugins’ metrics: there are none here (accepted, no effect).',
  latency_metrics: '`kong_kong_latency_ms`, `kong_upstream_latency_ms` (on Lambda routes: the Invoke call) and `kong_request_latency_ms` histograms.',
  bandwidth_metrics: '`kong_bandwidth_bytes`: bytes received (ingress) and sent (egress).',
  upstream_health_metrics: '`kong_upstream_target_health`: each target’s health state, read at each scrape.',
  wasm_metrics: 'Kong’s Wasm filters’ metrics: there are none here (accepted, no effect).',
}
