// The plugin pipeline with plugins made for the test: Kong's priority order, precedence by
// scope, an access answer ending the access phase while every plugin of the request still sees
// the answer, the 503 of a route nothing answers, and what is refused at load.

import { describe, expect, it } from 'vitest'
import { createGateway } from '../../src/gateway.ts'
import { createLogger } from '../../src/log.ts'
import { buildGatewayConfig } from '../../src/model/declarative.ts'
import { ConfigError } from '../../src/model/validate.ts'
import { writableAnswer } from '../../src/pipeline/exchange.ts'
import type { PluginDefinition } from '../../src/pipeline/plugin.ts'

/** Every phase a test plugin ran, in order, as `name:phase[:label]`. */
let calls: string[] = []

const labelSchema = { label: { type: 'string', default: '-', doc: 'Which instance.' } } as const

/** A plugin that records its phases; `answers` makes its access handler answer with its label. */
function recorder(name: string, priority: number, answers = false): PluginDefinition<typeof labelSchema> {
  return {
    name,
    priority,
    schema: labelSchema,
    ...(answers ? { terminates: () => true } : {}),
    create: (config) => ({
      access: () => {
        calls.push(`${name}:access:${config.label}`)
        return answers ? new Response(`${name} ${config.label}`, { status: 200 }) : undefined
      },
      response: (_ctx, response) => {
        calls.push(`${name}:response`)
        response.headers.append('x-seen-by', name)
        return response
      },
      log: (_ctx, status) => void calls.push(`${name}:log:${status}`),
    }),
  }
}

const registry = [recorder('first', 2000), recorder('answer', 750, true), recorder('later', 10), recorder('same-b', 500), recorder('same-a', 500)]
const plugin = (name: string, label = '-', extra: Record<string, unknown> = {}) => ({ name, config: { label }, ...extra })

async function send(document: Record<string, unknown>, path = '/'): Promise<Response> {
  calls = []
  const log = createLogger('error', () => {})
  const gateway = createGateway({ config: buildGatewayConfig({ _format_version: '3.0', ...document }, {}, { registry }), env: {}, log, registry })
  const exchange = await gateway.handle(new Request(`http://gateway.test${path}`))
  const response = writableAnswer(exchange, log)
  return response
}

describe('the plugin pipeline', () => {
  it("runs access handlers in Kong's priority order (equal priorities: the later name first); an answer ends the access phase, the response and log phases run for every plugin", async () => {
    const response = await send({
      routes: [{ paths: ['/'], plugins: [plugin('later'), plugin('same-a'), plugin('answer', 'route'), plugin('first'), plugin('same-b')] }],
    })
    expect(await response.text()).toBe('answer route')
    expect(calls).toEqual([
      'first:access:-',
      'answer:access:route',
      'first:response',
      'answer:response',
      'same-b:response',
      'same-a:response',
      'later:response',
      'first:log:200',
      'answer:log:200',
      'same-b:log:200',
      'same-a:log:200',
      'later:log:200',
    ])
    expect(response.headers.get('x-seen-by')).toBe('first, answer, same-b, same-a, later')
  })

  it("picks one instance per name by Kong's precedence: the route's over its service's over the global one", async () => {
    const document = {
      plugins: [plugin('answer', 'global')],
      services: [
        {
          name: 's',
          url: 'http://upstream.invalid',
          plugins: [plugin('answer', 'service')],
          routes: [{ paths: ['/own'], plugins: [plugin('answer', 'route')] }, { paths: ['/inherited'] }],
        },
      ],
      routes: [{ paths: ['/global'] }],
    }
    expect(await (await send(document, '/own')).text()).toBe('answer route')
    expect(await (await send(document, '/inherited')).text()).toBe('answer service')
    expect(await (await send(document, '/global')).text()).toBe('answer global')
  })

  it("answers Kong's 503 on a route without a service that no plugin answers", async () => {
    const response = await send({ routes: [{ paths: ['/'], plugins: [plugin('first')] }] })
    expect([response.status, await response.json()]).toEqual([503, { message: 'no Service found with those values' }])
    expect(calls).toEqual(['first:access:-', 'first:response', 'first:log:503'])
  })

  it('refuses, naming the route, a route of a service that no plugin answers: proxying is not supported yet', () => {
    const document = {
      _format_version: '3.0',
      services: [{ name: 's', url: 'http://upstream.invalid', routes: [{ paths: ['/'], plugins: [plugin('first')] }] }],
    }
    const config = buildGatewayConfig(document, {}, { registry })
    expect(() => createGateway({ config, env: {}, log: createLogger('error', () => {}), registry })).toThrow(ConfigError)
    try {
      createGateway({ config, env: {}, log: createLogger('error', () => {}), registry })
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        { path: 'services[0].routes[0]', message: 'no plugin answers this route (answer), and proxying to its service is not supported yet' },
      ])
    }
  })
})
