// correlation-id: Kong's schema spec (spec/03-plugins/11-correlation-id/02-schema_spec.lua) and
// the generators' formats (01-access_spec.lua's patterns); the behaviour end to end is in
// test/e2e/plugins-b-cases.ts.

import { describe, expect, it } from 'vitest'
import { createGateway } from '../../../src/gateway.ts'
import { createLogger } from '../../../src/log.ts'
import { buildGatewayConfig } from '../../../src/model/declarative.ts'
import { generators } from '../../../src/plugins/correlation-id/generators.ts'
import type { CorrelationIdConfig } from '../../../src/plugins/correlation-id/schema.ts'
import { PLUGINS } from '../../../src/plugins/index.ts'
import { headersUpstream } from '../../support/headers-upstream.ts'
import { loadProblems, pluginConfigProblems, validPluginConfig } from '../../support/plugin-config.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
// Kong's TRACKER_PATTERN, for an IPv4 address: address-port-pid-connection-requests-seconds.milliseconds.
const TRACKER = /^\d+\.\d+\.\d+\.\d+-\d+-\d+-\d+-\d+-\d{10}\.\d{3}$/

describe('correlation-id schema', () => {
  it("has Kong's defaults, also without a config", () => {
    const defaults = { header_name: 'Kong-Request-ID', generator: 'uuid#counter', echo_downstream: false }
    expect(validPluginConfig<CorrelationIdConfig>('correlation-id')).toEqual(defaults)
    expect(validPluginConfig<CorrelationIdConfig>('correlation-id', {})).toEqual(defaults)
  })

  it('requires generator: an explicit null is refused (required field missing)', () => {
    expect(pluginConfigProblems('correlation-id', { generator: null })).toEqual({ generator: 'required field missing' })
  })

  it('takes only its generators, and a boolean echo_downstream', () => {
    expect(pluginConfigProblems('correlation-id', { generator: 'ulid', echo_downstream: 'yes' })).toEqual({
      generator: 'expected one of: uuid, uuid#counter, tracker',
      echo_downstream: 'expected a boolean',
    })
  })
})

describe('correlation-id generators', () => {
  const ctx = { url: new URL('http://127.0.0.1:8000/x') }

  it('uuid: a new UUID every time', () => {
    const { uuid } = generators()
    const [a, b] = [uuid(ctx), uuid(ctx)]
    expect(a).toMatch(UUID)
    expect(b).toMatch(UUID)
    expect(a).not.toBe(b)
  })

  it("uuid#counter: the instance's UUID and a counter from 1, per instance", () => {
    const first = generators()['uuid#counter']
    const [a, b] = [first(ctx), first(ctx)]
    expect(a).toMatch(new RegExp(`${UUID.source.slice(1, -1)}#1$`))
    expect(b).toBe(a.replace(/#1$/, '#2'))
    const other = generators()['uuid#counter'](ctx)
    expect(other).toMatch(/#1$/)
    expect(other).not.toBe(a)
  })

  it("tracker: Kong's format, from the address and port the request was sent to; a serial makes each unique", () => {
    const { tracker } = generators()
    const [a, b] = [tracker(ctx), tracker(ctx)]
    expect(a).toMatch(TRACKER)
    expect(a.startsWith('127.0.0.1-8000-')).toBe(true)
    expect(b).not.toBe(a)
    expect(tracker({ url: new URL('https://gateway.example/') })).toMatch(/^gateway\.example-443-\d+-3-1-\d{10}\.\d{3}$/)
  })
})

describe('correlation-id at load', () => {
  it('a header_name no HTTP server can send is refused, naming the field', () => {
    expect(loadProblems('correlation-id', { header_name: 'Bad Name' })).toEqual({
      header_name: 'cannot be sent as a header name: character U+0020 at 3',
    })
  })
})

describe('correlation-id reads its header as kong.request.get_header does', () => {
  const registry = [...PLUGINS.filter((plugin) => plugin.name === 'correlation-id'), headersUpstream]
  const document = {
    _format_version: '3.0',
    routes: [
      {
        name: 'r',
        paths: ['/'],
        plugins: [{ name: 'correlation-id', config: { header_name: 'X_Corr_ID', echo_downstream: true } }, { name: 'test-upstream' }],
      },
    ],
  }
  const gateway = createGateway({ config: buildGatewayConfig(document, {}, { registry }), env: {}, log: createLogger('error', () => {}), registry })

  it('a header_name with `_` finds the id the client sent under `-` (nginx: `-` and `_` alike), keeps it and echoes it', async () => {
    const { response } = await gateway.handle(new Request('http://gw.test/', { headers: { 'x-corr-id': 'abc' } }))
    expect(response.headers.get('x_corr_id')).toBe('abc')
    expect(await response.json()).toEqual({ 'x-corr-id': 'abc' })
  })
})
