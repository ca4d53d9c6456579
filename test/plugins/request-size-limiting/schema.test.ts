// The request-size-limiting config: Kong's fields, defaults and messages
// (kong/plugins/request-size-limiting/schema.lua; Kong has no schema spec for it).

import { describe, expect, it } from 'vitest'
import { pluginConfigProblems, validPluginConfig } from '../../support/plugin-config.ts'

describe('request-size-limiting config', () => {
  it("has Kong's defaults", () => {
    expect(validPluginConfig('request-size-limiting', {})).toEqual({ allowed_payload_size: 128, size_unit: 'megabytes', require_content_length: false })
  })

  it.each(['megabytes', 'kilobytes', 'bytes'])('accepts the unit %s', (unit) => {
    expect(validPluginConfig('request-size-limiting', { size_unit: unit }).size_unit).toBe(unit)
  })

  it("refuses what Kong refuses, in Kong's words", () => {
    expect(pluginConfigProblems('request-size-limiting', { allowed_payload_size: 1.5, size_unit: 'gigabytes', require_content_length: 'yes' })).toEqual({
      allowed_payload_size: 'expected an integer',
      size_unit: 'expected one of: megabytes, kilobytes, bytes',
      require_content_length: 'expected a boolean',
    })
  })
})
