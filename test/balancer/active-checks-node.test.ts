// Active health checks on the Node entry against real loopback targets: a target failing its
// /status probe stops getting traffic and comes back (the same flow runs on Deno in
// test/deno/balancer.test.ts); the checks stop when the server closes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/cli/start.ts'
import { activeChecksConfig, activeChecksRecover } from '../e2e/balancer-cases.ts'
import { startGateway } from '../support/gateway-under-test.ts'
import { sendHttp } from '../support/http-client.ts'
import { type BalancerTargets, startBalancerTargets } from '../support/upstream-servers.ts'

let targets: BalancerTargets
let server: RunningServer

beforeAll(async () => {
  targets = await startBalancerTargets(2)
  server = await startGateway(activeChecksConfig(targets.ports), { LOG_LEVEL: 'error' })
})
afterAll(async () => {
  await server.close()
  await targets.close()
})

describe('active health checks (Node)', () => {
  it('a target that starts failing its probe stops getting traffic, and comes back', async () => {
    await activeChecksRecover(
      {
        send: ({ host, ...request }) => sendHttp(server.url, { ...request, headers: { ...request.headers, ...(host ? { host } : {}) } }),
        equal: (actual, expected, what) => expect(actual, what).toEqual(expected),
        ok: (condition, what) => expect(condition, what).toBeTruthy(),
      },
      async (status) => void (await fetch(`http://127.0.0.1:${targets.ports[0]}/__status/${status}`)).arrayBuffer(),
    )
  }, 30_000)
})
