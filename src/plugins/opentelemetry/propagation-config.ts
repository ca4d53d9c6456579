// Which formats a route reads and writes trace context in: Kong's get_plugin_params
// (kong/observability/tracing/propagation/init.lua), where the deprecated `header_type` decides
// when no `propagation` field but its default is set.

import type { Format, Propagation } from '../../tracing/propagation.ts'
import type { OpenTelemetryConfig } from './schema.ts'

/** Kong's order for `header_type` (init.lua), less the formats this gateway does not read. */
const EVERY_EXTRACTOR: readonly Format[] = ['b3', 'w3c', 'jaeger', 'aws']

export function propagationOf(config: OpenTelemetryConfig): Propagation & { clear: readonly string[] } {
  const { extract, inject, clear = [], default_format: defaultFormat } = config.propagation
  const headerType = config.header_type
  if (extract !== undefined || inject !== undefined || config.propagation.clear !== undefined)
    return { extract: extract ?? [], inject: inject ?? [], defaultFormat, clear }
  if (headerType === 'ignore') return { extract: [], inject: [defaultFormat], defaultFormat, clear }
  const inherited: Array<Format | 'preserve'> = headerType === 'preserve' ? ['preserve'] : ['preserve', headerType]
  return { extract: EVERY_EXTRACTOR, inject: inherited, defaultFormat, clear }
}
