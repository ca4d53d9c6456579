// Kong's balancer unit specs (spec/01-unit/09-balancer/) where they apply: distribution by weight,
// the consistent-hashing ring, least-connections, retries, and health with Kong's counters.

import { describe, expect, it } from 'vitest'
import type { BalanceRequest, BalancerPick, BalancerTarget } from '../../src/balancer/balancer.ts'
import { createBalancers, type UpstreamBalancer } from '../../src/balancer/create.ts'
import { xxhash32 } from '../../src/balancer/xxhash32.ts'
import { buildGatewayConfig } from '../../src/model/declarative.ts'
import { ConfigError } from '../../src/model/validate.ts'

function balancerOf(upstream: Record<string, unknown>, activeHealthChecks = true, hostHeader = true): UpstreamBalancer {
  const config = buildGatewayConfig({ _format_version: '3.0', upstreams: [{ name: 'up', ...upstream }] }, {})
  const balancer = createBalancers(config.upstreams, { activeHealthChecks, hostHeader }).get('up')
  if (!balancer) throw new Error('no balancer')
  return balancer
}

const targets = (...list: Array<[string, number?]>) => list.map(([target, weight]) => (weight === undefined ? { target } : { target, weight }))

function request(fields: Partial<BalanceRequest> = {}): BalanceRequest {
  return {
    sourceIp: '10.0.0.9',
    header: () => undefined,
    cookie: () => undefined,
    path: '/',
    queryArg: () => undefined,
    uriCapture: () => undefined,
    ...fields,
  }
}

const name = (target: BalancerTarget) => `${target.host}:${target.port}`

/** One request's try, answered `status`. */
/** One try, over at once. */
function pick(balancer: UpstreamBalancer, req = request(), status = 200): string | undefined {
  const picked = balancer.pick(req, [])
  picked?.done({ status })
  picked?.release()
  return picked && name(picked.target)
}

function count(balancer: UpstreamBalancer, n: number, req: (i: number) => BalanceRequest = () => request()): Record<string, number> {
  const counts: Record<string, number> = {}
  for (let i = 0; i < n; i++) {
    const key = pick(balancer, req(i)) ?? 'none'
    counts[key] = (counts[key] ?? 0) + 1
  }
  return counts
}

/** Marks a target unhealthy through passive checks (one TCP failure at a threshold of 1). */
function fail(balancer: UpstreamBalancer, target: string): void {
  const checked = balancer.checked.find((c) => name(c.target) === target)
  checked?.health.report('tcp-failure', 'passive')
}

const PASSIVE_TCP_1 = { passive: { unhealthy: { tcp_failures: 1 } } }

describe('xxhash32 (the ring hash)', () => {
  it.each([
    ['', 0x02cc5d05],
    ['a', 0x550d7456],
    ['abc', 0x32d153ff],
    ['Nobody inspects the spammish repetition', 0xe2293b2f],
  ])('%j', (text, hash) => {
    expect(xxhash32(text)).toBe(hash)
  })
})

describe('round-robin', () => {
  it('gives each target its weight per turn of the wheel', () => {
    const balancer = balancerOf({ targets: targets(['10.0.0.1:80', 20], ['10.0.0.2:80', 50], ['10.0.0.3:80', 30]) })
    // gcd 10: a wheel of 10 entries; 10 turns.
    expect(count(balancer, 100)).toEqual({ '10.0.0.1:80': 20, '10.0.0.2:80': 50, '10.0.0.3:80': 30 })
  })

  it('formats targets as Kong does: port 8000 when none is written, weight 100', () => {
    const balancer = balancerOf({ targets: targets(['10.0.0.1'], ['[::1]:81']) })
    expect(count(balancer, 4)).toEqual({ '10.0.0.1:8000': 2, '::1:81': 2 })
  })

  it('a target of weight 0 takes no traffic', () => {
    const balancer = balancerOf({ targets: targets(['10.0.0.1:80', 0], ['10.0.0.2:80', 5]) })
    expect(count(balancer, 10)).toEqual({ '10.0.0.2:80': 10 })
  })

  it('only targets of weight 0: no target (Kong: the balancer is unhealthy, 503)', () => {
    expect(pick(balancerOf({ targets: targets(['10.0.0.1:80', 0]) }))).toBeUndefined()
    expect(pick(balancerOf({}))).toBeUndefined()
  })

  it('skips unhealthy targets', () => {
    const balancer = balancerOf({ healthchecks: PASSIVE_TCP_1, targets: targets(['10.0.0.1:80'], ['10.0.0.2:80']) })
    fail(balancer, '10.0.0.1:80')
    expect(count(balancer, 10)).toEqual({ '10.0.0.2:80': 10 })
  })

  it('one target written twice in two spellings counts with both weights, as in Kong', () => {
    const balancer = balancerOf({ targets: targets(['10.0.0.1', 10], ['10.0.0.1:8000', 10], ['10.0.0.2:8000', 20]) })
    expect(count(balancer, 40)).toEqual({ '10.0.0.1:8000': 20, '10.0.0.2:8000': 20 })
  })

  it('retries go to targets not tried yet, then round again', () => {
    const balancer = balancerOf({ targets: targets(['10.0.0.1:80'], ['10.0.0.2:80'], ['10.0.0.3:80']) })
    const tried: BalancerTarget[] = []
    for (let i = 0; i < 6; i++) {
      const picked = balancer.pick(request(), tried) as BalancerPick
      if (i < 3) expect(tried.map(name)).not.toContain(name(picked.target))
      picked.done('tcp-failure')
      tried.push(picked.target)
    }
    expect(tried.map(name).sort()).toEqual(['10.0.0.1:80', '10.0.0.1:80', '10.0.0.2:80', '10.0.0.2:80', '10.0.0.3:80', '10.0.0.3:80'])
  })
})

describe('least-connections', () => {
  const lc = (extra: Record<string, unknown> = {}) =>
    balancerOf({ algorithm: 'least-connections', targets: targets(['20.20.20.20:80', 20], ['50.50.50.50:80', 50]), ...extra })
  /** Picks held open (their tries under way). */
  const hold = (balancer: UpstreamBalancer, n: number) => {
    const picks = Array.from({ length: n }, () => balancer.pick(request(), []) as BalancerPick)
    const counts: Record<string, number> = {}
    for (const p of picks) counts[name(p.target)] = (counts[name(p.target)] ?? 0) + 1
    return { picks, counts }
  }

  it('honours weights', () => {
    expect(hold(lc(), 70).counts).toEqual({ '20.20.20.20:80': 20, '50.50.50.50:80': 50 })
  })

  it('first returns top weights, on a 0-connection balancer', () => {
    expect(hold(lc(), 3).picks.map((p) => name(p.target))).toEqual(['50.50.50.50:80', '50.50.50.50:80', '20.20.20.20:80'])
  })

  it("doesn't use unavailable addresses, and uses them again once healthy", () => {
    const balancer = lc({ healthchecks: { passive: { unhealthy: { tcp_failures: 1 }, healthy: { successes: 1 } } } })
    fail(balancer, '20.20.20.20:80')
    const first = hold(balancer, 70)
    expect(first.counts).toEqual({ '50.50.50.50:80': 70 })
    balancer.checked.find((c) => name(c.target) === '20.20.20.20:80')?.health.report({ status: 200 }, 'passive')
    expect(hold(balancer, 70).counts).toEqual({ '20.20.20.20:80': 40, '50.50.50.50:80': 30 })
  })

  it('releases a connection when the try is over (its answer ended), not when its status is known, as Kong releases in the log phase', () => {
    const balancer = balancerOf({ algorithm: 'least-connections', targets: targets(['10.0.0.1:80', 10], ['10.0.0.2:80', 10]) })
    const streaming = balancer.pick(request(), []) as BalancerPick
    streaming.done({ status: 200 }) // the head came; the body still streams
    const next = balancer.pick(request(), []) as BalancerPick
    expect(name(next.target)).not.toBe(name(streaming.target))
    next.release()
    streaming.release()
    streaming.release() // counted once
    for (let i = 0; i < 70; i++) pick(balancer)
    // Every try over: two open at once go one to each.
    expect(Object.values(hold(balancer, 2).counts)).toEqual([1, 1])
  })

  it('retries, after all addresses failed, restart with previously failed ones', () => {
    const balancer = balancerOf({ algorithm: 'least-connections', targets: targets(['20.20.20.20:80', 20], ['50.50.50.50:80', 50], ['70.70.70.70:80', 70]) })
    const tried: BalancerTarget[] = []
    for (let i = 0; i < 6; i++) {
      const picked = balancer.pick(request(), tried) as BalancerPick
      picked.done('tcp-failure')
      tried.push(picked.target)
    }
    expect(tried.map(name)).toEqual(['70.70.70.70:80', '50.50.50.50:80', '20.20.20.20:80', '70.70.70.70:80', '50.50.50.50:80', '20.20.20.20:80'])
  })
})

describe('consistent-hashing', () => {
  const byHeader = (value: string) => request({ header: (h) => (h === 'x-key' ? value : undefined) })
  const ch = (list: ReturnType<typeof targets>, extra: Record<string, unknown> = {}) =>
    balancerOf({ hash_on: 'header', hash_on_header: 'x-key', targets: list, ...extra })

  it('distributes by weight (within 10%, Ketama) and a value always reaches the same target', () => {
    const balancer = ch(targets(['mashape.com:123', 10], ['getkong.org:321', 5]), { slots: 1000 })
    const counts = count(balancer, 1500, (i) => byHeader(String(i + 1)))
    expect(counts['mashape.com:123']).toBeGreaterThan(900)
    expect(counts['mashape.com:123']).toBeLessThan(1100)
    expect(counts['getkong.org:321']).toBeGreaterThan(450)
    expect(counts['getkong.org:321']).toBeLessThan(550)
    expect(Object.keys(count(balancer, 15, () => byHeader('6')))).toHaveLength(1)
  })

  it('adding targets moves few values (Kong: under 20% from 5 to 6 targets, under 40% from 5 to 8)', () => {
    const list = (n: number) => targets(...Array.from({ length: n }, (_, i) => [`10.0.0.${i + 1}:${i + 1}`, 100] as [string, number]))
    const route = (n: number) => {
      const balancer = ch(list(n), { slots: 5000 })
      return Array.from({ length: 10000 }, (_, i) => pick(balancer, byHeader(String(i + 1))))
    }
    const [five, six, eight] = [route(5), route(6), route(8)]
    const changed = (a: unknown[], b: unknown[]) => a.filter((value, i) => value !== b[i]).length / 100
    expect(changed(five, six)).toBeLessThan(20)
    expect(changed(five, eight)).toBeLessThan(40)
    expect(changed(six, eight)).toBeLessThan(25)
  })

  it('the order targets are written in has no effect', () => {
    const a = ch(targets(['mashape.com:80'], ['getkong.org:80']))
    const b = ch(targets(['getkong.org:80'], ['mashape.com:80']))
    for (let i = 0; i < 200; i++) expect(pick(a, byHeader(String(i)))).toBe(pick(b, byHeader(String(i))))
  })

  it('skips unhealthy addresses', () => {
    const balancer = ch(targets(['mashape.com:123', 100], ['getkong.org:321', 50]), { healthchecks: PASSIVE_TCP_1 })
    fail(balancer, 'mashape.com:123')
    expect(count(balancer, 160, (i) => byHeader(String(i)))).toEqual({ 'getkong.org:321': 160 })
  })

  it('falls back to hash_fallback, then to the empty value', () => {
    const balancer = ch(targets(['10.0.0.1:80'], ['10.0.0.2:80'], ['10.0.0.3:80']), { hash_fallback: 'ip' })
    const ips = Array.from({ length: 30 }, (_, i) => pick(balancer, request({ sourceIp: `10.1.0.${i}` })))
    expect(new Set(ips).size).toBeGreaterThan(1)
    expect(pick(balancer, request({ sourceIp: '10.1.0.7' }))).toBe(ips[7])
    expect(pick(balancer, request({ sourceIp: null }))).toBe(pick(balancer, request({ sourceIp: null })))
  })

  it('hash_on cookie without the cookie: a new value, the same for every try, and the Set-Cookie Kong sends', () => {
    const balancer = balancerOf({
      hash_on: 'cookie',
      hash_on_cookie: 'sticky',
      hash_on_cookie_path: '/app',
      targets: targets(['10.0.0.1:80'], ['10.0.0.2:80']),
    })
    const req = request()
    const first = balancer.pick(req, []) as BalancerPick
    expect(first.setCookie).toMatch(/^sticky=[0-9a-f-]{36}; Path=\/app; Same-Site=Lax; HttpOnly$/)
    first.done('tcp-failure')
    expect(balancer.pick(req, [first.target])?.setCookie).toBe(first.setCookie)
    const value = first.setCookie?.slice('sticky='.length, 'sticky='.length + 36) ?? ''
    const withCookie = request({ cookie: (c) => (c === 'sticky' ? value : undefined) })
    const again = balancer.pick(withCookie, []) as BalancerPick
    expect(again.setCookie).toBeUndefined()
    expect(name(again.target)).toBe(name(first.target))
  })

  it.each([
    ['consumer', { hash_on: 'consumer' }, request({ consumerId: 'c1' }), request({ consumerId: 'c2' })],
    ['credential when no consumer', { hash_on: 'consumer' }, request({ credentialId: 'k1' }), request({ credentialId: 'k2' })],
    ['path', { hash_on: 'path' }, request({ path: '/a' }), request({ path: '/b' })],
    ['query_arg', { hash_on: 'query_arg', hash_on_query_arg: 'q' }, request({ queryArg: () => 'x' }), request({ queryArg: () => 'y' })],
    ['uri_capture', { hash_on: 'uri_capture', hash_on_uri_capture: 'id' }, request({ uriCapture: () => '1' }), request({ uriCapture: () => '2' })],
  ])('hashes on %s', (_, fields, one, other) => {
    const list = targets(...Array.from({ length: 10 }, (_, i) => [`10.0.0.${i + 1}:80`] as [string]))
    const balancer = balancerOf({ ...fields, targets: list })
    const hashed = (req: BalanceRequest) => new Set(Array.from({ length: 5 }, () => pick(balancer, req)))
    expect(hashed(one).size).toBe(1)
    expect(hashed(other).size).toBe(1)
  })
})

describe('health', () => {
  const two = (healthchecks: Record<string, unknown>) => balancerOf({ healthchecks, targets: targets(['10.0.0.1:80'], ['10.0.0.2:80']) })
  const healthOf = (balancer: UpstreamBalancer, target: string) => balancer.checked.find((c) => name(c.target) === target)?.health

  it('passive: http_failures counts the statuses of unhealthy.http_statuses, then the target takes no traffic', () => {
    const balancer = two({ passive: { unhealthy: { http_failures: 2 } } })
    const health = healthOf(balancer, '10.0.0.1:80')
    health?.report({ status: 500 }, 'passive')
    expect(health?.healthy).toBe(true)
    health?.report({ status: 404 }, 'passive') // not in the default [429, 500, 503]
    expect(health?.healthy).toBe(true)
    health?.report({ status: 503 }, 'passive')
    expect(health?.healthy).toBe(false)
    expect(count(balancer, 6)).toEqual({ '10.0.0.2:80': 6 })
  })

  it('passive: tries report their outcome (timeouts)', () => {
    const balancer = two({ passive: { unhealthy: { timeouts: 1 } } })
    const picked = balancer.pick(request(), []) as BalancerPick
    picked.done('timeout')
    picked.done('timeout') // counted once
    expect(count(balancer, 4)).toEqual({ [['10.0.0.1:80', '10.0.0.2:80'].find((t) => t !== name(picked.target)) as string]: 4 })
  })

  it("passive: an upstream's own 504 answer counts as a timeout, as Kong's log phase reports it", () => {
    const balancer = balancerOf({ healthchecks: { passive: { unhealthy: { timeouts: 2 } } }, targets: targets(['10.0.0.1:80']) })
    ;(balancer.pick(request(), []) as BalancerPick).done({ status: 504 })
    expect(balancer.pick(request(), [])).toBeDefined()
    ;(balancer.pick(request(), []) as BalancerPick).done({ status: 504 })
    expect(balancer.pick(request(), [])).toBeUndefined()
  })

  it('a success clears the failure counters only where successes count (threshold above 0)', () => {
    const counting = two({ passive: { unhealthy: { tcp_failures: 2 }, healthy: { successes: 5 } } })
    const a = healthOf(counting, '10.0.0.1:80')
    a?.report('tcp-failure', 'passive')
    a?.report({ status: 200 }, 'passive')
    a?.report('tcp-failure', 'passive')
    expect(a?.healthy).toBe(true)
    const off = two({ passive: { unhealthy: { tcp_failures: 2 } } })
    const b = healthOf(off, '10.0.0.1:80')
    b?.report('tcp-failure', 'passive')
    b?.report({ status: 200 }, 'passive')
    b?.report('tcp-failure', 'passive')
    expect(b?.healthy).toBe(false)
  })

  it('an unhealthy target comes back after healthy.successes successes', () => {
    const balancer = two({ passive: { unhealthy: { tcp_failures: 1 } }, active: { healthy: { successes: 2 } } })
    const health = healthOf(balancer, '10.0.0.1:80')
    health?.report('tcp-failure', 'passive')
    health?.report({ status: 200 }, 'active')
    expect(health?.healthy).toBe(false)
    health?.report({ status: 302 }, 'active')
    expect(health?.healthy).toBe(true)
  })

  it('no healthy target: no target', () => {
    const balancer = two(PASSIVE_TCP_1)
    fail(balancer, '10.0.0.1:80')
    fail(balancer, '10.0.0.2:80')
    expect(pick(balancer)).toBeUndefined()
  })

  it('healthchecks.threshold: below that healthy percentage of its weight the upstream takes nothing', () => {
    const balancer = balancerOf({
      healthchecks: { ...PASSIVE_TCP_1, threshold: 50 },
      targets: targets(['10.0.0.1:80', 50], ['10.0.0.2:80', 25], ['10.0.0.3:80', 25]),
    })
    fail(balancer, '10.0.0.2:80')
    expect(pick(balancer)).toBeDefined() // 75% healthy
    fail(balancer, '10.0.0.3:80')
    expect(pick(balancer)).toBeUndefined() // 50% is not above 50
  })

  it('active checks enabled are refused where the runtime has none, naming the field', () => {
    expect(() => balancerOf({ healthchecks: { active: { healthy: { interval: 5 } } } }, false)).toThrow(ConfigError)
    const problems = (() => {
      try {
        balancerOf({ healthchecks: { active: { unhealthy: { interval: 5 } } } }, false)
      } catch (error) {
        return (error as ConfigError).problems
      }
    })()
    expect(problems).toEqual([
      {
        path: 'upstreams[0].healthchecks.active.unhealthy.interval',
        message: expect.stringMatching(/^active health checks need background timers.*passive checks work/),
      },
    ])
    expect(balancerOf({ healthchecks: PASSIVE_TCP_1 }, false)).toBeDefined()
  })

  it('host_header is refused where the runtime cannot send a Host of its own', () => {
    expect(() => balancerOf({ host_header: 'named.example' }, true, false)).toThrow(/host_header: not supported on this runtime/)
    expect(balancerOf({ host_header: 'named.example' }).hostHeader).toBe('named.example')
  })

  it('gRPC active checks are refused by name; tcp ones are not run, as in Kong’s http proxy', () => {
    expect(() => balancerOf({ healthchecks: { active: { type: 'grpc', healthy: { interval: 5 } } } })).toThrow(/gRPC health checks are not supported/)
    expect(balancerOf({ healthchecks: { active: { type: 'grpc' } } })).toBeDefined()
  })
})
