// The http-log config: Kong's schema spec (spec/03-plugins/03-http-log/02-schema_spec.lua) with
// Kong's messages, its legacy queue fields moved and warned about as Kong's
// Queue.get_plugin_params does, and custom_fields_by_lua refused: no Lua runs here.

import { describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/log.ts'
import { legacyQueueSettings } from '../../../src/queue/legacy.ts'
import { KONG_QUEUE_DEFAULTS } from '../../support/kong-queue-defaults.ts'
import { loadProblems, pluginConfigProblems, validPluginConfig } from '../../support/plugin-config.ts'

const problems = (config: Record<string, unknown>) => pluginConfigProblems('http-log', config)
const valid = (config: Record<string, unknown>) => validPluginConfig('http-log', config)

describe("Kong's http-log schema spec", () => {
  it('accepts minimal config with defaults', () => {
    expect(valid({ http_endpoint: 'http://myservice.test/path' })).toEqual({
      http_endpoint: 'http://myservice.test/path',
      method: 'POST',
      content_type: 'application/json',
      timeout: 10000,
      keepalive: 60000,
      queue: KONG_QUEUE_DEFAULTS,
    })
  })

  it('accepts empty headers with username/password in the http_endpoint', () => {
    expect(valid({ http_endpoint: 'http://bob:password@myservice.test/path' }).http_endpoint).toBe('http://bob:password@myservice.test/path')
  })

  it('does accept allowed headers', () => {
    expect(valid({ http_endpoint: 'http://myservice.test/path', headers: { 'X-My-Header': '123', 'X-Your-Header': 'abc' } }).headers).toEqual({
      'X-My-Header': '123',
      'X-Your-Header': 'abc',
    })
  })

  it.each([
    ['empty header values', { 'X-My-Header': '' }, { 'headers.X-My-Header': 'length must be at least 1' }],
    ['a Host header', { 'X-My-Header': '123', Host: 'MyHost' }, { headers: "cannot contain 'Host' header" }],
    ['a Content-Length header', { 'coNTEnt-Length': '123' }, { headers: "cannot contain 'Content-Length' header" }],
    ['a Content-Type header', { 'coNTEnt-Type': 'bad' }, { headers: "cannot contain 'Content-Type' header" }],
  ])('does not accept %s', (_what, headers, expected) => {
    expect(problems({ http_endpoint: 'http://myservice.test/path', headers })).toEqual(expected)
  })

  it("does not accept userinfo in URL and 'Authorization' header", () => {
    expect(problems({ http_endpoint: 'http://hi:there@myservice.test/path', headers: { AuthoRIZATion: 'bad' } })).toEqual({
      '@entity': "specifying both an 'Authorization' header and user info in 'http_endpoint' is not allowed",
    })
  })

  it('converts legacy queue parameters', () => {
    const config = valid({ http_endpoint: 'http://hi:there@myservice.test/path', retry_count: 23, queue_size: 46, flush_timeout: 92 })
    const lines: string[] = []
    const settings = legacyQueueSettings('http-log', config as never, { log: createLogger('debug', (line) => lines.push(line)), path: 'plugins[0]' })
    const text = lines.join('\n')
    expect(text).toContain('the retry_count parameter no longer works')
    expect(text).toContain('the queue_size parameter is deprecated')
    expect(text).toContain('the flush_timeout parameter is deprecated')
    expect(settings.max_batch_size).toBe(46)
    expect(settings.max_coalescing_delay).toBe(92)
  })

  it('refuses custom fields by lua, which Kong accepts: no Lua runs here', () => {
    expect(problems({ http_endpoint: 'http://myservice.test/path', custom_fields_by_lua: { new_field: "return 'x'" } })).toEqual({
      custom_fields_by_lua: 'not supported: lambda-gateway runs no Lua',
    })
    expect(valid({ http_endpoint: 'http://myservice.test/path', custom_fields_by_lua: {} }).custom_fields_by_lua).toEqual({})
  })

  it('refuses at load a header value with a control character, naming the header, never the value (it may be a secret)', () => {
    expect(loadProblems('http-log', { http_endpoint: 'http://myservice.test/path', headers: { 'x-token': 'sec\u0007ret', 'x-town': '東京' } })).toEqual({
      'headers.x-token': 'the header value cannot be sent: character U+0007 at 3',
    })
  })

  it('refuses an endpoint it cannot send to', () => {
    expect(problems({ http_endpoint: 'ftp://myservice.test/path' })).toEqual({ http_endpoint: 'scheme must be http or https' })
    expect(problems({ method: 'GET' })).toEqual({ http_endpoint: 'required field missing', method: 'expected one of: POST, PUT, PATCH' })
  })
})
