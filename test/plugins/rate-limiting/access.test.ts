// The rate-limiting plugin in a gateway, in process: counting, refusals, headers, policies and
// identifiers, with the clock set by the test (vi.setSystemTime) so that no case meets a window's end.

import { describe, expect, it, vi } from 'vitest'
import { createGateway } from '../../../src/gateway.ts'
import { createLogger } from '../../../src/log.ts'
import { buildGatewayConfig } from '../../../src/model/declarative.ts'
import type { CounterStore } from '../../../src/rate-limit/counter-store.ts'
import { NOW, useFixedClock } from '../../support/rate-limit-fixtures.ts'

useFixedClock()

type Doc = Record<string, unknown>

/** Routes answered by request-termination (200 `ok`), after rate-limiting when it lets them through. */
function gateway(document: Doc, options: { counterStores?: Parameters<typeof createGateway>[0]['counterStores'] } = {}) {
  const lines: string[] = []
  const log = createLogger('debug', (line) => lines.push(line))
  const handler = createGateway({ config: buildGatewayConfig({ _format_version: '3.0', ...document }, {}), env: {}, log, ...options })
  const send = async (path = '/', headers: Record<string, string> = {}) =>
    (await handler.handle(new Request(`http://gateway.test${path}`, { headers }))).response
  return { send, lines }
}

const ok = { name: 'request-termination', config: { status_code: 200, message: 'ok' } }
const route = (config: Doc, extra: Doc = {}) => ({ routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'rate-limiting', config }, ok] }], ...extra })

const rateHeaders = (response: Response) => Object.fromEntries([...response.headers].filter(([name]) => /ratelimit|retry-after/.test(name)))

describe('rate-limiting: counting with the local policy', () => {
  it('lets `minute` requests through, then refuses with 429 and Kong’s body, counting none of the refused', async () => {
    const { send } = gateway(route({ minute: 2 }))
    expect((await send()).status).toBe(200)
    expect((await send()).status).toBe(200)
    const refused = await send()
    expect(refused.status).toBe(429)
    expect(await refused.json()).toEqual({ message: 'API rate limit exceeded', request_id: expect.any(String) })
    vi.setSystemTime(NOW + 60_000)
    expect((await send()).status).toBe(200)
  })
})

describe('rate-limiting: the headers, as Kong computes them', () => {
  it('per period the limit and what is left after this request; RateLimit-* of the period with the least left; Retry-After on a refusal', async () => {
    const { send } = gateway(route({ minute: 2, hour: 5 }))
    expect(rateHeaders(await send())).toEqual({
      'x-ratelimit-limit-minute': '2',
      'x-ratelimit-remaining-minute': '1',
      'x-ratelimit-limit-hour': '5',
      'x-ratelimit-remaining-hour': '4',
      'ratelimit-limit': '2',
      'ratelimit-remaining': '1',
      // 05:06:07: 53 seconds to the minute's end.
      'ratelimit-reset': '53',
    })
    await send()
    // Refused: nothing is subtracted for this request, so the hour still has 3 left.
    expect(rateHeaders(await send())).toEqual({
      'x-ratelimit-limit-minute': '2',
      'x-ratelimit-remaining-minute': '0',
      'x-ratelimit-limit-hour': '5',
      'x-ratelimit-remaining-hour': '3',
      'ratelimit-limit': '2',
      'ratelimit-remaining': '0',
      'ratelimit-reset': '53',
      'retry-after': '53',
    })
  })
})

describe('rate-limiting: windows aligned as Kong aligns them (UTC)', () => {
  it('counts again from zero when the minute turns, not a minute after the first request', async () => {
    const { send } = gateway(route({ minute: 1 }))
    vi.setSystemTime(Date.UTC(2026, 2, 4, 5, 6, 59, 900))
    expect((await send()).status).toBe(200)
    expect((await send()).status).toBe(429)
    vi.setSystemTime(Date.UTC(2026, 2, 4, 5, 7, 0))
    expect((await send()).status).toBe(200)
  })

  it('a month is the calendar month; its RateLimit-Reset counts 30 days from its first, at least 1 (Kong’s)', async () => {
    const { send } = gateway(route({ month: 1 }))
    vi.setSystemTime(Date.UTC(2026, 0, 31, 12))
    const response = await send()
    // 30 days after January 1st is January 31st 00:00: Kong says 1.
    expect(rateHeaders(response)['ratelimit-reset']).toBe('1')
    expect((await send()).status).toBe(429)
    vi.setSystemTime(Date.UTC(2026, 1, 1))
    expect(rateHeaders(await send())).toMatchObject({ 'x-ratelimit-remaining-month': '0', 'ratelimit-reset': String(30 * 86400) })
  })

  it('a year is the calendar year (a leap year’s 366 days count in one window)', async () => {
    const { send } = gateway(route({ year: 1 }))
    vi.setSystemTime(Date.UTC(2028, 11, 31, 23, 59, 59))
    expect((await send()).status).toBe(200)
    expect((await send()).status).toBe(429)
    vi.setSystemTime(Date.UTC(2029, 0, 1))
    expect((await send()).status).toBe(200)
  })
})

/** A store that records what it is asked, answering as `answer` says. */
function recordingStore(answer: (counters: readonly { key: string; limit: number }[]) => Promise<{ counts: number[]; taken: boolean }>) {
  const asked: { key: string; owner: string; expiresAt: number; limit: number }[][] = []
  const store: CounterStore = {
    take: (counters) => {
      asked.push(counters.map(({ key, owner, expiresAt, limit }) => ({ key, owner, expiresAt, limit })))
      return answer(counters)
    },
    add: async () => {},
    read: async (keys) => keys.map(() => 0),
  }
  return { store, asked }
}

const redisPolicy = { policy: 'redis', redis: { host: 'redis.test' } }

describe('rate-limiting: counter keys and the store', () => {
  it("names a counter as Kong does: ratelimit:<route id>:<service id>:<identifier>:<window start>:<period>, kept until its window's end", async () => {
    const { store, asked } = recordingStore(async (counters) => ({ counts: counters.map(() => 0), taken: true }))
    const { send } = gateway(
      {
        routes: [
          {
            id: '5f6a1c2e-0000-4000-8000-000000000001',
            paths: ['/'],
            plugins: [{ name: 'rate-limiting', config: { minute: 5, day: 9, limit_by: 'ip', ...redisPolicy } }, ok],
          },
        ],
      },
      { counterStores: { redis: () => store } },
    )
    await send()
    const minute = Date.UTC(2026, 2, 4, 5, 6)
    const day = Date.UTC(2026, 2, 4)
    const nil = '00000000-0000-0000-0000-000000000000'
    // Requests made with fetch's Request in process have no client address.
    const owner = `ratelimit:5f6a1c2e-0000-4000-8000-000000000001:${nil}:`
    expect(asked).toEqual([
      [
        { key: `${owner}:${minute}:minute`, owner, expiresAt: minute + 60_000, limit: 5 },
        { key: `${owner}:${day}:day`, owner, expiresAt: day + 86_400_000, limit: 9 },
      ],
    ])
  })

  it('the owner a store may keep counters together by is the key without its window: one per client, whatever the identifier holds (IPv6: colons and digits)', async () => {
    const { store, asked } = recordingStore(async (counters) => ({ counts: counters.map(() => 0), taken: true }))
    const { send } = gateway(route({ second: 5, hour: 9, limit_by: 'header', header_name: 'x-client', ...redisPolicy }), {
      counterStores: { redis: () => store },
    })
    await send('/', { 'x-client': '2001:db8::1' })
    await send('/', { 'x-client': '2001:db8::2' })
    const owners = asked.map((counters) => [...new Set(counters.map((counter) => counter.owner))])
    expect(owners).toEqual([[expect.stringMatching(/:2001:db8::1$/)], [expect.stringMatching(/:2001:db8::2$/)]])
    for (const counters of asked) for (const { key, owner } of counters) expect(key.startsWith(`${owner}:`)).toBe(true)
  })

  it('a global plugin and a service plugin count all their routes together; route plugins each their own', async () => {
    const services = [
      {
        name: 'shared',
        url: 'http://upstream.invalid',
        plugins: [{ name: 'rate-limiting', config: { minute: 2, limit_by: 'ip' } }],
        routes: [
          { paths: ['/s1'], plugins: [ok] },
          { paths: ['/s2'], plugins: [ok] },
        ],
      },
    ]
    const routes = [
      { paths: ['/r1'], plugins: [{ name: 'rate-limiting', config: { minute: 2, limit_by: 'ip' } }, ok] },
      { paths: ['/r2'], plugins: [{ name: 'rate-limiting', config: { minute: 2, limit_by: 'ip' } }, ok] },
    ]
    const { send } = gateway({ services, routes })
    expect([await send('/s1'), await send('/s2'), await send('/s1')].map((r) => r.status)).toEqual([200, 200, 429])
    expect([await send('/r1'), await send('/r2'), await send('/r1'), await send('/r2'), await send('/r1')].map((r) => r.status)).toEqual([
      200, 200, 200, 200, 429,
    ])
    const global = gateway({
      routes: [
        { paths: ['/g1'], plugins: [ok] },
        { paths: ['/g2'], plugins: [ok] },
      ],
      plugins: [{ name: 'rate-limiting', config: { minute: 2, limit_by: 'ip' } }],
    })
    expect([await global.send('/g1'), await global.send('/g2'), await global.send('/g1')].map((r) => r.status)).toEqual([200, 200, 429])
  })

  it('fault_tolerant (the default): a store that fails lets the request through without headers, and logs why', async () => {
    const { store } = recordingStore(async () => {
      throw new Error('connection refused')
    })
    const { send, lines } = gateway(route({ minute: 1, ...redisPolicy }), { counterStores: { redis: () => store } })
    const response = await send()
    expect([response.status, rateHeaders(response)]).toEqual([200, {}])
    expect(lines.some((line) => line.includes('rate-limiting: failed to get usage') && line.includes('connection refused'))).toBe(true)
  })

  it('fault_tolerant false: a store that fails answers 500, with no error text', async () => {
    const { store } = recordingStore(async () => {
      throw new Error('connection refused')
    })
    const { send } = gateway(route({ minute: 1, fault_tolerant: false, ...redisPolicy }), { counterStores: { redis: () => store } })
    const response = await send()
    expect([response.status, await response.json()]).toEqual([500, { message: 'An unexpected error occurred', request_id: expect.any(String) }])
  })

  it('hands the redis block, deprecated fields included, to the store', async () => {
    const settings: unknown[] = []
    const { store } = recordingStore(async (counters) => ({ counts: counters.map(() => 0), taken: true }))
    gateway(route({ minute: 1, policy: 'redis', redis_host: 'redis.test', redis_port: 6380 }), {
      counterStores: {
        redis: (given) => {
          settings.push(given)
          return store
        },
      },
    })
    expect(settings).toEqual([{ host: 'redis.test', port: 6380, timeout: 2000, database: 0, ssl: false, ssl_verify: false }])
  })
})

describe('rate-limiting: policies this runtime has not', () => {
  const refusal = (config: Doc, counterStores = {}) => {
    try {
      gateway(route(config), { counterStores })
    } catch (error) {
      return (error as { problems: unknown }).problems
    }
    throw new Error('expected a refusal')
  }

  it("cluster without Durable Objects (Node, Deno) is refused with DB-less Kong's message", () => {
    expect(refusal({ minute: 1, policy: 'cluster' })).toEqual([{ path: 'routes[0].plugins[0].config.policy', message: 'expected one of: local, redis' }])
  })

  it('cluster on a Worker without its Durable Object binding is refused naming the binding', () => {
    const missing = { cluster: 'the Worker has no RATE_LIMIT_COUNTERS Durable Object binding (declare it and its migration in wrangler.toml)' }
    expect(refusal({ minute: 1, policy: 'cluster' }, { missing })).toEqual([{ path: 'routes[0].plugins[0].config.policy', message: missing.cluster }])
  })

  it('redis without a Redis client (Workers) is refused naming the field, pointing to cluster', () => {
    expect(refusal({ minute: 1, ...redisPolicy }, { cluster: recordingStore(async () => ({ counts: [], taken: true })).store })).toEqual([
      {
        path: 'routes[0].plugins[0].config.policy',
        message: "no Redis client on this runtime (on Workers use policy 'cluster')",
      },
    ])
  })
})

describe('rate-limiting: whom a request is counted for', () => {
  const consumers = [{ username: 'bob', keyauth_credentials: [{ id: 'c0ffee00-0000-4000-8000-000000000001', key: 'bob-key' }] }, { username: 'anon' }]
  const keyAuth = { name: 'key-auth', config: { anonymous: 'anon' } }
  const counted = (config: Doc) => {
    const { store, asked } = recordingStore(async (counters) => ({ counts: counters.map(() => 0), taken: true }))
    const { send } = gateway(
      {
        consumers,
        services: [
          {
            name: 'svc',
            url: 'http://upstream.invalid',
            routes: [{ name: 'r', paths: ['/'], plugins: [keyAuth, { name: 'rate-limiting', config: { minute: 9, ...redisPolicy, ...config } }, ok] }],
          },
        ],
      },
      { counterStores: { redis: () => store } },
    )
    return async (path = '/', headers: Record<string, string> = {}) => {
      await send(path, headers)
      return (asked.at(-1)?.[0]?.key ?? '').split(':')[3]
    }
  }
  const ids = buildGatewayConfig({ _format_version: '3.0', consumers, services: [{ name: 'svc', url: 'http://upstream.invalid' }] }, {})
  const bob = ids.consumers.find((c) => c.username === 'bob')
  const anon = ids.consumers.find((c) => c.username === 'anon')

  it('consumer: the consumer (the anonymous one too); credential: the credential, else the address', async () => {
    const byConsumer = counted({ limit_by: 'consumer' })
    expect(await byConsumer('/', { apikey: 'bob-key' })).toBe(bob?.id)
    expect(await byConsumer()).toBe(anon?.id)
    const byCredential = counted({ limit_by: 'credential' })
    expect(await byCredential('/', { apikey: 'bob-key' })).toBe('c0ffee00-0000-4000-8000-000000000001')
    // The anonymous consumer has no credential: the client address, unknown in process.
    expect(await byCredential()).toBe('')
  })

  it('service: the service of the route; header: its value (`_` for `-`), an empty one too; path: only the configured path', async () => {
    expect(await counted({ limit_by: 'service' })()).toBe(ids.services[0]?.id)
    const byHeader = counted({ limit_by: 'header', header_name: 'x_tenant' })
    expect(await byHeader('/', { 'x-tenant': 'acme' })).toBe('acme')
    expect(await byHeader('/', { 'x-tenant': '' })).toBe('')
    const byPath = counted({ limit_by: 'path', path: '/a' })
    expect(await byPath('/a')).toBe('/a')
    expect(await byPath('/b')).toBe('')
  })
})
