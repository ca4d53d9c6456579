// Which formats a route reads and writes trace context in: Kong's get_plugin_params
// (kong/observability/tracing/propagation/init.lua), where the deprecated `header_type` decides
// when no `propagation` field but its default is set.

import { ConfigError, joinPath } from '../../model/validate.ts'
import { FORMATS, type Format, type Propagation, UNSUPPORTED_FORMATS } from '../../tracing/propagation.ts'
import type { OpenTelemetryConfig } from './schema.ts'

const EVERY_EXTRACTOR = FORMATS.filter((format) => format !== 'b3-single' && !UNSUPPORTED_FORMATS.includes(format))

export function propagationOf(config: OpenTelemetryConfig, path: string): Propagation & { clear: readonly string[] } {
  const { extract, inject, clear, default_format: defaultFormat } = config.propagation
  const headerType = config.header_type
  const explicit = extract !== undefined || inject !== undefined || clear !== undefined
  const chosen = explicit
    ? { extract: extract ?? [], inject: inject ?? [] }
    : headerType === 'ignore'
      ? { extract: [], inject: [defaultFormat] }
      : { extract: EVERY_EXTRACTOR, inject: headerType === 'preserve' ? ['preserve'] : ['preserve', headerType] }
  const refused = [
    ...(explicit ? [] : [['header_type', headerType] as const]),
    ['propagation.default_format', defaultFormat] as const,
    ...chosen.extract.map((format) => ['propagation.extract', format] as const),
    ...chosen.inject.map((format) => ['propagation.inject', format] as const),
  ].filter(([, format]) => UNSUPPORTED_FORMATS.includes(format as Format))
  if (refused.length > 0) {
    throw new ConfigError(
      refused.map(([field, format]) => ({ path: joinPath(path, field), message: `the ${format} format is not supported by lambda-gateway` })),
    )
  }
  return { extract: chosen.extract as Format[], inject: chosen.inject as (Format | 'preserve')[], defaultFormat: defaultFormat as Format, clear: clear ?? [] }
}
