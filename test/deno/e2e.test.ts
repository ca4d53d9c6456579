/// <reference lib="deno.ns" />
// The end-to-end cases against the Deno entry (src/deno.ts), run by `deno test`.

import { deepStrictEqual, ok } from 'node:assert/strict'
import type { RunningServer } from '../../src/cli/start.ts'
import { startDenoServer } from '../../src/deno.ts'
import { cases, type E2E } from '../e2e/cases.ts'
import { closedPort } from '../support/closed-port.ts'
import { gatewayConfig, TEST_ENV } from '../support/gateway-config.ts'
import { sendHttp } from '../support/http-client.ts'
import { startMockAws } from '../support/mock-aws.ts'

// The gateway's log lines (LOG_LEVEL debug), kept for the cases instead of printed.
const logLines: string[] = []
console.error = (line: unknown) => void logLines.push(String(line))

const aws = await startMockAws()
const mock = aws.lambda
const configFile = await Deno.makeTempFile({ suffix: '.json' })
await Deno.writeTextFile(configFile, JSON.stringify(gatewayConfig(mock.port, await closedPort(), aws.sts.url)))
const server: RunningServer | null = await startDenoServer(
  ['--config', configFile, '--port', '0', '--host', '127.0.0.1'],
  { ...TEST_ENV, LOG_LEVEL: 'debug' },
)
if (!server) throw new Error('the Deno gateway did not start')

const t: E2E = {
  // node:http, because Deno's fetch, like Node's, will not send a custom Host header.
  send: ({ host, ...request }) => sendHttp(server.url, { ...request, headers: { ...request.headers, ...(host ? { host } : {}) } }),
  invocations: async () => mock.invocations,
  equal: (actual, expected, what) => deepStrictEqual(actual, expected, what),
  ok: (condition, what) => ok(condition, what),
  logs: () => logLines,
  sourceIp: '127.0.0.1',
}

for (const c of cases) {
  Deno.test({ name: c.name, ignore: c.skipIn?.includes('deno'), fn: () => c.run(t), sanitizeResources: false, sanitizeOps: false })
}

Deno.test({
  name: 'shut down',
  fn: async () => {
    await server.close()
    await aws.close()
    await Deno.remove(configFile)
  },
  sanitizeResources: false,
  sanitizeOps: false,
})
