/// <reference lib="deno.ns" />
// The prometheus plugin under Deno: the checks the Node test makes (test/support/metrics-checks.ts),
// against the Deno entry's proxy and status listeners.

import { deepStrictEqual, ok } from 'node:assert/strict'
import { startDenoServer } from '../../src/deno.ts'
import { closedPort } from '../support/closed-port.ts'
import { TEST_ENV } from '../support/gateway-config.ts'
import { sendHttp } from '../support/http-client.ts'
import { expectKongMetrics } from '../support/metrics-checks.ts'
import { metricsConfig } from '../support/metrics-config.ts'
import { startMockAws } from '../support/mock-aws.ts'
import { startUpstreamServers } from '../support/upstream-servers.ts'

const printed: string[] = []
console.error = (line: unknown) => void printed.push(String(line))
const options = { sanitizeResources: false, sanitizeOps: false }

Deno.test({
  name: "prometheus under Deno: Kong's metric names, labels and values, and the Lambda series, on the status listener only",
  ...options,
  async fn() {
    const aws = await startMockAws()
    const upstreams = await startUpstreamServers()
    const closed = await closedPort()
    const configFile = await Deno.makeTempFile({ suffix: '.json' })
    await Deno.writeTextFile(configFile, JSON.stringify(metricsConfig({ lambda: aws.lambda.port, echo: upstreams.echoPort, closed })))
    const server = await startDenoServer(['--config', configFile, '--port', '0', '--host', '127.0.0.1'], { ...TEST_ENV, STATUS_LISTEN: '127.0.0.1:0' })
    try {
      if (!server?.statusUrl) throw new Error(`the gateway did not start with its status listener:\n${printed.join('\n')}`)
      await expectKongMetrics(
        { equal: (actual, expected, what) => deepStrictEqual(actual, expected, what), ok: (condition, what) => ok(condition, what) },
        sendHttp,
        { url: server.url, statusUrl: server.statusUrl },
        { echo: upstreams.echoPort, closed },
      )
    } finally {
      await server?.close()
      await Promise.all([aws.close(), upstreams.close()])
    }
  },
})
