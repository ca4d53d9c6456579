// The portable proxy (src/proxy/proxy.ts) with a transport and balancers made for the test: which
// failures are tried again (only those at stage connect, never once the body was read), Kong's
// answers for failures, what a balancer is asked and told, and the answer's headers.

import { describe, expect, it } from 'vitest'
import type { BalanceRequest, Balancer, BalancerTarget, TryOutcome } from '../../src/balancer/balancer.ts'
import { createGateway } from '../../src/gateway.ts'
import { createLogger } from '../../src/log.ts'
import { buildGatewayConfig } from '../../src/model/declarative.ts'
import type { StreamedBody } from '../../src/pipeline/request.ts'
import { type FailureStage, UpstreamFailure, type UpstreamRequest } from '../../src/proxy/upstream-transport.ts'

type Step = Response | { stage: FailureStage; timedOut?: boolean }

function gatewayWith(steps: Step[], service: Record<string, unknown> = {}, balancers = new Map<string, Balancer>()) {
  const sent: UpstreamRequest[] = []
  const lines: string[] = []
  const config = buildGatewayConfig(
    {
      _format_version: '3.0',
      services: [{ name: 's', host: 'up.test', port: 8080, ...service, routes: [{ name: 'r', paths: ['~/(?<id>\\d+)$'], strip_path: false }] }],
    },
    {},
  )
  const gateway = createGateway({
    config,
    env: {},
    log: createLogger('debug', (line) => void lines.push(line)),
    balancers,
    upstreamTransport: async (request) => {
      sent.push(request)
      const step = steps.shift()
      if (!step) throw new Error('no more steps')
      if (step instanceof Response) return step
      throw new UpstreamFailure('failed', step.stage, step.timedOut === true)
    },
  })
  const send = async (path = '/42', init?: RequestInit) => (await gateway.handle(new Request(`http://gateway.test${path}`, init))).response
  return { send, sent, lines }
}

describe('tries and retries', () => {
  it('a failure to connect is tried again, up to retries times', async () => {
    const { send, sent } = gatewayWith([{ stage: 'connect' }, { stage: 'connect' }, new Response('third time')], { retries: 2 })
    const response = await send()
    expect([response.status, await response.text(), sent.length]).toEqual([200, 'third time', 3])
  })

  it('when every try fails to connect: 502 in Kong words, after 1 + retries tries, logged with how many', async () => {
    const { send, sent, lines } = gatewayWith([{ stage: 'connect' }, { stage: 'connect' }], { retries: 1 })
    const response = await send()
    expect(response.status).toBe(502)
    expect(await response.json()).toEqual({ message: 'An invalid response was received from the upstream server', request_id: expect.any(String) })
    // Kong's error page after a try is a proxied answer's: Via and the latency headers.
    expect(response.headers.get('via')).toBe('1.1 lambda-gateway')
    expect(response.headers.get('x-gateway-upstream-latency')).toMatch(/^\d+$/)
    expect(response.headers.get('x-gateway-proxy-latency')).toMatch(/^\d+$/)
    expect(sent.length).toBe(2)
    expect(lines.join('\n')).toMatch(/"msg":"proxying failed: [^"]*".*"target":"up.test:8080","stage":"connect","tries":2/)
  })

  it("a service host that names nothing (DNS: no such name) is Kong's 503 name resolution failed, never tried again", async () => {
    const { send, sent, lines } = gatewayWith([{ stage: 'resolve' }, new Response('again')], { retries: 5 })
    const response = await send()
    expect(response.status).toBe(503)
    expect(await response.json()).toEqual({ message: 'name resolution failed', request_id: expect.any(String) })
    expect(sent.length).toBe(1)
    expect(lines.join('\n')).toMatch(/"msg":"proxying failed: [^"]*".*"stage":"resolve","tries":1/)
  })

  it('a failure after sending is never tried again', async () => {
    for (const stage of ['send', 'answer'] as const) {
      const { send, sent } = gatewayWith([{ stage }, new Response('again')])
      expect((await send()).status).toBe(502)
      expect(sent.length).toBe(1)
    }
  })

  it('a timeout is 504 The upstream server is timing out; at connect it is tried again like any failure to connect', async () => {
    const timedOut = gatewayWith([{ stage: 'answer', timedOut: true }])
    const response = await timedOut.send()
    expect([response.status, ((await response.json()) as { message: string }).message]).toEqual([504, 'The upstream server is timing out'])
    const connect = gatewayWith([{ stage: 'connect', timedOut: true }, new Response('ok')])
    expect((await connect.send()).status).toBe(200)
  })

  it("the client's body, once the transport read some of it, is never sent again", async () => {
    let steps = 0
    const config = buildGatewayConfig({ _format_version: '3.0', services: [{ host: 'up.test', routes: [{ paths: ['/'] }] }] }, {})
    const gateway = createGateway({
      config,
      env: {},
      log: createLogger('error', () => {}),
      upstreamTransport: async (request) => {
        steps++
        await (request.body as StreamedBody).stream.getReader().read()
        throw new UpstreamFailure('reset', 'connect', false)
      },
    })
    const response = await gateway.handle(new Request('http://gateway.test/', { method: 'POST', body: 'payload' }))
    expect([response.response.status, steps]).toEqual([502, 1])
  })
})

describe('balancers', () => {
  function balancer(targets: BalancerTarget[], cookie?: string) {
    const asked: Array<{ request: BalanceRequest; tried: BalancerTarget[] }> = []
    const outcomes: TryOutcome[] = []
    const released: BalancerTarget[] = []
    const made: Balancer = {
      pick(request, tried) {
        asked.push({ request, tried: [...tried] })
        const target = targets.find((candidate) => !tried.some((t) => t.host === candidate.host && t.port === candidate.port))
        const release = () => void released.push(target as BalancerTarget)
        return target && { target, done: (outcome) => void outcomes.push(outcome), release, ...(cookie ? { setCookie: cookie } : {}) }
      },
    }
    return { made, asked, outcomes, released }
  }

  it('a service whose host names an upstream: each try asks for a target, avoiding those tried, and tells how it went', async () => {
    const b = balancer([
      { host: '10.0.0.1', port: 81 },
      { host: 'b.test', port: 443 },
    ])
    const { send, sent } = gatewayWith([{ stage: 'connect' }, new Response('ok', { status: 201 })], { host: 'pool' }, new Map([['pool', b.made]]))
    const response = await send('/42?q=v', { headers: { cookie: 'a=1; session=abc', 'x-h': 'h' } })
    expect(response.status).toBe(201)
    expect(sent.map((r) => [r.host, r.port, r.headers.find(([name]) => name === 'host')?.[1]])).toEqual([
      ['10.0.0.1', 81, '10.0.0.1:81'],
      ['b.test', 443, 'b.test:443'],
    ])
    expect(b.asked.map((a) => a.tried)).toEqual([[], [{ host: '10.0.0.1', port: 81 }]])
    expect(b.outcomes).toEqual(['tcp-failure', { status: 201 }])
    // The failed try is over at once; the answered one when its transport says its answer ended.
    expect(b.released).toEqual([{ host: '10.0.0.1', port: 81 }])
    sent[1].answerEnded?.()
    expect(b.released).toEqual([
      { host: '10.0.0.1', port: 81 },
      { host: 'b.test', port: 443 },
    ])
    const request = b.asked[0].request
    expect([request.path, request.cookie('session'), request.header('x-h'), request.queryArg('q'), request.uriCapture('id')]).toEqual([
      '/42',
      'abc',
      'h',
      'v',
      '42',
    ])
  })

  it('a target whose name does not resolve is retried on another target, as a refused connection is', async () => {
    const b = balancer([
      { host: 'gone.test', port: 80 },
      { host: '10.0.0.2', port: 80 },
    ])
    const { send, sent } = gatewayWith([{ stage: 'resolve' }, new Response('ok')], { host: 'pool' }, new Map([['pool', b.made]]))
    expect((await send()).status).toBe(200)
    expect(sent.map((r) => r.host)).toEqual(['gone.test', '10.0.0.2'])
    expect(b.outcomes).toEqual(['tcp-failure', { status: 200 }])
  })

  it("no target: Kong's 503 (the balancer's words, nginx's on a retry), and the balancer's cookie is set on the answer", async () => {
    const none = gatewayWith([], { host: 'pool' }, new Map([['pool', balancer([]).made]]))
    const refused = await none.send()
    expect([refused.status, ((await refused.json()) as { message: string }).message]).toEqual([503, 'failure to get a peer from the ring-balancer'])
    const one = gatewayWith([{ stage: 'connect' }], { host: 'pool' }, new Map([['pool', balancer([{ host: 'a.test', port: 80 }]).made]]))
    const retried = await one.send()
    expect([retried.status, ((await retried.json()) as { message: string }).message]).toEqual([503, 'The upstream server is currently unavailable'])
    const cookie = balancer([{ host: 'a.test', port: 80 }], 'hash=1; Path=/')
    const withCookie = gatewayWith([new Response('ok', { headers: { 'set-cookie': 'own=1' } })], { host: 'pool' }, new Map([['pool', cookie.made]]))
    expect((await withCookie.send()).headers.getSetCookie()).toEqual(['own=1', 'hash=1; Path=/'])
  })
})

describe('the answer', () => {
  it("hop-by-hop headers and nginx's hidden X-Accel-* and X-Pad are removed, Via appended to, latency headers added; the status and body pass", async () => {
    const upstream = new Response('body', {
      status: 207,
      headers: {
        connection: 'close, x-hop',
        'x-hop': '1',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        via: '1.1 inner',
        'x-kept': '1',
        'x-accel-redirect': '/internal',
        'x-accel-buffering': 'no',
        'x-pad': 'avoid browser bug',
        server: 'inner',
      },
    })
    const response = await gatewayWith([upstream]).send()
    expect(response.status).toBe(207)
    expect(await response.text()).toBe('body')
    const names = [...response.headers.keys()]
    for (const name of ['connection', 'x-hop', 'keep-alive', 'transfer-encoding']) expect(names).not.toContain(name)
    // nginx's proxy_hide_header defaults; Server passes, as Kong's proxy_pass_header has it.
    for (const name of ['x-accel-redirect', 'x-accel-buffering', 'x-pad']) expect(names).not.toContain(name)
    expect(response.headers.get('server')).toBe('inner')
    expect(response.headers.get('via')).toBe('1.1 inner, 1.1 lambda-gateway')
    expect(response.headers.get('x-kept')).toBe('1')
    expect(response.headers.get('x-gateway-upstream-latency')).toMatch(/^\d+$/)
    expect(response.headers.get('x-gateway-proxy-latency')).toMatch(/^\d+$/)
  })

  it('the upstream request: the service host with a non-default port as Host, the path joined, timeouts from the service', async () => {
    const { send, sent } = gatewayWith([new Response('ok')], { path: '/base', connect_timeout: 1, write_timeout: 2, read_timeout: 3 })
    await send('/42?x=%20y')
    const [request] = sent
    expect([request.protocol, request.host, request.port, request.method, request.target]).toEqual(['http', 'up.test', 8080, 'GET', '/base/42?x=%20y'])
    expect(request.headers[0]).toEqual(['host', 'up.test:8080'])
    expect(request.timeouts).toEqual({ connectMs: 1, writeMs: 2, readMs: 3 })
    expect(request.tls).toBeUndefined()
  })

  it("a Host a plugin set is sent instead of the service's; where the transport cannot send Host, the service's, said once", async () => {
    const document = {
      _format_version: '3.0',
      services: [
        {
          name: 's',
          host: 'up.test',
          port: 8080,
          routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'request-transformer', config: { replace: { headers: ['host:set.test'] } } }] }],
        },
      ],
    }
    for (const sendsHost of [true, false]) {
      const sent: UpstreamRequest[] = []
      const lines: string[] = []
      const transport = Object.assign(
        async (request: UpstreamRequest) => {
          sent.push(request)
          return new Response('ok')
        },
        { unsupported: ({ preserveHost }: { preserveHost: boolean }) => (preserveHost && !sendsHost ? [{ field: 'preserve_host', message: 'no' }] : []) },
      )
      const gateway = createGateway({
        config: buildGatewayConfig(document, {}),
        env: {},
        log: createLogger('warn', (line) => void lines.push(line)),
        upstreamTransport: transport,
      })
      for (let i = 0; i < 2; i++) await gateway.handle(new Request('http://gateway.test/'))
      expect(sent.map((request) => request.headers[0])).toEqual(Array(2).fill(['host', sendsHost ? 'set.test' : 'up.test:8080']))
      expect(lines.filter((line) => line.includes('cannot send'))).toHaveLength(sendsHost ? 0 : 1)
    }
  })

  it('https: the TLS settings name the Host header without its port, verified unless tls_verify: false', async () => {
    const verified = gatewayWith([new Response('ok')], { protocol: 'https', port: 443 })
    await verified.send()
    expect(verified.sent[0].headers[0]).toEqual(['host', 'up.test'])
    expect(verified.sent[0].tls).toEqual({ verify: true, serverName: 'up.test' })
    const unverified = gatewayWith([new Response('ok')], { protocol: 'https', port: 8443, tls_verify: false })
    await unverified.send()
    expect(unverified.sent[0].tls).toEqual({ verify: false, serverName: 'up.test' })
  })
})
