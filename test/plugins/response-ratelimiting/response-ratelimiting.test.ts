// The response-ratelimiting plugin in a gateway, in process: Kong's schema spec
// (spec/03-plugins/24-response-rate-limiting/01-schema_spec.lua), and what the e2e cases cannot
// reach: a window's end (the clock set by the test, vi.setSystemTime), a store that fails, a
// global plugin over several routes, and counting only once the answer is sent.

import { describe, expect, it, vi } from 'vitest'
import { createGateway } from '../../../src/gateway.ts'
import { createLogger } from '../../../src/log.ts'
import { buildGatewayConfig } from '../../../src/model/declarative.ts'
import { writableAnswer } from '../../../src/pipeline/exchange.ts'
import type { PluginDefinition } from '../../../src/pipeline/plugin.ts'
import { PLUGINS } from '../../../src/plugins/index.ts'
import type { CounterStore } from '../../../src/rate-limit/counter-store.ts'
import { createLocalStore } from '../../../src/rate-limit/local-store.ts'
import { pluginConfigProblems, validPluginConfig } from '../../support/plugin-config.ts'
import { NOW, REDIS_SETTINGS, useFixedClock } from '../../support/rate-limit-fixtures.ts'

const problems = (config: Record<string, unknown>) => pluginConfigProblems('response-ratelimiting', config)
const valid = (config: Record<string, unknown>) => validPluginConfig('response-ratelimiting', config)

describe("Kong's response-ratelimiting schema spec", () => {
  it('takes a limit for one period, or for all six', () => {
    expect(valid({ limits: { video: { second: 1 } } }).limits).toEqual({ video: { second: 1 } })
    const all = { second: 1, minute: 2, hour: 3, day: 4, month: 5, year: 6 }
    expect(valid({ limits: { video: all } }).limits).toEqual({ video: all })
  })

  it("has Kong's defaults", () => {
    expect(valid({ limits: { video: { second: 1 } } })).toEqual({
      header_name: 'x-kong-limit',
      limit_by: 'consumer',
      policy: 'local',
      fault_tolerant: true,
      redis: { port: 6379, timeout: 2000, database: 0, ssl: false, ssl_verify: false },
      block_on_first_violation: false,
      hide_client_headers: false,
      limits: { video: { second: 1 } },
    })
  })

  it('refuses a config without limits, or with none', () => {
    expect(problems({})).toEqual({ limits: 'required field missing' })
    expect(problems({ limits: {} })).toEqual({ limits: 'length must be at least 1' })
  })

  it('refuses an unknown period, and a limit that is not a record', () => {
    expect(problems({ limits: { video: { seco: 1 } } })).toEqual({ 'limits.video.seco': 'unknown field' })
    expect(problems({ limits: { second: 10 } })).toEqual({ 'limits.second': 'expected a record' })
  })

  it('takes a null period (Kong #8314)', () => {
    expect(valid({ limits: { video: { second: null, minute: 1 } } }).limits).toEqual({ video: { minute: 1 } })
  })

  it('refuses a longer period with a lower limit, in Kong’s words', () => {
    expect(problems({ limits: { video: { second: 2, minute: 1 } } })).toEqual({
      'limits.video': 'the limit for minute(1.0) cannot be lower than the limit for second(2.0)',
    })
    expect(problems({ limits: { video: { second: 1, minute: 2, hour: 3, day: 4, month: 6, year: 5 } } })).toEqual({
      'limits.video': 'the limit for year(5.0) cannot be lower than the limit for month(6.0)',
    })
  })

  it('refuses a limit without a period, and one that is not positive', () => {
    expect(problems({ limits: { video: {} } })).toEqual({
      'limits.video': "at least one of these fields must be non-empty: 'second', 'minute', 'hour', 'day', 'month', 'year'",
    })
    expect(problems({ limits: { video: { minute: 0 } } })).toEqual({ 'limits.video.minute': 'value must be greater than 0' })
  })

  it('takes the redis block and its deprecated redis_* fields; policy redis needs a host', () => {
    const redis = REDIS_SETTINGS
    expect(valid({ limits: { video: { second: 10 } }, policy: 'redis', redis }).redis).toEqual(redis)
    const legacy = Object.fromEntries(Object.entries(redis).map(([field, value]) => [`redis_${field}`, value]))
    expect(valid({ limits: { video: { second: 10 } }, policy: 'redis', ...legacy }).redis).toEqual(redis)
    expect(problems({ limits: { video: { second: 10 } }, policy: 'redis', redis: { port: 6380 } })).toEqual({
      '@entity': 'config.redis.host: required field missing',
    })
  })

  it('refuses what no answer could carry: a limit name or header_name that is not a header name', () => {
    expect(problems({ limits: { 'my video': { second: 1 } } })).toEqual({
      'limits.my video': "bad header name 'my video', allowed characters are A-Z, a-z, 0-9, '_', and '-'",
    })
    expect(problems({ header_name: 'x limit', limits: { video: { second: 1 } } })).toEqual({
      header_name: "bad header name 'x limit', allowed characters are A-Z, a-z, 0-9, '_', and '-'",
    })
  })
})

useFixedClock()

type Doc = Record<string, unknown>

/** A function or upstream for the test: answers 200 with the X-Kong-Limit of the query's `cost` (default `video=1`). */
const upstream: PluginDefinition = {
  name: 'test-upstream',
  priority: 1,
  schema: {},
  create: () => ({
    access: (ctx) => new Response('ok', { headers: { 'x-kong-limit': ctx.url.searchParams.get('cost') ?? 'video=1' } }),
  }),
}
const registry = [...PLUGINS, upstream]
const answering = { name: 'test-upstream' }

/**
 * A gateway whose routes are answered in process; `send` returns the answer as a client gets it
 * and runs the log phase (the request's line is written) as a server does once it is sent.
 */
function gateway(document: Doc, options: { counterStores?: Parameters<typeof createGateway>[0]['counterStores'] } = {}) {
  const lines: string[] = []
  const log = createLogger('debug', (line) => lines.push(line))
  // The client's address is the request's x-test-ip (as a Worker's CF-Connecting-IP).
  const clientInfo = (request: Request) => ({ sourceIp: request.headers.get('x-test-ip'), protocol: 'HTTP/1.1', scheme: 'http' as const })
  const config = buildGatewayConfig({ _format_version: '3.0', ...document }, {}, { registry })
  const handler = createGateway({ config, env: {}, log, registry, clientInfo, ...options })
  const send = async (path = '/', headers: Record<string, string> = {}) =>
    writableAnswer(await handler.handle(new Request(`http://gateway.test${path}`, { headers })), log)
  return { send, lines }
}

const limited = (config: Doc, path = '/') => ({
  name: `r${path.slice(1)}`,
  paths: [path],
  plugins: [{ name: 'response-ratelimiting', config }, answering],
})
const rateHeaders = (response: Response) => Object.fromEntries([...response.headers].filter(([name]) => /ratelimit|kong-limit/.test(name)))

describe('response-ratelimiting: counting in windows', () => {
  it('counts what each answer costs, takes X-Kong-Limit off the answer, and starts again in the next window (Kong’s “expires a counter”)', async () => {
    const { send } = gateway({ routes: [limited({ limits: { video: { minute: 6 } } })] })
    expect(rateHeaders(await send())).toEqual({ 'x-ratelimit-limit-video-minute': '6', 'x-ratelimit-remaining-video-minute': '5' })
    expect(rateHeaders(await send())).toEqual({ 'x-ratelimit-limit-video-minute': '6', 'x-ratelimit-remaining-video-minute': '4' })
    vi.setSystemTime(NOW + 53_000)
    expect(rateHeaders(await send())).toEqual({ 'x-ratelimit-limit-video-minute': '6', 'x-ratelimit-remaining-video-minute': '5' })
  })

  it('a spent limit makes an answer that costs it an empty 429 with the headers, and counts nothing more', async () => {
    const store = countingStore()
    const { send } = gateway({ routes: [limited({ policy: 'cluster', limits: { video: { minute: 2 } } })] }, { counterStores: { cluster: store } })
    await send()
    await send()
    expect(store.added).toBe(2)
    const spent = await send()
    expect(spent.status).toBe(429)
    expect(await spent.text()).toBe('')
    expect(spent.headers.get('content-length')).toBe('0')
    expect(rateHeaders(spent)).toEqual({ 'x-ratelimit-limit-video-minute': '2', 'x-ratelimit-remaining-video-minute': '0' })
    expect(store.added).toBe(2)
  })

  it('a global plugin counts every route together; a route’s own counts apart', async () => {
    const plain = (path: string) => ({ name: `r${path.slice(1)}`, paths: [path], plugins: [answering] })
    const { send } = gateway({
      routes: [plain('/a'), plain('/b'), limited({ limits: { video: { minute: 6 } } }, '/c')],
      plugins: [{ name: 'response-ratelimiting', config: { limits: { video: { minute: 3 } } } }],
    })
    expect((await send('/a')).headers.get('x-ratelimit-remaining-video-minute')).toBe('2')
    expect((await send('/b')).headers.get('x-ratelimit-remaining-video-minute')).toBe('1')
    expect((await send('/c')).headers.get('x-ratelimit-remaining-video-minute')).toBe('5')
    expect((await send('/a')).headers.get('x-ratelimit-remaining-video-minute')).toBe('0')
    expect((await send('/b')).status).toBe(429)
  })

  it('block_on_first_violation blocks a limit an answer overspent too (Kong blocks only at exactly 0 left)', async () => {
    const { send } = gateway({ routes: [limited({ block_on_first_violation: true, limits: { video: { minute: 6 } } })] })
    expect((await send('/?cost=video%3D4')).status).toBe(200)
    // 2 left: this answer may cost 4, as in Kong.
    const overspent = await send('/?cost=video%3D4')
    expect(overspent.status).toBe(200)
    expect(overspent.headers.get('x-ratelimit-remaining-video-minute')).toBe('0')
    // -2 left: refused before the upstream runs (Kong: the upstream runs, then its answer becomes an empty 429).
    const blocked = await send('/?cost=video%3D4')
    expect(blocked.status).toBe(429)
    expect(await blocked.json()).toEqual({ message: "API rate limit exceeded for 'video'", request_id: expect.any(String) })
  })

  it('a negative cost counts down, as in Kong; a cost of 0 or of names not configured counts nothing', async () => {
    const store = countingStore()
    const { send } = gateway({ routes: [limited({ policy: 'cluster', limits: { video: { minute: 6 } } })] }, { counterStores: { cluster: store } })
    expect((await send('/?cost=video%3D2')).headers.get('x-ratelimit-remaining-video-minute')).toBe('4')
    expect((await send('/?cost=video%3D-1')).headers.get('x-ratelimit-remaining-video-minute')).toBe('5')
    expect((await send('/?cost=video%3D0%2C%20image%3D3')).headers.get('x-ratelimit-remaining-video-minute')).toBe('5')
    expect(store.added).toBe(1)
    expect(store.adds).toBe(2)
  })

  it('limit_by ip: each client address counts apart', async () => {
    const { send } = gateway({ routes: [limited({ limit_by: 'ip', limits: { video: { minute: 6 } } })] })
    const from = (ip: string) => ({ 'x-test-ip': ip })
    expect((await send('/', from('192.0.2.1'))).headers.get('x-ratelimit-remaining-video-minute')).toBe('5')
    expect((await send('/', from('192.0.2.2'))).headers.get('x-ratelimit-remaining-video-minute')).toBe('5')
    expect((await send('/', from('192.0.2.1'))).headers.get('x-ratelimit-remaining-video-minute')).toBe('4')
  })
})

describe('response-ratelimiting: a store that fails', () => {
  const failing: CounterStore = {
    take: () => Promise.reject(new Error('store down')),
    add: () => Promise.reject(new Error('store down')),
    read: () => Promise.reject(new Error('store down')),
  }
  const route = (config: Doc) => ({ routes: [limited({ policy: 'cluster', limits: { video: { minute: 6 } }, ...config })] })

  it('fault_tolerant: the answer goes through without headers (Kong’s “keeps working if an error occurs”), the failure logged', async () => {
    const { send, lines } = gateway(route({ fault_tolerant: true }), { counterStores: { cluster: failing } })
    const response = await send()
    expect(response.status).toBe(200)
    expect(rateHeaders(response)).toEqual({})
    expect(lines.some((line) => line.includes('response-ratelimiting: failed to get usage') && line.includes('store down'))).toBe(true)
  })

  it('not fault_tolerant: the sanitised 500 (Kong’s “does not work if an error occurs”)', async () => {
    const { send } = gateway(route({ fault_tolerant: false }), { counterStores: { cluster: failing } })
    const response = await send()
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({ message: 'An unexpected error occurred', request_id: expect.any(String) })
  })

  it('counting that fails after the answer is logged, never the client’s problem', async () => {
    const local = createLocalStore()
    const store: CounterStore = { ...local, add: () => Promise.reject(new Error('store gone')) }
    const { send, lines } = gateway(route({ fault_tolerant: false }), { counterStores: { cluster: store } })
    expect((await send()).status).toBe(200)
    await vi.waitFor(() => expect(lines.some((line) => line.includes('response-ratelimiting: could not count the answer'))).toBe(true))
  })
})

describe('response-ratelimiting: counting waits for the answer', () => {
  it('nothing is counted before the answer is sent (the log phase)', async () => {
    const store = countingStore()
    const lines: string[] = []
    const log = createLogger('debug', (line) => lines.push(line))
    const handler = createGateway({
      config: buildGatewayConfig({ _format_version: '3.0', routes: [limited({ policy: 'cluster', limits: { video: { minute: 6 } } })] }, {}, { registry }),
      env: {},
      log,
      registry,
      counterStores: { cluster: store },
    })
    const exchange = await handler.handle(new Request('http://gateway.test/'))
    expect(exchange.response.status).toBe(200)
    expect(store.added).toBe(0)
    exchange.sent(200)
    expect(store.added).toBe(1)
  })
})

/** A local store that tells how much was added to it, in how many calls. */
function countingStore(): CounterStore & { added: number; adds: number } {
  const local = createLocalStore()
  const store = {
    ...local,
    added: 0,
    adds: 0,
    add(counters: Parameters<CounterStore['add']>[0], amount: number) {
      store.added += amount
      store.adds++
      return local.add(counters, amount)
    },
  }
  return store
}
