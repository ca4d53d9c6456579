// Active health checks with a transport made for the test: probes of http_path with the
// configured headers, health turned by Kong's active thresholds, timers unref'd and stopped.

import { describe, expect, it } from 'vitest'
import { startActiveChecks } from '../../src/balancer/active-checks.ts'
import { createBalancers, type UpstreamBalancer } from '../../src/balancer/create.ts'
import { createLogger } from '../../src/log.ts'
import { buildGatewayConfig } from '../../src/model/declarative.ts'
import { UpstreamFailure, type UpstreamRequest } from '../../src/proxy/upstream-transport.ts'

function balancerOf(healthchecks: Record<string, unknown>): UpstreamBalancer {
  const upstreams = [{ name: 'up', healthchecks, targets: [{ target: '10.0.0.1:80' }, { target: '10.0.0.2:80' }] }]
  const config = buildGatewayConfig({ _format_version: '3.0', upstreams }, {})
  return createBalancers(config.upstreams, { activeHealthChecks: true, hostHeader: true }).get('up') as UpstreamBalancer
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
  expect(condition()).toBe(true)
}

const healthOf = (balancer: UpstreamBalancer, host: string) => balancer.checked.find((c) => c.target.host === host)?.health

describe('active health checks', () => {
  const ACTIVE = {
    active: {
      http_path: '/status',
      headers: { 'X-Probe': ['yes'] },
      healthy: { interval: 0.01, successes: 2 },
      unhealthy: { interval: 0.01, http_failures: 2, tcp_failures: 1, timeouts: 1 },
    },
  }

  it('a target failing its probe turns unhealthy, and healthy again once it answers', async () => {
    const balancer = balancerOf(ACTIVE)
    const seen: UpstreamRequest[] = []
    let failing = true
    const unrefd: unknown[] = []
    const stop = startActiveChecks([balancer], {
      transport: async (request) => {
        seen.push(request)
        return new Response('ok', { status: request.host === '10.0.0.1' && failing ? 500 : 200 })
      },
      unref: (timer) => unrefd.push(timer),
      log: createLogger('error', () => {}),
    })
    try {
      await until(() => healthOf(balancer, '10.0.0.1')?.healthy === false)
      expect(healthOf(balancer, '10.0.0.2')?.healthy).toBe(true)
      expect(
        balancer.pick(
          { sourceIp: null, header: () => undefined, cookie: () => undefined, path: '/', queryArg: () => undefined, uriCapture: () => undefined },
          [],
        )?.target.host,
      ).toBe('10.0.0.2')
      failing = false
      await until(() => healthOf(balancer, '10.0.0.1')?.healthy === true)
    } finally {
      stop()
    }
    expect(seen[0]).toMatchObject({
      method: 'GET',
      target: '/status',
      port: 80,
      protocol: 'http',
      body: null,
      timeouts: { connectMs: 1000, readMs: 1000, writeMs: 1000 },
    })
    expect(seen[0].headers).toEqual([
      ['host', seen[0].host],
      ['x-probe', 'yes'],
    ])
    expect(unrefd.length).toBeGreaterThan(2)
  })

  it('connection failures and timeouts count as tcp_failures and timeouts', async () => {
    const balancer = balancerOf(ACTIVE)
    const stop = startActiveChecks([balancer], {
      transport: async (request) => {
        throw new UpstreamFailure('no', 'connect', request.host === '10.0.0.2')
      },
      unref: () => {},
      log: createLogger('error', () => {}),
    })
    try {
      await until(() => balancer.checked.every((c) => !c.health.healthy))
    } finally {
      stop()
    }
  })

  it('stops: no probe after stop', async () => {
    const balancer = balancerOf(ACTIVE)
    let probes = 0
    const stop = startActiveChecks([balancer], {
      transport: async () => {
        probes++
        return new Response(null, { status: 200 })
      },
      unref: () => {},
      log: createLogger('error', () => {}),
    })
    await until(() => probes >= 2)
    stop()
    const after = probes
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(probes).toBe(after)
  })

  it('a target of weight 0 is not probed (it takes no traffic)', async () => {
    const upstreams = [{ name: 'up', healthchecks: ACTIVE, targets: [{ target: '10.0.0.1:80', weight: 0 }, { target: '10.0.0.2:80' }] }]
    const config = buildGatewayConfig({ _format_version: '3.0', upstreams }, {})
    const balancer = createBalancers(config.upstreams, { activeHealthChecks: true, hostHeader: true }).get('up') as UpstreamBalancer
    const probed = new Set<string>()
    const stop = startActiveChecks([balancer], {
      transport: async (request) => {
        probed.add(request.host)
        return new Response(null, { status: 200 })
      },
      unref: () => {},
      log: createLogger('error', () => {}),
    })
    await until(() => probed.size > 0)
    await new Promise((resolve) => setTimeout(resolve, 50))
    stop()
    expect([...probed]).toEqual(['10.0.0.2'])
  })

  it('intervals of 0 and tcp checks probe nothing', async () => {
    let probes = 0
    const transport = async () => {
      probes++
      return new Response(null, { status: 200 })
    }
    const stop = startActiveChecks([balancerOf({}), balancerOf({ active: { type: 'tcp', healthy: { interval: 0.01 } } })], {
      transport,
      unref: () => {},
      log: createLogger('error', () => {}),
    })
    await new Promise((resolve) => setTimeout(resolve, 100))
    stop()
    expect(probes).toBe(0)
  })
})
