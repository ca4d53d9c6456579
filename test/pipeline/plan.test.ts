// The plugin pipeline with plugins made for the test: Kong's priority order, precedence by
// scope (route, service, consumer and consumer group, the consumer set by an authentication
// plugin made for the test), an access answer ending the access phase while every plugin of the
// request still sees the answer, the 503 of a route nothing answers, and what is refused at load.

import { describe, expect, it } from 'vitest'
import { createGateway } from '../../src/gateway.ts'
import { createLogger } from '../../src/log.ts'
import { buildGatewayConfig, type GatewayConsumer } from '../../src/model/declarative.ts'
import { ConfigError } from '../../src/model/validate.ts'
import type { RequestContext } from '../../src/pipeline/context.ts'
import { writableAnswer } from '../../src/pipeline/exchange.ts'
import { planRoute } from '../../src/pipeline/plan.ts'
import type { PluginDefinition } from '../../src/pipeline/plugin.ts'
import { responsePhaseExit } from '../../src/pipeline/run.ts'

/** Every phase a test plugin ran, in order, as `name:phase[:label]`. */
let calls: string[] = []

const labelSchema = { label: { type: 'string', default: '-' } } as const

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
      log: (_ctx, served) => void calls.push(`${name}:log:${served.status}`),
    }),
  }
}

/** A plugin whose handler for the phase named by its label throws (its other phases record). */
const failing: PluginDefinition<typeof labelSchema> = {
  name: 'failing',
  priority: 600,
  schema: labelSchema,
  create: (config) => {
    const reach = (phase: string) => {
      calls.push(`failing:${phase}`)
      if (config.label === phase) throw new Error('secret library text')
    }
    return {
      access: () => {
        reach('access')
        return undefined
      },
      response: (_ctx, response) => {
        reach('response')
        return response
      },
      log: () => void reach('log'),
    }
  },
}

/** A plugin whose response phase ends with an answer of its own (Kong's kong.response.exit in header_filter). */
const exiting: PluginDefinition = {
  name: 'exiting',
  priority: 700,
  schema: {},
  create: () => ({
    response: () => {
      calls.push('exiting:response')
      return responsePhaseExit(new Response(null, { status: 429 }))
    },
    log: (_ctx, served) => void calls.push(`exiting:log:${served.status}:${served.source}`),
  }),
}

const registry = [
  recorder('first', 2000),
  recorder('answer', 750, true),
  exiting,
  failing,
  recorder('later', 10),
  recorder('same-b', 500),
  recorder('same-a', 500),
]
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

  it('answers the sanitised 500 when a response handler throws, skips the response handlers after it, and still runs every log handler', async () => {
    const response = await send({ routes: [{ paths: ['/'], plugins: [plugin('first'), plugin('answer'), plugin('failing', 'response'), plugin('later')] }] })
    expect([response.status, await response.json()]).toEqual([
      500,
      { message: 'An unexpected error occurred', request_id: response.headers.get('x-request-id') },
    ])
    expect(calls).toEqual([
      'first:access:-',
      'answer:access:-',
      'first:response',
      'answer:response',
      'failing:response',
      'first:log:500',
      'answer:log:500',
      'failing:log',
      'later:log:500',
    ])
  })

  it("an answer a response phase exits with is the gateway's, and the response phases after it do not run, as after Kong's exit in header_filter; every log phase runs", async () => {
    // No service: the route's answer is the gateway's 503 (source error) until the exit makes it the plugin's.
    const response = await send({ routes: [{ paths: ['/'], plugins: [plugin('first'), { name: 'exiting' }, plugin('later')] }] })
    expect(response.status).toBe(429)
    expect(calls).toEqual(['first:access:-', 'later:access:-', 'first:response', 'exiting:response', 'first:log:429', 'exiting:log:429:exit', 'later:log:429'])
  })

  it('answers the sanitised 500 when an access handler throws (the plugins after it never joined the request, as in Kong); a failing log handler does not stop the next', async () => {
    const access = await send({ routes: [{ paths: ['/'], plugins: [plugin('failing', 'access'), plugin('later')] }] })
    expect([access.status, await access.json()]).toEqual([500, { message: 'An unexpected error occurred', request_id: access.headers.get('x-request-id') }])
    expect(calls).toEqual(['failing:access', 'failing:response', 'failing:log'])
    const log = await send({ routes: [{ paths: ['/'], plugins: [plugin('first'), plugin('failing', 'log'), plugin('answer')] }] })
    expect(log.status).toBe(200)
    expect(calls).toEqual([
      'first:access:-',
      'answer:access:-',
      'first:response',
      'answer:response',
      'failing:response',
      'first:log:200',
      'answer:log:200',
      'failing:log',
    ])
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
    expect([response.status, await response.json()]).toEqual([
      503,
      { message: 'no Service found with those values', request_id: response.headers.get('x-request-id') },
    ])
    expect(calls).toEqual(['first:access:-', 'first:response', 'first:log:503'])
  })

  it('refuses, naming the field, a route of a service that no plugin answers when the service is not http or https', () => {
    const document = {
      _format_version: '3.0',
      services: [{ name: 's', url: 'grpc://upstream.invalid', routes: [{ paths: ['/'], plugins: [plugin('first')] }] }],
    }
    const config = buildGatewayConfig(document, {}, { registry })
    expect(() => createGateway({ config, env: {}, log: createLogger('error', () => {}), registry })).toThrow(ConfigError)
    try {
      createGateway({ config, env: {}, log: createLogger('error', () => {}), registry })
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        {
          path: 'services[0].protocol',
          message: 'routes are proxied over http and https only: grpc services are not supported (route services[0].routes[0] has no plugin that answers it)',
        },
      ])
    }
  })

  it('refuses a configuration read with a plugin the gateway was not given, rather than serve the route without it', () => {
    const config = buildGatewayConfig({ _format_version: '3.0', routes: [{ paths: ['/'], plugins: [plugin('first'), plugin('answer')] }] }, {}, { registry })
    const without = registry.filter((definition) => definition.name !== 'first')
    expect(() => createGateway({ config, env: {}, log: createLogger('error', () => {}), registry: without })).toThrow(
      "plugin 'first' (routes[0].plugins[0].config) is not one of this gateway's",
    )
  })
})

describe("Kong's precedence with consumers and consumer groups", () => {
  /** The consumers of the configuration under test: the fake authentication plugin finds them here. */
  let known: readonly GatewayConsumer[] = []
  /** An authentication plugin made for the test: the request's consumer is the one named by x-consumer. */
  const auth: PluginDefinition<typeof labelSchema> = {
    name: 'auth',
    priority: 1000,
    schema: labelSchema,
    noConsumer: true,
    create: () => ({
      access: (ctx) => {
        ctx.consumer = known.find((consumer) => consumer.username === ctx.headers.get('x-consumer'))
        return undefined
      },
    }),
  }
  const withAuth = [...registry, auth]

  function gatewayFor(document: Record<string, unknown>) {
    const config = buildGatewayConfig({ _format_version: '3.0', ...document }, {}, { registry: withAuth })
    known = config.consumers
    const log = createLogger('error', () => {})
    return createGateway({ config, env: {}, log, registry: withAuth })
  }

  async function answerFor(gateway: ReturnType<typeof gatewayFor>, consumer?: string): Promise<string> {
    calls = []
    const headers = consumer ? { 'x-consumer': consumer } : undefined
    const exchange = await gateway.handle(new Request('http://gateway.test/', { headers }))
    return exchange.response.text()
  }

  const base = {
    consumer_groups: [{ name: 'gold' }, { name: 'silver' }],
    consumers: [{ username: 'alice', groups: [{ name: 'gold' }] }, { username: 'bob' }],
    services: [{ name: 's', url: 'http://upstream.invalid', routes: [{ name: 'r', paths: ['/'] }] }],
  }
  /** Kong's order, most specific first, as the entities each instance names. */
  const ORDER: Record<string, string>[] = [
    { consumer: 'alice', route: 'r', service: 's' },
    { consumer_group: 'gold', service: 's', route: 'r' },
    { consumer: 'alice', route: 'r' },
    { consumer: 'alice', service: 's' },
    { consumer_group: 'gold', route: 'r' },
    { consumer_group: 'gold', service: 's' },
    { route: 'r', service: 's' },
    { consumer: 'alice' },
    { consumer_group: 'gold' },
    { route: 'r' },
    { service: 's' },
    {},
  ]
  const label = (scope: Record<string, string>) => Object.keys(scope).sort().join('+') || 'global'

  it.each(ORDER.map((scope, i) => [label(scope), i]))('%s wins over every less specific scope', async (_, index) => {
    const plugins = ORDER.slice(index as number).map((scope) => ({ name: 'answer', config: { label: label(scope) }, ...scope }))
    const gateway = gatewayFor({ ...base, plugins: [{ name: 'auth' }, ...plugins] })
    expect(await answerFor(gateway, 'alice')).toBe(`answer ${label(ORDER[index as number])}`)
  })

  it('a request without a consumer, or by a consumer no instance names, gets the most specific instance that names no consumer', async () => {
    const gateway = gatewayFor({
      ...base,
      plugins: [
        { name: 'auth' },
        plugin('answer', 'alice', { consumer: 'alice' }),
        plugin('answer', 'gold', { consumer_group: 'gold' }),
        plugin('answer', 'route', { route: 'r' }),
      ],
    })
    expect(await answerFor(gateway)).toBe('answer route')
    expect(await answerFor(gateway, 'bob')).toBe('answer route')
    expect(await answerFor(gateway, 'alice')).toBe('answer alice')
  })

  it('nested forms scope the same way: plugins written in a consumer or a consumer group', async () => {
    const gateway = gatewayFor({
      consumer_groups: [{ name: 'gold', plugins: [plugin('answer', 'gold group')], consumers: [{ username: 'bob' }] }],
      consumers: [{ username: 'alice', plugins: [plugin('answer', 'alice')] }, { username: 'bob' }, { username: 'carol' }],
      routes: [{ name: 'r', paths: ['/'], plugins: [plugin('auth'), plugin('answer', 'route')] }],
    })
    expect(await answerFor(gateway, 'alice')).toBe('answer alice')
    expect(await answerFor(gateway, 'bob')).toBe('answer gold group')
    expect(await answerFor(gateway, 'carol')).toBe('answer route')
  })

  it('between the instances of two groups of a consumer, the group first by name wins, whatever the order groups are listed in', async () => {
    const gateway = gatewayFor({
      consumer_groups: [{ name: 'silver' }, { name: 'gold' }],
      consumers: [{ username: 'bob', groups: [{ name: 'silver' }, { name: 'gold' }] }],
      routes: [{ name: 'r', paths: ['/'], plugins: [plugin('auth')] }],
      plugins: [plugin('answer', 'silver', { consumer_group: 'silver' }), plugin('answer', 'gold', { consumer_group: 'gold' })],
    })
    expect(await answerFor(gateway, 'bob')).toBe('answer gold')
  })

  it('a plugin that runs before the authentication plugin is picked without a consumer, as in Kong', async () => {
    const gateway = gatewayFor({
      ...base,
      plugins: [{ name: 'auth' }, plugin('first', 'alice', { consumer: 'alice' }), plugin('answer', 'route', { route: 'r' })],
    })
    expect(await answerFor(gateway, 'alice')).toBe('answer route')
    expect(calls).not.toContain('first:access:alice')
  })

  it('the pick is made once per route when no instance of the name is scoped to a consumer: it never looks at the request', () => {
    const config = buildGatewayConfig({ _format_version: '3.0', routes: [{ paths: ['/'], plugins: [plugin('answer', 'route')] }] }, {}, { registry })
    const plan = planRoute(config.routes[0], config.plugins, registry, {
      env: {},
      log: createLogger('error', () => {}),
      services: undefined as never,
      consumers: config,
      upstream: () => () => new Response(null, { status: 503 }),
    })
    const untouchable = new Proxy({} as RequestContext, {
      get: () => {
        throw new Error('the request was looked at')
      },
    })
    expect(plan.steps.map((step) => step.pick(untouchable))).toHaveLength(1)
    expect(plan.steps[0].pick(untouchable)).toBe(plan.steps[0].pick(untouchable))
  })

  it('refuses to scope a plugin that cannot be scoped to consumers (Kong: value must be null)', () => {
    expect(() => buildGatewayConfig({ _format_version: '3.0', ...base, plugins: [{ name: 'auth', consumer: 'alice' }] }, {}, { registry: withAuth })).toThrow(
      "plugins[0].consumer: value must be null: plugin 'auth' cannot be scoped to a consumer",
    )
    expect(() =>
      buildGatewayConfig({ _format_version: '3.0', ...base, consumer_groups: [{ name: 'gold', plugins: [{ name: 'auth' }] }] }, {}, { registry: withAuth }),
    ).toThrow("consumer_groups[0].plugins[0].consumer_group: value must be null: plugin 'auth' cannot be scoped to a consumer group")
  })
})
