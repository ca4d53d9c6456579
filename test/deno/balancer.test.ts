/// <reference lib="deno.ns" />
// Active health checks on the Deno entry against real loopback targets (the flow of
// test/balancer/active-checks-node.test.ts): a target failing its probe stops getting traffic,
// and comes back; the checks stop when the server closes.

import { deepStrictEqual, ok } from 'node:assert/strict'
import { startDenoServer } from '../../src/deno.ts'
import { activeChecksConfig, activeChecksRecover } from '../e2e/balancer-cases.ts'
import { sendHttp } from '../support/http-client.ts'
import { startBalancerTargets } from '../support/upstream-servers.ts'

Deno.test({
  name: 'active health checks: a target that starts failing its probe stops getting traffic, and comes back',
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const targets = await startBalancerTargets(2)
    const configFile = await Deno.makeTempFile({ suffix: '.json' })
    await Deno.writeTextFile(configFile, JSON.stringify(activeChecksConfig(targets.ports)))
    const server = await startDenoServer(['--config', configFile, '--port', '0', '--host', '127.0.0.1'], {
      LOG_LEVEL: 'error',
      AWS_EC2_METADATA_DISABLED: 'true',
    })
    if (!server) throw new Error('the Deno gateway did not start')
    try {
      await activeChecksRecover(
        {
          send: ({ host, ...request }) => sendHttp(server.url, { ...request, headers: { ...request.headers, ...(host ? { host } : {}) } }),
          equal: (actual, expected, what) => deepStrictEqual(actual, expected, what),
          ok: (condition, what) => ok(condition, what),
        },
        async (status) => void (await fetch(`http://127.0.0.1:${targets.ports[0]}/__status/${status}`)).arrayBuffer(),
      )
    } finally {
      await server.close()
      await targets.close()
      await Deno.remove(configFile)
    }
  },
})
