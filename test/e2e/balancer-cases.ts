// Upstreams and load balancing (src/balancer/), on every runtime, against the loopback targets of
// test/support/upstream-servers.ts (startBalancerTargets) and a closed port: one upstream per case
// (balancerUpstreams in gateway-config.ts), reached as `<name>.balancer.test`. Ported from Kong's
// spec/02-integration/05-proxy/10-balancer/ where they apply (round-robin, least-connections,
// consistent-hashing, passive health checks); active checks run in the Node and Deno tests
// (test/balancer/active-checks-node.test.ts, test/deno/balancer.test.ts).

import { PROXY_KEY } from '../support/gateway-config.ts'
import type { Case, ClientRequest, E2E } from './harness.ts'

/** What a balancer target answers (JSON): which it is, and the Host it got. */
export interface TargetAnswer {
  target: number
  host: string
}

/** One request to the upstream `name`; its status and which target answered (undefined when none did). */
async function send(t: E2E, name: string, request: Partial<ClientRequest> = {}) {
  const response = await t.send({ path: '/', ...request, host: `${name}.balancer.test` })
  const text = await response.text()
  const answer = response.headers.get('content-type')?.startsWith('application/json') ? (JSON.parse(text) as Partial<TargetAnswer>) : {}
  return { status: response.status, target: answer.target, host: answer.host, text, setCookie: response.headers.get('set-cookie') }
}

/** Which target answered each of `n` requests. */
async function targets(t: E2E, name: string, n: number, request: (i: number) => Partial<ClientRequest> = () => ({})): Promise<Array<number | undefined>> {
  const answered: Array<number | undefined> = []
  for (let i = 0; i < n; i++) answered.push((await send(t, name, request(i))).target)
  return answered
}

const tally = (list: Array<number | undefined>) => {
  const counts: Record<string, number> = {}
  for (const target of list) counts[String(target)] = (counts[String(target)] ?? 0) + 1
  return counts
}

const NO_PEER = 'failure to get a peer from the ring-balancer'

export const balancerCases: Case[] = [
  {
    name: 'BL1 round-robin gives each target its weight (30 and 10: 3 to 1 over whole turns of the wheel)',
    async run(t) {
      t.equal(tally(await targets(t, 'weighted', 20)), { 0: 15, 1: 5 })
    },
  },
  {
    name: 'BL2 a target of weight 0 takes no traffic',
    async run(t) {
      t.equal(tally(await targets(t, 'zero', 8)), { 1: 8 })
    },
  },
  {
    name: "BL3 consistent-hashing on a header: one value always reaches one target, the target's name and port as Host",
    async run(t) {
      const one = await targets(t, 'header', 8, () => ({ headers: { 'x-hash-key': 'just a value' } }))
      t.equal(new Set(one).size, 1, 'one target for one value')
      const many = await targets(t, 'header', 24, (i) => ({ headers: { 'x-hash-key': `value ${i}` } }))
      t.ok(new Set(many).size > 1, 'values spread over the targets')
      const again = await targets(t, 'header', 24, (i) => ({ headers: { 'x-hash-key': `value ${i}` } }))
      t.equal(again, many, 'each value reaches the same target again')
      const { host } = await send(t, 'header', { headers: { 'x-hash-key': 'just a value' } })
      t.ok(/^127\.0\.0\.1:\d+$/.test(host ?? ''), `Host ${host}`)
      // Kong: a missing header hashes the empty value, the same target every time.
      t.equal(new Set(await targets(t, 'header', 6)).size, 1, 'no header: one target')
    },
  },
  {
    name: 'BL4 consistent-hashing on a cookie: Set-Cookie as Kong sends it when the client has none, then the cookie sticks to one target',
    async run(t) {
      const first = await send(t, 'cookie', { headers: { cookie: 'some-other-cookie=some-other-value' } })
      t.equal(first.status, 200)
      const cookie = /^hashme=([0-9a-f-]{36}); Path=\/sticky; Same-Site=Lax; HttpOnly$/.exec(first.setCookie ?? '')
      t.ok(cookie, `Set-Cookie ${first.setCookie}`)
      const answers = []
      for (let i = 0; i < 8; i++) answers.push(await send(t, 'cookie', { headers: { cookie: `a=b; hashme=${cookie?.[1]}` } }))
      t.equal(
        answers.map((a) => [a.target, a.setCookie]),
        answers.map(() => [first.target, null]),
      )
    },
  },
  {
    name: "BL5 consistent-hashing on the client's address: one address, one target",
    async run(t) {
      const from = t.sourceIp === '127.0.0.1' ? '127.0.0.7' : '203.0.113.7'
      t.equal(new Set(await targets(t, 'ip', 8, () => ({ from }))).size, 1)
    },
  },
  {
    name: "BL6 consistent-hashing falls back to a query argument (Kong's normalisation: repeated values sorted)",
    async run(t) {
      const sorted = await targets(t, 'query', 4, () => ({ path: '/?q=a&q=b' }))
      const reversed = await targets(t, 'query', 4, () => ({ path: '/?q=b&q=a' }))
      t.equal(new Set([...sorted, ...reversed]).size, 1)
    },
  },
  {
    name: 'BL7 a dead target (closed port) is retried on another: every request answered',
    // Workers retries no try: workerd tells a refused connection from a lost one in no way.
    skipIn: ['workerd'],
    async run(t) {
      const answered = await Promise.all(Array.from({ length: 6 }, () => send(t, 'retry')))
      t.equal(
        answered.map((a) => [a.status, a.target]),
        answered.map(() => [200, 0]),
      )
    },
  },
  {
    name: 'BL8 passive checks: a dead target is marked unhealthy at its first TCP failure and gets no more tries (no retries: at most one 502)',
    async run(t) {
      const statuses: number[] = []
      for (let i = 0; i < 10; i++) statuses.push((await send(t, 'passive')).status)
      t.ok(statuses.filter((s) => s === 502).length <= 1, `statuses ${statuses}`)
      t.equal(statuses.slice(2), Array(8).fill(200))
    },
  },
  {
    name: 'BL9 passive checks: an answer in unhealthy.http_statuses counts as an HTTP failure and is the client’s answer; the target then gets nothing',
    async run(t) {
      const failed = await send(t, 'http-failures', { headers: { 'x-test-status': '500' } })
      t.equal(failed.status, 500)
      const after = await targets(t, 'http-failures', 6)
      t.equal(after, Array(6).fill(1 - (failed.target as number)))
    },
  },
  {
    name: "BL10 every target unhealthy, none or all of weight 0: Kong's 503",
    async run(t) {
      // The first request to `down` finds its one target dead (Kong: 503 at the retry; Workers, which
      // retries nothing, answers that try's 502); from then on the upstream has no healthy target.
      const first = await send(t, 'down')
      t.ok([502, 503].includes(first.status), `first status ${first.status}`)
      for (const name of ['down', 'empty', 'zeros']) {
        const { status, text } = await send(t, name)
        t.equal([status, JSON.parse(text).message], [503, NO_PEER], name)
      }
    },
  },
  {
    name: "BL13 an answer a plugin gives is no try: a 401 of key-auth does not count as a failure (Kong's 'do not count Kong-generated errors as failures')",
    async run(t) {
      t.equal((await send(t, 'plugin-answers')).status, 401)
      const answered = await targets(t, 'plugin-answers', 6, () => ({ headers: { apikey: PROXY_KEY } }))
      t.equal(new Set(answered), new Set([0, 1]))
    },
  },
  {
    name: "BL11 the upstream's host_header is the Host every target gets, with the target's port",
    // Refused at load on Workers, whose fetch sends the URL's host.
    skipIn: ['workerd'],
    async run(t) {
      const { host } = await send(t, 'host-header')
      t.ok(/^named\.balancer\.test:\d+$/.test(host ?? ''), `Host ${host}`)
    },
  },
  {
    name: 'BL12 least-connections: while a request is under way at one target, the next go to the other',
    async run(t) {
      const id = crypto.randomUUID()
      const held = send(t, 'least-connections', { headers: { 'x-test-hold': id } })
      for (let i = 0; i < 200; i++) {
        if (JSON.parse((await send(t, 'least-connections', { path: `/__held/${id}` })).text).held) break
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      const quick = await targets(t, 'least-connections', 4)
      await send(t, 'least-connections', { path: `/__release/${id}` })
      const { target } = await held
      t.equal(quick, Array(4).fill(1 - (target as number)))
    },
  },
]

// --- Active health checks: Node and Deno only (Workers refuse them at load), run by
// test/balancer/active-checks-node.test.ts and test/deno/balancer.test.ts.

/** A gateway config with one upstream over `ports`, probed every 50 ms at /status. */
export function activeChecksConfig(ports: number[]): Record<string, unknown> {
  return {
    _format_version: '3.0',
    upstreams: [
      {
        name: 'active.upstream',
        healthchecks: {
          active: {
            http_path: '/status',
            healthy: { interval: 0.05, successes: 1 },
            unhealthy: { interval: 0.05, http_failures: 1 },
          },
        },
        targets: ports.map((port) => ({ target: `127.0.0.1:${port}` })),
      },
    ],
    services: [{ name: 'active', host: 'active.upstream', routes: [{ name: 'active', hosts: ['active.balancer.test'] }] }],
  }
}

/**
 * A target whose probe starts failing stops getting traffic, and gets it again once its probe
 * passes. `send` reaches the gateway with a Host header; `probeStatus` sets what the first
 * target's /status answers.
 */
export async function activeChecksRecover(t: Pick<E2E, 'send' | 'equal' | 'ok'>, probeStatus: (status: number) => Promise<void>): Promise<void> {
  const answered = async (n: number) => targets(t as E2E, 'active', n)
  /** Waits until `n` requests in a row satisfy `check` (the probes run every 50 ms). */
  const eventually = async (check: (list: Array<number | undefined>) => boolean, what: string) => {
    for (let i = 0; i < 300; i++) {
      if (check(await answered(4))) return
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    t.ok(false, what)
  }
  t.equal(new Set(await answered(4)).size, 2, 'both targets take traffic')
  await probeStatus(500)
  await eventually((list) => list.every((target) => target === 1), 'the target failing its probe stops getting traffic')
  t.equal(new Set(await answered(8)), new Set([1]))
  await probeStatus(200)
  await eventually((list) => list.includes(0), 'the target gets traffic again once its probe passes')
}
