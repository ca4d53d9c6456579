// The request-termination config: Kong's schema spec
// (spec/03-plugins/14-request-termination/01-schema_spec.lua) with Kong's messages, and when a
// route it is on needs no upstream.

import { describe, expect, it } from 'vitest'
import { createGateway } from '../../../src/gateway.ts'
import { createLogger } from '../../../src/log.ts'
import { buildGatewayConfig } from '../../../src/model/declarative.ts'
import { gatewayWith, pluginConfigProblems, validPluginConfig } from '../../support/plugin-config.ts'

const problems = (config: Record<string, unknown>) => pluginConfigProblems('request-termination', config)
const valid = (config: Record<string, unknown>) => validPluginConfig('request-termination', config)

describe("Kong's request-termination schema spec", () => {
  it.each([
    [{ status_code: 404 }],
    [{ message: 'Not found' }],
    [{ content_type: 'text/html', body: '<body><h1>Not found</h1>' }],
    [{ body: '<body><h1>Not found</h1>' }],
    [{ echo: true, trigger: 'header_name' }],
  ])('accepts %j', (config) => {
    expect(valid(config)).toMatchObject(config)
  })

  it.each([
    ['status_code should only accept numbers', { status_code: 'abcd' }, { status_code: 'expected an integer' }],
    ['status_code can not be set as null', { status_code: null }, { status_code: 'required field missing' }],
    ['status_code < 100', { status_code: 99 }, { status_code: 'value should be between 100 and 599' }],
    ['status_code > 599', { status_code: 600 }, { status_code: 'value should be between 100 and 599' }],
    ['message with body', { message: 'error', body: 'test' }, { '@entity': 'message cannot be used with content_type or body' }],
    [
      'message with body and content_type',
      { message: 'error', content_type: 'text/html', body: 'test' },
      { '@entity': 'message cannot be used with content_type or body' },
    ],
    ['message with content_type', { message: 'error', content_type: 'text/html' }, { '@entity': 'message cannot be used with content_type or body' }],
    ['content_type without body', { content_type: 'text/html' }, { '@entity': 'content_type requires a body' }],
    [
      'echo with body & content_type',
      { echo: true, content_type: 'text/html', body: '<body><h1>Not found</h1>' },
      { '@entity': 'echo cannot be used with content_type and body' },
    ],
  ])('refuses: %s', (_what, config, expected) => {
    expect(problems(config)).toEqual(expected)
  })
})

describe('request-termination config', () => {
  it("has Kong's defaults", () => {
    expect(valid({})).toEqual({ status_code: 503, echo: false })
  })

  it("refuses a trigger that is not a header name, in Kong's words", () => {
    expect(problems({ trigger: 'x y' })).toEqual({ trigger: "bad header name 'x y', allowed characters are A-Z, a-z, 0-9, '_', and '-'" })
  })
})

describe('request-termination on the route of a service', () => {
  const log = createLogger('error', () => {})
  const proxied: string[] = []
  const gatewayWith = (config: Record<string, unknown>) =>
    createGateway({
      upstreamTransport: async (request) => {
        proxied.push(`${request.method} ${request.host}:${request.port}${request.target}`)
        return new Response('from the service')
      },
      config: buildGatewayConfig(
        {
          _format_version: '3.0',
          services: [{ name: 's', url: 'http://upstream.invalid', routes: [{ paths: ['/'], plugins: [{ name: 'request-termination', config }] }] }],
        },
        {},
      ),
      env: {},
      log,
    })

  it('needs no upstream without a trigger: it answers every request', async () => {
    const exchange = await gatewayWith({ status_code: 410 }).handle(new Request('http://gateway.test/'))
    expect(exchange.response.status).toBe(410)
  })

  it('with a trigger, the other requests are proxied to the service', async () => {
    const gateway = gatewayWith({ trigger: 'stop', status_code: 410 })
    expect((await gateway.handle(new Request('http://gateway.test/', { headers: { stop: '1' } }))).response.status).toBe(410)
    const exchange = await gateway.handle(new Request('http://gateway.test/a?b'))
    expect([exchange.response.status, await exchange.response.text()]).toEqual([200, 'from the service'])
    expect(proxied).toEqual(['GET upstream.invalid:80/a?b'])
  })
})

describe('request-termination trigger', () => {
  const gateway = createGateway({
    config: buildGatewayConfig(
      {
        _format_version: '3.0',
        routes: [{ paths: ['/'], plugins: [{ name: 'request-termination', config: { trigger: 'maintenance_mode', status_code: 418 } }] }],
      },
      {},
    ),
    env: {},
    log: createLogger('error', () => {}),
  })
  const status = async (path: string, headers: Record<string, string> = {}) =>
    (await gateway.handle(new Request(`http://gateway.test${path}`, { headers }))).response.status

  it("is a header whatever its case, `_` standing for `-` (nginx's header table), with any value", async () => {
    expect(await status('/', { 'Maintenance-Mode': '' })).toBe(418)
    // nginx drops header names with `_` (ignore_invalid_headers): only the `-` spelling counts.
    expect(await status('/', { maintenance_mode: 'on' })).toBe(503)
  })

  it('is a query argument by its exact name, with a value or none', async () => {
    expect(await status('/?maintenance_mode')).toBe(418)
    expect(await status('/?maintenance_mode=0')).toBe(418)
    expect(await status('/?maintenance-mode=1')).toBe(503)
    expect(await status('/?Maintenance_Mode=1')).toBe(503)
  })
})

describe('request-termination content_type', () => {
  it('one no server can send is refused at load, naming the character (it would make every answer a 500)', () => {
    expect(pluginConfigProblems('request-termination', { status_code: 200, content_type: 'text/plain\u0007', body: 'x' })).toEqual({
      content_type: 'the header value cannot be sent: character U+0007 at 10',
    })
  })
})

describe('request-termination echo', () => {
  it("gives header values whose bytes are UTF-8 as that text, as Kong's JSON does", async () => {
    const { send } = gatewayWith('request-termination', { echo: true, status_code: 200 })
    const bytes = String.fromCharCode(...new TextEncoder().encode('李雷'))
    const body = (await (await send(new Request('http://gateway.test/', { headers: { 'x-name': bytes, 'x-plain': 'caf\xe9' } }))).json()) as {
      request: { headers: Record<string, string> }
    }
    expect(body.request.headers).toMatchObject({ 'x-name': '李雷', 'x-plain': 'caf\xe9' })
  })
})
