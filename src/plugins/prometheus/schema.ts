// The `prometheus` plugin's `config`, as Kong 3's kong/plugins/prometheus/schema.lua has it
// (https://github.com/Kong/kong/blob/master/kong/plugins/prometheus/schema.lua): every switch off
// by default, as there.

import type { Schema, Validated } from '../../model/schema.ts'

export const prometheusSchema = {
  per_consumer: { type: 'boolean', default: false },
  status_code_metrics: { type: 'boolean', default: false },
  // Kong's AI and Wasm plugins have no counterpart here: nothing to count.
  ai_metrics: { type: 'boolean', default: false, ignored: true },
  latency_metrics: { type: 'boolean', default: false },
  bandwidth_metrics: { type: 'boolean', default: false },
  upstream_health_metrics: { type: 'boolean', default: false },
  wasm_metrics: { type: 'boolean', default: false, ignored: true },
} as const satisfies Schema

export type PrometheusConfig = Validated<typeof prometheusSchema>
