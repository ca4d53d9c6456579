/// <reference lib="deno.ns" />
// The end-to-end cases against the Deno entry (src/deno.ts), run by `deno test`; the credential
// chain's host sources are in credentials.test.ts.

import { deepStrictEqual, ok } from 'node:assert/strict'
import type { RunningServer } from '../../src/cli/start.ts'
import { startDenoServer } from '../../src/deno.ts'
import { cases, type E2E } from '../e2e/cases.ts'
import { hiddenErrorCases } from '../e2e/hidden-error-cases.ts'
import { proxyLargeBodyCases } from '../e2e/proxy-cases.ts'
import { redisCases } from '../e2e/redis-cases.ts'
import { expectNoSecretInLogs } from '../e2e/secret-logs.ts'
import { closedPort } from '../support/closed-port.ts'
import { startForwardProxy } from '../support/forward-proxy.ts'
import { gatewayConfig, TEST_ENV } from '../support/gateway-config.ts'
import { sendHttp, streamHttp } from '../support/http-client.ts'
import { startMockAws } from '../support/mock-aws.ts'
import { rawExchange, rawSender } from '../support/raw-http.ts'
import { HAS_REDIS, startRedisServer } from '../support/redis-server.ts'
import { startTlsUpstreams } from '../support/tls-upstreams.ts'
import type { Echo } from '../support/upstream-echo.ts'
import { startBalancerTargets, startUpstreamServers } from '../support/upstream-servers.ts'
import { openWebSocket } from '../support/websocket-client.ts'

// The gateway's log lines (LOG_LEVEL debug), kept for the cases instead of printed.
const logLines: string[] = []
console.error = (line: unknown) => void logLines.push(String(line))

const aws = await startMockAws()
const mock = aws.lambda
const upstreams = await startUpstreamServers()
const configFile = await Deno.makeTempFile({ suffix: '.json' })
const tls = await startTlsUpstreams()
const balancerTargets = await startBalancerTargets(4)
const redis = HAS_REDIS ? await startRedisServer({ tls: true }) : undefined
await Deno.writeTextFile(
  configFile,
  JSON.stringify(
    gatewayConfig(mock.port, await closedPort(), aws.sts.url, {
      echo: upstreams.echoPort,
      tls: tls.upstreams,
      targets: balancerTargets.ports,
      webSocket: upstreams.webSocketPort,
      ...(redis ? { redis: { port: redis.port, tlsPort: redis.tlsPort as number } } : {}),
    }),
  ),
)
const server: RunningServer | null = await startDenoServer(['--config', configFile, '--port', '0', '--host', '127.0.0.1'], { ...TEST_ENV, LOG_LEVEL: 'debug' })
if (!server) throw new Error('the Deno gateway did not start')

const t: E2E = {
  // node:http, because Deno's fetch, like Node's, will not send a custom Host header.
  send: ({ host, ...request }) => sendHttp(server.url, { ...request, headers: { ...request.headers, ...(host ? { host } : {}) } }),
  stream: ({ host, ...request }) => streamHttp(server.url, { ...request, headers: { ...request.headers, ...(host ? { host } : {}) } }),
  mockUrl: mock.url,
  upstreamUrl: upstreams.echoUrl,
  invocations: async () => mock.invocations,
  equal: (actual, expected, what) => deepStrictEqual(actual, expected, what),
  ok: (condition, what) => ok(condition, what),
  logs: () => logLines,
  sourceIp: '127.0.0.1',
  raw: rawSender(server.url),
  webSocket: (request) => openWebSocket(server.url, request),
}

for (const c of cases) {
  Deno.test({ name: c.name, ignore: c.skipIn?.includes('deno'), fn: () => c.run(t), sanitizeResources: false, sanitizeOps: false })
}
// Without redis-server on PATH the cases that need it are skipped, by name.
for (const c of redisCases) {
  Deno.test({ name: c.name, ignore: c.live && !HAS_REDIS, fn: () => c.run(t), sanitizeResources: false, sanitizeOps: false })
}

Deno.test({
  name: 'proxy_url: the Lambda and STS calls go through the forward proxy; ssl_verify: false without --allow-sys refuses to start',
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const proxy = await startForwardProxy()
    const route = (name: string, config: Record<string, unknown>) => ({
      name,
      hosts: [name],
      plugins: [
        {
          name: 'aws-lambda',
          config: {
            function_name: 'functionEcho',
            aws_key: 'mock-key',
            aws_secret: 'mock-secret',
            aws_region: 'us-east-1',
            host: '127.0.0.1',
            port: mock.port,
            disable_https: true,
            ...config,
          },
        },
      ],
    })
    const file = await Deno.makeTempFile({ suffix: '.json' })
    try {
      const assume = { aws_assume_role_arn: 'arn:aws:iam::123456789012:role/deno', aws_sts_endpoint_url: aws.sts.url }
      await Deno.writeTextFile(
        file,
        JSON.stringify({
          _format_version: '3.0',
          routes: [route('proxied.test', { proxy_url: proxy.url }), route('proxied-assume.test', { proxy_url: proxy.url, ...assume })],
        }),
      )
      const proxied = await startDenoServer(['--config', file, '--port', '0', '--host', '127.0.0.1'], { LOG_LEVEL: 'debug' })
      if (!proxied) throw new Error('the proxied gateway did not start')
      try {
        const response = await sendHttp(proxied.url, { path: '/', headers: { host: 'proxied.test' } })
        deepStrictEqual(response.status, 200)
        ok(proxy.seen.includes(`POST http://127.0.0.1:${mock.port}/2015-03-31/functions/functionEcho/invocations`), `proxy saw ${proxy.seen}`)
        deepStrictEqual((await sendHttp(proxied.url, { path: '/', headers: { host: 'proxied-assume.test' } })).status, 200)
        ok(proxy.seen.includes(`POST ${aws.sts.url}/`), `the STS call went through the proxy: ${proxy.seen}`)
      } finally {
        await proxied.close()
      }
      await Deno.writeTextFile(file, JSON.stringify({ _format_version: '3.0', routes: [route('unverified.test', { ssl_verify: false })] }))
      const before = logLines.length
      deepStrictEqual(await startDenoServer(['--config', file, '--port', '0'], {}), null)
      ok(
        logLines.slice(before).join('\n').includes("routes[0].plugins[0].config.ssl_verify: ssl_verify: false needs Deno's --allow-sys permission"),
        'refusal names the field',
      )
    } finally {
      await proxy.close()
      await Deno.remove(file)
    }
  },
})

Deno.test({
  name: 'proxied: a chunked body streams to the upstream, and one over CLIENT_MAX_BODY_SIZE is cut there and answered 413',
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const chunked = (id: string, chunks: string[]) =>
      `POST /c HTTP/1.1\r\nHost: echo.proxy.test\r\nX-Test-Id: ${id}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunks
        .map((chunk) => `${chunk.length.toString(16)}\r\n${chunk}\r\n`)
        .join('')}0\r\n\r\n`
    const within = await rawExchange(server.url, chunked(crypto.randomUUID(), ['hello', ' world']))
    deepStrictEqual([within.status, (JSON.parse(within.body.toString()) as Echo).bodyLength], [200, 11])
    const over = crypto.randomUUID()
    const refused = await rawExchange(
      server.url,
      chunked(
        over,
        Array.from({ length: 5 }, () => 'a'.repeat(16 * 1024)),
      ),
    )
    deepStrictEqual([refused.status, refused.body.toString()], [413, '{"message":"Request body too large"}'])
  },
})

// After every case: the log lines they caused (credential, STS and Lambda failures included).
Deno.test({
  name: 'log lines never hold a secret',
  fn: () => expectNoSecretInLogs(t),
  sanitizeResources: false,
  sanitizeOps: false,
})

// The same routes behind a gateway started with LAMBDA_ERROR_DETAILS=hide.
const hiddenServer = await startDenoServer(['--config', configFile, '--port', '0', '--host', '127.0.0.1'], {
  ...TEST_ENV,
  LOG_LEVEL: 'debug',
  LAMBDA_ERROR_DETAILS: 'hide',
})
if (!hiddenServer) throw new Error('the Deno gateway with LAMBDA_ERROR_DETAILS=hide did not start')
const hidden: E2E = {
  ...t,
  send: ({ host, ...request }) => sendHttp(hiddenServer.url, { ...request, headers: { ...request.headers, ...(host ? { host } : {}) } }),
}
for (const c of hiddenErrorCases) {
  Deno.test({ name: `LAMBDA_ERROR_DETAILS=hide: ${c.name}`, fn: () => c.run(hidden), sanitizeResources: false, sanitizeOps: false })
}

// The same routes behind a gateway with CLIENT_MAX_BODY_SIZE=2m: proxied large bodies.
const largeServer = await startDenoServer(['--config', configFile, '--port', '0', '--host', '127.0.0.1'], {
  ...TEST_ENV,
  LOG_LEVEL: 'debug',
  CLIENT_MAX_BODY_SIZE: '2m',
})
if (!largeServer) throw new Error('the Deno gateway with CLIENT_MAX_BODY_SIZE=2m did not start')
const large: E2E = {
  ...t,
  send: ({ host, ...request }) => sendHttp(largeServer.url, { ...request, headers: { ...request.headers, ...(host ? { host } : {}) } }),
}
for (const c of proxyLargeBodyCases) {
  Deno.test({ name: `CLIENT_MAX_BODY_SIZE=2m: ${c.name}`, fn: () => c.run(large), sanitizeResources: false, sanitizeOps: false })
}

Deno.test({
  name: 'shut down',
  fn: async () => {
    await server.close()
    await hiddenServer.close()
    await largeServer.close()
    await aws.close()
    await balancerTargets.close()
    await tls.close()
    await upstreams.close()
    await redis?.stop()
    await Deno.remove(configFile)
  },
  sanitizeResources: false,
  sanitizeOps: false,
})
