// The prometheus plugin (Kong's kong/plugins/prometheus, priority 13): its log phase counts each
// request of the routes it applies to, and the metrics are scraped from the status listener
// (STATUS_LISTEN), never the proxy port (https://github.com/Kong/kong/blob/master/kong/plugins/prometheus/handler.lua).
// The exporter is the runtime's (src/metrics/): a Workers isolate cannot be scraped, so the
// Worker carries only this definition and refuses the plugin by name.

import { ConfigError } from '../../model/validate.ts'
import type { PluginDefinition } from '../../pipeline/plugin.ts'
import { prometheusSchema } from './schema.ts'

export const prometheusPlugin: PluginDefinition<typeof prometheusSchema> = {
  name: 'prometheus',
  priority: 13,
  schema: prometheusSchema,
  create(config, setup) {
    const { metrics } = setup.services
    if (typeof metrics === 'string') throw new ConfigError([{ path: setup.path, message: metrics }])
    return metrics.prometheus(config)
  },
}
