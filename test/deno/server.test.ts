/// <reference lib="deno.ns" />
// The Deno server (src/runtime/deno/server.ts): an answer Deno's writer would panic on, and the limits
// Deno can enforce (CLIENT_BODY_TIMEOUT, SEND_TIMEOUT); the ones Deno.serve has no setting for
// refuse to start.

import { deepStrictEqual, ok } from 'node:assert/strict'
import type { RunningServer } from '../../src/cli/start.ts'
import { startDenoServer } from '../../src/deno.ts'
import { createLogger } from '../../src/log.ts'
import { listenDeno } from '../../src/runtime/deno/server.ts'
import { DEFAULT_SERVER_LIMITS } from '../../src/settings.ts'
import { closedPort } from '../support/closed-port.ts'
import { gatewayConfig, TEST_ENV } from '../support/gateway-config.ts'
import { sendHttp } from '../support/http-client.ts'
import { startMockAws } from '../support/mock-aws.ts'
import { expectBodyTimeout, expectClientGoneLogged, expectStalledClientCut, expectStalledProxyClientCut, SMALL_LIMITS } from '../support/server-limit-checks.ts'
import { expectUnwritableAnswersSanitised, unwritableHandler } from '../support/unwritable-answers.ts'
import { startUpstreamServers } from '../support/upstream-servers.ts'

const logLines: string[] = []
console.error = (line: unknown) => void logLines.push(String(line))
const asserts = {
  equal: (actual: unknown, expected: unknown, what?: string) => deepStrictEqual(actual, expected, what),
  ok: (c: unknown, what: string) => ok(c, what),
}
const options = { sanitizeResources: false, sanitizeOps: false }

const aws = await startMockAws()
const upstreams = await startUpstreamServers()
const configFile = await Deno.makeTempFile({ suffix: '.json' })
await Deno.writeTextFile(configFile, JSON.stringify(gatewayConfig(aws.lambda.port, await closedPort(), aws.sts.url, { echo: upstreams.echoPort })))
const start = (env: Record<string, string>) => startDenoServer(['--config', configFile, '--port', '0', '--host', '127.0.0.1'], { ...TEST_ENV, ...env })

Deno.test({
  name: 'an answer Deno cannot write is the sanitised 500 with its request id, one JSON log line, and the request line says 500; the process lives on',
  ...options,
  async fn() {
    const handler = unwritableHandler()
    const log = createLogger('debug', (line) => console.error(line))
    const server = await listenDeno(handler, { port: 0, host: '127.0.0.1', limits: DEFAULT_SERVER_LIMITS, log })
    if (!server) throw new Error('did not listen')
    try {
      await expectUnwritableAnswersSanitised(asserts, handler, (path) => sendHttp(server.url, { path }), logLines)
    } finally {
      await server.close()
    }
  },
})

Deno.test({
  name: 'server limits: CLIENT_BODY_TIMEOUT answers a stalled body 408; SEND_TIMEOUT cuts a client that stops reading a stream or a proxied answer; a client that leaves is logged 499',
  ...options,
  async fn() {
    const server: RunningServer | null = await start(SMALL_LIMITS)
    if (!server) throw new Error('did not start')
    try {
      await expectBodyTimeout(asserts, server.url, false)
      await expectStalledClientCut(asserts, server.url, aws.lambda.url)
      await expectStalledProxyClientCut(asserts, server.url, upstreams.echoUrl, logLines)
      await expectClientGoneLogged(asserts, server.url, aws.lambda.url, logLines)
    } finally {
      await server.close()
    }
  },
})

Deno.test({
  name: 'server limits Deno.serve cannot set refuse to start, each named',
  ...options,
  async fn() {
    const before = logLines.length
    deepStrictEqual(await start({ CLIENT_HEADER_TIMEOUT: '10s', KEEPALIVE_TIMEOUT: '10s', MAX_CONNECTIONS: '100' }), null)
    const printed = logLines.slice(before).join('\n')
    for (const name of ['CLIENT_HEADER_TIMEOUT', 'KEEPALIVE_TIMEOUT', 'MAX_CONNECTIONS']) {
      ok(printed.includes(`${name}: not supported on Deno`), `${name} refused: ${printed}`)
    }
  },
})

Deno.test({
  name: 'shut down',
  ...options,
  async fn() {
    await aws.close()
    await upstreams.close()
    await Deno.remove(configFile)
  },
})
