// response-ratelimiting with the local policy: Kong's spec/03-plugins/24-response-rate-limiting/
// 04-access_spec.lua, on the routes of test/support/gateway-config.ts (responseRlEntities), each
// case twice: proxied to the echo upstream, whose X-Kong-Limit the client asks for
// (x-test-answer-header), and answered by a function, whose proxy response is the client's body.
//
// Kong's second windows are minute windows here (hour for its minute ones), and its ITERATIONS
// the same 6. A case that a minute's end interrupts would see its counts start again: it then
// runs once more as another client (its own address and consumers), whose counters are new.

import { asAnotherClient } from '../support/window-retry.ts'
import { type Case, type ClientRequest, countInvocations, type E2E, json } from './harness.ts'
import { seen } from './proxy-cases.ts'
import type { RedisCase } from './redis-cases.ts'

type Kind = 'proxy' | 'lambda'

/** Who a case's requests come from: another client on each attempt. */
interface Client {
  from: string
  /** The key-auth key of the consumer `role` (`own`, `route`, `everywhere`) for this attempt. */
  key(role: string): string
}

const ITERATIONS = 6

const hostOf = (kind: Kind, name: string) => (kind === 'proxy' ? `${name}.response-rl.test` : `${name}.lambda.response-rl.test`)

/**
 * A request to route `name` whose answer costs `costs` (X-Kong-Limit values, one header line
 * each; none: the answer costs nothing, and only tells what is left).
 */
function costing(kind: Kind, name: string, client: Client, costs: string[] = [], headers: Record<string, string> = {}): ClientRequest & { host: string } {
  const host = hostOf(kind, name)
  if (kind === 'proxy') {
    const answer: Record<string, string> = costs.length > 0 ? { 'x-test-answer-header': costs.map((cost) => `x-kong-limit: ${cost}`).join('|') } : {}
    return { host, path: '/response-headers', from: client.from, headers: { ...answer, ...headers } }
  }
  const reply = { statusCode: 200, body: 'ok', ...(costs.length > 0 ? { multiValueHeaders: { 'X-Kong-Limit': costs } } : {}) }
  return {
    host,
    path: '/response-headers',
    method: 'POST',
    body: JSON.stringify(reply),
    from: client.from,
    headers: { 'content-type': 'application/json', ...headers },
  }
}

const number = (response: Response, header: string) => {
  const value = response.headers.get(header)
  return value === null ? null : Number(value)
}

/** A case per kind, run again as another client when a minute's end interrupted it. */
function windowed(name: string, run: (t: E2E, kind: Kind, client: Client) => Promise<void>, kinds: Kind[] = ['proxy', 'lambda']): Case[] {
  return kinds.map((kind) => ({
    name: `${name} (${kind === 'proxy' ? 'proxied' : 'function'})`,
    run: (t) => asAnotherClient(60_000, (n) => run(t, kind, { from: `127.0.77.${10 + n}`, key: (role: string) => `rrl-${role}-key-${n}` })),
  }))
}

/** Kong's test_limit: `limit` answers pass, the next that costs is refused. */
async function expectLimit(t: E2E, kind: Kind, client: Client, route: string | ((i: number) => string), limit: number, headers: Record<string, string> = {}) {
  const routeOf = typeof route === 'string' ? () => route : route
  for (let i = 0; i < limit; i++) {
    const response = await t.send(costing(kind, routeOf(i), client, ['video=1'], headers))
    t.equal(response.status, 200, `answer ${i + 1} of ${limit}`)
    await response.text()
  }
  const refused = await t.send(costing(kind, routeOf(0), client, ['video=1'], headers))
  t.equal(refused.status, 429, 'the answer over the limit')
  t.equal(await refused.text(), '', 'an empty body (Kong exits in header_filter without one)')
  t.equal(number(refused, 'x-ratelimit-limit-video-minute'), limit, 'limit')
  t.equal(number(refused, 'x-ratelimit-remaining-video-minute'), 0, 'remaining')
}

export const responseRlCases: Case[] = [
  ...windowed('RRL1 returns remaining counter, and takes X-Kong-Limit off the answer', async (t, kind, client) => {
    const n = ITERATIONS / 2
    for (let i = 0; i < n; i++) t.equal((await t.send(costing(kind, 'remaining', client, ['video=1']))).status, 200)
    const response = await t.send(costing(kind, 'remaining', client, ['video=1']))
    t.equal(response.status, 200)
    t.equal(number(response, 'x-ratelimit-limit-video-minute'), ITERATIONS, 'limit')
    t.equal(number(response, 'x-ratelimit-remaining-video-minute'), ITERATIONS - n - 1, 'remaining after this answer')
    t.equal(response.headers.get('x-kong-limit'), null, 'X-Kong-Limit is the gateway’s, not the client’s')
  }),
  ...windowed('RRL2 blocks if exceeding limit', (t, kind, client) => expectLimit(t, kind, client, 'blocks', ITERATIONS)),
  ...windowed('RRL3 counts against the same service from different routes', async (t, kind, client) => {
    const cost = [`video=1, test=${ITERATIONS}`]
    for (let i = 0; i < ITERATIONS; i++) {
      const response = await t.send(costing(kind, i < ITERATIONS / 2 ? 'service1' : 'service2', client, cost))
      t.equal(response.status, 200, `answer ${i + 1}`)
    }
    t.equal((await t.send(costing(kind, 'service1', client, cost))).status, 429)
  }),
  ...windowed('RRL4 handles multiple limits', async (t, kind, client) => {
    const n = ITERATIONS / 2
    let minute = ITERATIONS * 2
    let hour = ITERATIONS * 4
    for (let i = 0; i < n; i++) {
      t.equal((await t.send(costing(kind, 'multiple', client, ['video=2, image=1']))).status, 200)
      minute -= 2
      hour -= 2
    }
    let response = await t.send(costing(kind, 'multiple', client))
    t.equal(number(response, 'x-ratelimit-limit-video-minute'), ITERATIONS * 2)
    t.equal(number(response, 'x-ratelimit-remaining-video-minute'), minute)
    t.equal(number(response, 'x-ratelimit-limit-video-hour'), ITERATIONS * 4)
    t.equal(number(response, 'x-ratelimit-remaining-video-hour'), hour)
    t.equal(number(response, 'x-ratelimit-limit-image-minute'), ITERATIONS)
    t.equal(number(response, 'x-ratelimit-remaining-image-minute'), ITERATIONS - n)
    for (let i = n; i < ITERATIONS; i++) {
      t.equal((await t.send(costing(kind, 'multiple', client, ['video=1, image=1']))).status, 200)
      minute -= 1
      hour -= 1
    }
    response = await t.send(costing(kind, 'multiple', client))
    t.equal(number(response, 'x-ratelimit-remaining-image-minute'), 0)
    t.equal(number(response, 'x-ratelimit-remaining-video-hour'), hour)
    t.equal(number(response, 'x-ratelimit-remaining-video-minute'), minute)
    response = await t.send(costing(kind, 'multiple', client, ['video=1, image=1']))
    t.equal(response.status, 429)
    t.equal(number(response, 'x-ratelimit-remaining-image-minute'), 0)
    t.equal(number(response, 'x-ratelimit-remaining-video-hour'), hour - 1)
    t.equal(number(response, 'x-ratelimit-remaining-video-minute'), minute - 1)
  }),
  ...windowed('RRL5 with authentication: a consumer’s own limit on the route', (t, kind, client) =>
    expectLimit(t, kind, client, 'auth', ITERATIONS - 2, { apikey: client.key('own') }),
  ),
  ...windowed('RRL6 with authentication: the route’s limit for a consumer without one', (t, kind, client) =>
    expectLimit(t, kind, client, 'auth', ITERATIONS - 3, { apikey: client.key('route') }),
  ),
  ...windowed(
    'RRL7 upstream usage headers: what is left of each limit before this request',
    async (t, _kind, client) => {
      const seen = async (costs: string[] = []) => {
        const response = await t.send(costing('proxy', 'upstream-headers', client, costs))
        t.equal(response.status, 200)
        const headers = new Map((await json(response)).headers as Array<[string, string]>)
        return [Number(headers.get('x-ratelimit-remaining-image')), Number(headers.get('x-ratelimit-remaining-video'))]
      }
      t.equal(await seen(), [ITERATIONS - 1, ITERATIONS])
      t.equal(await seen(['video=2, image=1']), [ITERATIONS - 1, ITERATIONS])
      t.equal(await seen(), [ITERATIONS - 2, ITERATIONS - 2])
    },
    ['proxy'],
  ),
  ...windowed(
    'RRL7 usage headers reach the function: what is left of each limit, in its event',
    async (t, _kind, client) => {
      const response = await t.send({ host: hostOf('lambda', 'upstream-headers'), path: '/get', from: client.from })
      t.equal(response.status, 200)
      const event = JSON.parse((await json(response)).body)
      t.equal(event.request_headers['x-ratelimit-remaining-image'], String(ITERATIONS - 1))
      t.equal(event.request_headers['x-ratelimit-remaining-video'], String(ITERATIONS))
    },
    ['lambda'],
  ),
  ...windowed('RRL8 combines multiple X-Kong-Limit header lines', async (t, kind, client) => {
    for (let i = 0; i < ITERATIONS; i++) t.equal((await t.send(costing(kind, 'multi-header', client, ['video=2', 'image=1']))).status, 200)
    t.equal((await t.send(costing(kind, 'multi-header', client, ['video=1']))).status, 200)
    const response = await t.send(costing(kind, 'multi-header', client, ['video=2', 'image=1']))
    t.equal(response.status, 429)
    t.equal(number(response, 'x-ratelimit-remaining-image-minute'), 0)
    t.equal(number(response, 'x-ratelimit-remaining-video-minute'), 0)
  }),
  ...windowed('RRL9 blocks on first violation, before the upstream or function runs', async (t, kind, client) => {
    t.equal((await t.send(costing(kind, 'first-violation', client, ['video=2, image=4']))).status, 200)
    const id = crypto.randomUUID()
    const invoked = await countInvocations(t, 'functionReplyFromBody')
    t.equal((await t.send(costing(kind, 'first-violation', client, [], { 'x-test-id': id }))).status, 429, 'even an answer that would cost nothing')
    if (kind === 'proxy') t.equal((await seen(t, id)).requests, 0, 'the upstream never saw the request')
    else t.equal(await countInvocations(t, 'functionReplyFromBody'), invoked, 'the function was not invoked')
    const response = await t.send(costing(kind, 'first-violation', client, ['video=2']))
    t.equal(response.status, 429)
    t.equal((await json(response)).message, "API rate limit exceeded for 'image'")
  }),
  ...windowed('RRL10 hide_client_headers sends no rate-limit headers', async (t, kind, client) => {
    const response = await t.send(costing(kind, 'hidden', client, ['video=1']))
    t.equal(response.status, 200)
    t.equal(number(response, 'x-ratelimit-remaining-video-minute'), null)
    t.equal(number(response, 'x-ratelimit-limit-video-minute'), null)
    t.equal(response.headers.get('x-kong-limit'), null)
  }),
  // Proxied and function routes alike: the consumer's plugin counts them together (one case: one consumer).
  ...windowed('RRL11 a consumer’s limit holds on every route it uses (Kong’s global for single consumer)', expectLimitAcross, ['proxy']),
]

/** RRL11: answers spread over the consumer's four routes, proxied and function; then every route refuses. */
async function expectLimitAcross(t: E2E, _kind: Kind, client: Client) {
  const headers = { apikey: client.key('everywhere') }
  const routes = (['proxy', 'lambda'] as const).flatMap((kind) => ['consumer1', 'consumer2'].map((name) => [kind, name] as const))
  for (let i = 0; i < ITERATIONS; i++) {
    const [kind, name] = routes[i % routes.length] as (typeof routes)[number]
    t.equal((await t.send(costing(kind, name, client, ['video=1'], headers))).status, 200, `answer ${i + 1} (${kind} ${name})`)
  }
  for (const [kind, name] of routes) {
    const refused = await t.send(costing(kind, name, client, ['video=1'], headers))
    t.equal(refused.status, 429, `${kind} ${name}`)
    t.equal(number(refused, 'x-ratelimit-remaining-video-minute'), 0)
    t.equal(number(refused, 'x-ratelimit-limit-video-minute'), ITERATIONS)
  }
}

/**
 * Kong's wait_remaining_sync: an answer's cost is added once it is sent; a request whose answer
 * costs nothing shows when the count has it (at most 100 tries).
 */
async function waitForRemaining(t: E2E, name: string, client: Client, expected: number) {
  for (let i = 0; ; i++) {
    const response = await t.send(costing('proxy', name, client))
    await response.text()
    if (number(response, 'x-ratelimit-remaining-video-minute') === expected || i >= 100) {
      t.equal(number(response, 'x-ratelimit-remaining-video-minute'), expected, 'the count has every answer')
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** With the redis policy (Node and Deno; `live`: against the test redis-server, skipped by name without it). */
export const responseRlRedisCases: RedisCase[] = [
  ...windowed(
    'RRL-R1 redis: answers are counted in Redis, and the one over the limit is an empty 429',
    async (t, kind, client) => {
      for (const left of [2, 1, 0]) {
        const response = await t.send(costing(kind, 'redis', client, ['video=1']))
        t.equal(response.status, 200)
        t.equal(number(response, 'x-ratelimit-remaining-video-minute'), left)
        t.equal(response.headers.get('x-kong-limit'), null)
        await response.text()
        await waitForRemaining(t, 'redis', client, left)
      }
      const refused = await t.send(costing(kind, 'redis', client, ['video=1']))
      t.equal(refused.status, 429)
      t.equal(await refused.text(), '')
      t.equal(number(refused, 'x-ratelimit-remaining-video-minute'), 0)
    },
    ['proxy'],
  ).map((c) => ({ ...c, live: true })),
  {
    name: 'RRL-R2 redis not there: fault_tolerant off answers the sanitised 500, on lets the answer through without headers',
    async run(t) {
      const client = { from: '127.0.77.30', key: () => '' }
      const strict = await t.send(costing('proxy', 'redis-strict', client, ['video=1']))
      t.equal(strict.status, 500)
      t.equal((await json(strict)).message, 'An unexpected error occurred')
      const tolerant = await t.send(costing('proxy', 'redis-tolerant', client, ['video=1']))
      t.equal(tolerant.status, 200)
      t.equal(number(tolerant, 'x-ratelimit-remaining-video-minute'), null)
      t.equal(tolerant.headers.get('x-kong-limit'), null)
      await tolerant.text()
    },
  },
]
