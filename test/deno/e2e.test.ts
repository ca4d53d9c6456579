/// <reference lib="deno.ns" />
// The end-to-end cases against the Deno entry (src/deno.ts), run by `deno test`.

import { deepStrictEqual, ok } from 'node:assert/strict'
import type { RunningServer } from '../../src/cli/start.ts'
import { startDenoServer } from '../../src/deno.ts'
import { cases, type E2E } from '../e2e/cases.ts'
import { closedPort } from '../support/closed-port.ts'
import { startForwardProxy } from '../support/forward-proxy.ts'
import { gatewayConfig, TEST_ENV } from '../support/gateway-config.ts'
import { sendHttp, streamHttp } from '../support/http-client.ts'
import { startMockAws } from '../support/mock-aws.ts'
import { startMockContainer } from '../support/mock-container.ts'
import { startMockImds } from '../support/mock-imds.ts'
import { rawSender } from '../support/raw-http.ts'

// The gateway's log lines (LOG_LEVEL debug), kept for the cases instead of printed.
const logLines: string[] = []
console.error = (line: unknown) => void logLines.push(String(line))

const aws = await startMockAws()
const mock = aws.lambda
const configFile = await Deno.makeTempFile({ suffix: '.json' })
await Deno.writeTextFile(configFile, JSON.stringify(gatewayConfig(mock.port, await closedPort(), aws.sts.url)))
const server: RunningServer | null = await startDenoServer(['--config', configFile, '--port', '0', '--host', '127.0.0.1'], { ...TEST_ENV, LOG_LEVEL: 'debug' })
if (!server) throw new Error('the Deno gateway did not start')

const t: E2E = {
  // node:http, because Deno's fetch, like Node's, will not send a custom Host header.
  send: ({ host, ...request }) => sendHttp(server.url, { ...request, headers: { ...request.headers, ...(host ? { host } : {}) } }),
  stream: ({ host, ...request }) => streamHttp(server.url, { ...request, headers: { ...request.headers, ...(host ? { host } : {}) } }),
  mockUrl: mock.url,
  invocations: async () => mock.invocations,
  equal: (actual, expected, what) => deepStrictEqual(actual, expected, what),
  ok: (condition, what) => ok(condition, what),
  logs: () => logLines,
  sourceIp: '127.0.0.1',
  raw: rawSender(server.url),
}

for (const c of cases) {
  Deno.test({ name: c.name, ignore: c.skipIn?.includes('deno'), fn: () => c.run(t), sanitizeResources: false, sanitizeOps: false })
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
  name: 'the host sources work on Deno: shared credentials file, container credentials, web identity, instance metadata',
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    aws.tables.secrets.AKIDDENOFILE = 'deno-file-secret'
    const imds = await startMockImds({ tables: aws.tables, mode: 'v2-only' })
    const container = await startMockContainer({ tables: aws.tables, authorization: 'deno-pod-token' })
    const dir = await Deno.makeTempDir()
    const config = `${dir}/kong.json`
    await Deno.writeTextFile(`${dir}/credentials`, '[default]\naws_access_key_id = AKIDDENOFILE\naws_secret_access_key = deno-file-secret\n')
    await Deno.writeTextFile(
      config,
      JSON.stringify({
        _format_version: '3.0',
        routes: [
          {
            name: 'chain',
            paths: ['/'],
            plugins: [
              {
                name: 'aws-lambda',
                config: { function_name: 'functionEcho', aws_region: 'us-east-1', host: '127.0.0.1', port: mock.port, disable_https: true },
              },
            ],
          },
        ],
      }),
    )
    const signerWith = async (env: Record<string, string>) => {
      const gateway = await startDenoServer(['--config', config, '--port', '0', '--host', '127.0.0.1'], {
        HOME: dir,
        AWS_EC2_METADATA_DISABLED: 'true',
        ...env,
      })
      if (!gateway) throw new Error('gateway did not start')
      try {
        const response = await sendHttp(gateway.url, { path: '/' })
        const body = await response.text()
        deepStrictEqual(response.status, 200, body)
        return /Credential=([^/]+)\//.exec(JSON.parse(body).headers.authorization)?.[1]
      } finally {
        await gateway.close()
      }
    }
    try {
      deepStrictEqual(await signerWith({ AWS_SHARED_CREDENTIALS_FILE: `${dir}/credentials` }), 'AKIDDENOFILE')
      ok(
        (
          await signerWith({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/v1/credentials`, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'deno-pod-token' })
        )?.startsWith('ASIAECS'),
        'container',
      )
      await Deno.writeTextFile(`${dir}/irsa-token`, 'deno-irsa-token\n')
      aws.sts.webIdentityTokens.push('deno-irsa-token')
      ok(
        (
          await signerWith({
            AWS_WEB_IDENTITY_TOKEN_FILE: `${dir}/irsa-token`,
            AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/irsa',
            AWS_ENDPOINT_URL_STS: aws.sts.url,
          })
        )?.startsWith('ASIAWEB'),
        'web identity',
      )
      ok((await signerWith({ AWS_EC2_METADATA_DISABLED: 'false', AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url }))?.startsWith('ASIAIMDS'), 'instance metadata')
      ok(
        imds.calls.some((c) => c.method === 'PUT' && c.ttl === '21600'),
        'IMDSv2 token requested',
      )
    } finally {
      await Promise.all([imds.close(), container.close()])
      await Deno.remove(dir, { recursive: true })
    }
  },
})

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
