// The prometheus plugin on Node: requests through the proxy port, /metrics and /status scraped
// from the status listener (STATUS_LISTEN) and read with a parser that is not ours; the same
// checks run under Deno (test/deno/metrics.test.ts).

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { RunningServer } from '../../src/cli/start.ts'
import { startNodeServer } from '../../src/node.ts'
import { closedPort } from '../support/closed-port.ts'
import { TEST_ENV } from '../support/gateway-config.ts'
import { sendHttp } from '../support/http-client.ts'
import { expectKongMetrics } from '../support/metrics-checks.ts'
import { metricsConfig } from '../support/metrics-config.ts'
import { type MockAws, startMockAws } from '../support/mock-aws.ts'
import { startUpstreamServers, type UpstreamServers } from '../support/upstream-servers.ts'

let aws: MockAws
let upstreams: UpstreamServers
let closed: number
let configFile: string
const printed: string[] = []

const start = (env: Record<string, string>, port = '0') =>
  startNodeServer(['--config', configFile, '--port', port, '--host', '127.0.0.1'], { ...TEST_ENV, ...env }, () => {})

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void printed.push(String(line)))
  aws = await startMockAws()
  upstreams = await startUpstreamServers()
  closed = await closedPort()
  configFile = join(mkdtempSync(join(tmpdir(), 'lambda-gateway-metrics-')), 'kong.json')
  writeFileSync(configFile, JSON.stringify(metricsConfig({ lambda: aws.lambda.port, echo: upstreams.echoPort, closed })))
})

afterAll(async () => {
  await Promise.all([aws?.close(), upstreams?.close()])
})

describe('prometheus on Node', () => {
  it("serves Kong's metric names, labels and values, and the Lambda series, on the status listener only", async () => {
    const server: RunningServer | null = await start({ STATUS_LISTEN: '127.0.0.1:0' })
    if (!server?.statusUrl) throw new Error('the gateway did not start with its status listener')
    try {
      expect(server.statusUrl).not.toBe(server.url)
      await expectKongMetrics(
        { equal: (actual, expected, what) => expect(actual, what).toEqual(expected), ok: (condition, what) => expect(condition, what).toBeTruthy() },
        sendHttp,
        { url: server.url, statusUrl: server.statusUrl },
        { echo: upstreams.echoPort, closed },
      )
    } finally {
      await server.close()
    }
  })

  it('is refused without STATUS_LISTEN, naming the setting, rather than counting what nobody can read', async () => {
    printed.length = 0
    expect(await start({})).toBeNull()
    expect(printed.join('\n')).toContain('plugins[0].config: the status listener is off: set STATUS_LISTEN (like 127.0.0.1:8100) to serve /metrics')
  })

  it("STATUS_LISTEN never shares the proxy's port, and takes Kong's HOST:PORT", async () => {
    printed.length = 0
    expect(await start({ STATUS_LISTEN: '127.0.0.1:8123' }, '8123')).toBeNull()
    expect(await start({ STATUS_LISTEN: '0.0.0.0:8100 ssl' })).toBeNull()
    expect(printed.join('\n')).toContain("invalid STATUS_LISTEN '127.0.0.1:8123': the status listener never shares the proxy's port")
    expect(printed.join('\n')).toContain("invalid STATUS_LISTEN '0.0.0.0:8100 ssl': expected HOST:PORT")
  })
})
