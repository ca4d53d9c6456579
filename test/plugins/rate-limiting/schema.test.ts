// The rate-limiting config: Kong's schema spec (spec/03-plugins/23-rate-limiting/01-schema_spec.lua)
// with Kong's messages, its deprecated redis_* fields (06-shorthand_fields_spec.lua), and what this
// gateway refuses.

import { describe, expect, it } from 'vitest'
import { buildGatewayConfig } from '../../../src/model/declarative.ts'
import { pluginConfigProblems, validPluginConfig } from '../../support/plugin-config.ts'

const problems = (config: Record<string, unknown>) => pluginConfigProblems('rate-limiting', config)
const valid = (config: Record<string, unknown>) => validPluginConfig('rate-limiting', config)

const REDIS = {
  host: 'redis.test',
  port: 6380,
  database: 0,
  username: 'test',
  password: 'testXXX',
  ssl: true,
  ssl_verify: false,
  timeout: 1100,
  server_name: 'redis.test',
}

describe("Kong's rate-limiting schema spec", () => {
  it.each([
    ['proper config validates', { second: 10 }],
    ['proper config validates (bis)', { second: 10, minute: 20, hour: 30, day: 40, month: 50, year: 60 }],
    ['proper config validates (header)', { second: 10, limit_by: 'header', header_name: 'X-App-Version' }],
    ['proper config validates (path)', { second: 10, limit_by: 'path', path: '/request' }],
    ['proper config validates with redis new structure', { second: 10, policy: 'redis', redis: REDIS }],
  ])('%s', (_what, config) => {
    expect(valid(config)).toMatchObject(config)
  })

  it('proper config validates with redis legacy structure: each redis_<field> lands in redis.<field>', () => {
    const legacy = Object.fromEntries(Object.entries(REDIS).map(([field, value]) => [`redis_${field}`, value]))
    expect(valid({ second: 10, policy: 'redis', ...legacy }).redis).toEqual(REDIS)
  })

  it.each([
    ['limits: smaller unit is less than bigger unit', { second: 20, hour: 10 }, 'The limit for hour(10.0) cannot be lower than the limit for second(20.0)'],
    [
      'limits: smaller unit is less than bigger unit (bis)',
      { second: 10, minute: 20, hour: 30, day: 40, month: 60, year: 50 },
      'The limit for year(50.0) cannot be lower than the limit for month(60.0)',
    ],
    [
      'invalid limit',
      {},
      "at least one of these fields must be non-empty: 'config.second', 'config.minute', 'config.hour', 'config.day', 'config.month', 'config.year'",
    ],
    ['sync_rate without redis', { second: 10, sync_rate: 1 }, 'sync_rate can only be used with the redis policy'],
  ])('refuses: %s', (_what, config, message) => {
    expect(problems(config)['@entity']).toBe(message)
  })

  it.each([
    ['header', { limit_by: 'header' }, 'header_name'],
    ['path', { limit_by: 'path' }, 'path'],
    ['redis host', { policy: 'redis', redis: { port: 6379 } }, 'redis.host'],
  ])('refuses a missing conditional field (%s), naming it', (_what, config, field) => {
    expect(problems({ second: 10, ...config })['@entity']).toBe(`config.${field}: required field missing`)
  })

  it("refuses a limit that is not positive and an unknown limit_by, in Kong's words", () => {
    expect(problems({ second: 0 })).toMatchObject({ second: 'value must be greater than 0' })
    // Kong OSS's limit_by has no consumer-group (Kong Enterprise's rate-limiting-advanced has).
    expect(problems({ second: 1, limit_by: 'consumer-group' })).toEqual({ limit_by: 'expected one of: consumer, credential, ip, service, header, path' })
  })
})

describe('rate-limiting config', () => {
  it("has Kong's defaults", () => {
    expect(valid({ minute: 5 })).toEqual({
      minute: 5,
      limit_by: 'consumer',
      policy: 'local',
      fault_tolerant: true,
      redis: { port: 6379, timeout: 2000, database: 0, ssl: false, ssl_verify: false },
      hide_client_headers: false,
      error_code: 429,
      error_message: 'API rate limit exceeded',
      sync_rate: -1,
    })
  })

  it('refuses a sync_rate other than -1 by name: counts are never batched here', () => {
    expect(problems({ second: 10, policy: 'redis', redis: { host: 'redis.test' }, sync_rate: 10 })['@entity']).toBe(
      'sync_rate other than -1 is not supported by lambda-gateway',
    )
  })

  it("refuses a deprecated field and its new place holding different values, in Kong's words; the same value is fine", () => {
    expect(problems({ second: 10, policy: 'redis', redis_host: 'a.test', redis: { host: 'b.test' } })).toEqual({
      redis_host: 'both deprecated and new field are used but their values mismatch: redis_host = a.test vs redis.host = b.test',
    })
    expect(valid({ second: 10, policy: 'redis', redis_port: 7000, redis: { host: 'a.test', port: 7000 } }).redis).toMatchObject({ host: 'a.test', port: 7000 })
  })

  it('checks a deprecated field as its new place (redis_port is redis.port)', () => {
    expect(problems({ second: 10, redis_port: 70000 })).toEqual({ 'redis.port': 'value should be between 0 and 65535' })
  })

  it('resolves a vault reference in redis.password', () => {
    const config = buildGatewayConfig(
      {
        _format_version: '3.0',
        routes: [
          {
            paths: ['/'],
            plugins: [
              { name: 'rate-limiting', config: { second: 1, policy: 'redis', redis: { host: 'redis.test', password: '{vault://env/redis-password}' } } },
            ],
          },
        ],
      },
      { REDIS_PASSWORD: 's3cret' },
    )
    expect(config.plugins[0]?.config.redis).toMatchObject({ password: 's3cret' })
  })
})
