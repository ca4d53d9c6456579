// Passive health checks count what the target did, never what the client did: a try cut short
// because the client went away is no failure of the target (Kong reports such a try's 499,
// which no status list holds).

import { expect, it } from 'vitest'
import { createGateway } from '../../src/gateway.ts'
import { createLogger } from '../../src/log.ts'
import { buildGatewayConfig } from '../../src/model/declarative.ts'
import { UpstreamFailure } from '../../src/proxy/upstream-transport.ts'

it('a client that goes away during a try does not turn the target unhealthy', async () => {
  const config = buildGatewayConfig(
    {
      _format_version: '3.0',
      upstreams: [{ name: 'up.upstream', healthchecks: { passive: { unhealthy: { tcp_failures: 1 } } }, targets: [{ target: '10.0.0.1:80' }] }],
      services: [{ name: 's', host: 'up.upstream', routes: [{ name: 'r', paths: ['/'] }] }],
    },
    {},
  )
  const client = new AbortController()
  const gateway = createGateway({
    config,
    env: {},
    log: createLogger('error', () => {}),
    upstreamTransport: async (request) => {
      if (request.signal?.aborted === false && request.target === '/leaves') {
        client.abort()
        throw new UpstreamFailure('aborted', 'answer', false)
      }
      return new Response('ok')
    },
  })
  await gateway.handle(new Request('http://gateway.test/leaves', { signal: client.signal }))
  const after = (await gateway.handle(new Request('http://gateway.test/stays'))).response
  expect([after.status, await after.text()]).toEqual([200, 'ok'])
})
