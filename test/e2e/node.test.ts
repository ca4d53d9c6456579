// The end-to-end cases against the Node entry: real HTTP in, real HTTP out to the mock Lambda.

import { mkdtempSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { RunningServer } from '../../src/cli/start.ts'
import { startNodeServer } from '../../src/node.ts'
import { awsSchemaProblems } from '../support/aws-event-schema.ts'
import { closedPort } from '../support/closed-port.ts'
import { gatewayConfig, TEST_ENV } from '../support/gateway-config.ts'
import { sendHttp, streamHttp } from '../support/http-client.ts'
import { type MockAws, startMockAws } from '../support/mock-aws.ts'
import type { MockLambda } from '../support/mock-lambda.ts'
import { rawSender } from '../support/raw-http.ts'
import { HAS_REDIS, type RedisServer, startRedisServer } from '../support/redis-server.ts'
import { startTlsUpstreams } from '../support/tls-upstreams.ts'
import { type BalancerTargets, type Echo, startBalancerTargets, startUpstreamServers, type UpstreamServers } from '../support/upstream-servers.ts'
import { openWebSocket } from '../support/websocket-client.ts'
import { type ClientRequest, cases, type E2E } from './cases.ts'
import { logsDuring, withLogs } from './harness.ts'
import { hiddenErrorCases } from './hidden-error-cases.ts'
import { proxyLargeBodyCases } from './proxy-cases.ts'
import { redisCases } from './redis-cases.ts'
import { expectNoSecretInLogs } from './secret-logs.ts'

let aws: MockAws
let mock: MockLambda
let upstreams: UpstreamServers
let tlsUpstreams: Awaited<ReturnType<typeof startTlsUpstreams>>
let balancerTargets: BalancerTargets
let redis: RedisServer | undefined
const servers: RunningServer[] = []

// Every log line the gateways write, checked for secrets at the end.
const logLines: string[] = []

async function startGateway(config: unknown, env: Record<string, string>): Promise<RunningServer> {
  const file = join(mkdtempSync(join(tmpdir(), 'lambda-gateway-')), 'kong.json')
  writeFileSync(file, JSON.stringify(config))
  const server = await startNodeServer(['--config', file, '--port', '0', '--host', '127.0.0.1'], { ...env, LOG_LEVEL: 'debug' })
  if (!server) throw new Error('gateway did not start')
  servers.push(server)
  return server
}

/** Kong's test routes are matched by Host. */
const withHost = ({ host, ...request }: ClientRequest & { host?: string }): ClientRequest => ({
  ...request,
  headers: { ...request.headers, ...(host ? { host } : {}) },
})

function e2e(server: RunningServer): E2E {
  return {
    send: (request) => sendHttp(server.url, withHost(request)),
    stream: (request) => streamHttp(server.url, withHost(request)),
    mockUrl: mock.url,
    upstreamUrl: upstreams.echoUrl,
    invocations: async () => mock.invocations,
    equal: (actual, expected, what) => expect(actual, what).toEqual(expected),
    ok: (condition, what) => expect(condition, what).toBeTruthy(),
    logs: () => logLines,
    sourceIp: '127.0.0.1',
    raw: rawSender(server.url),
    webSocket: (request) => openWebSocket(server.url, request),
  }
}

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void logLines.push(String(line)))
  aws = await startMockAws()
  mock = aws.lambda
  upstreams = await startUpstreamServers()
  tlsUpstreams = await startTlsUpstreams()
  balancerTargets = await startBalancerTargets(4)
  if (HAS_REDIS) redis = await startRedisServer({ tls: true })
})
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()))
  await aws.close()
  await upstreams.close()
  await tlsUpstreams.close()
  await balancerTargets.close()
  await redis?.stop()
})

describe('Node entry', () => {
  let t: E2E
  beforeAll(async () => {
    const ports = { echo: upstreams.echoPort, tls: tlsUpstreams.upstreams, targets: balancerTargets.ports, webSocket: upstreams.webSocketPort }
    const redisPorts = redis ? { redis: { port: redis.port, tlsPort: redis.tlsPort as number } } : {}
    t = e2e(await startGateway(gatewayConfig(mock.port, await closedPort(), aws.sts.url, { ...ports, ...redisPorts }), TEST_ENV))
  })
  for (const c of cases) it(c.name, () => c.run(t), c.timeoutMs)
  // Without redis-server on PATH the cases that need it are skipped, by name.
  for (const c of redisCases) it.skipIf(c.live && !HAS_REDIS)(c.name, () => c.run(t), c.timeoutMs)

  it('logs say why a call failed, and never hold a secret', async () => {
    const logged = logLines.join('\n')
    expect(logged).toContain(
      'AWS Lambda API returned error: Function not found: arn:aws:lambda:us-east-1:123456789012:function:secretFunctionName, status code: 404',
    )
    expect(logged).toContain('secret-log-line') // the function's log tail, at debug level only
    await expectNoSecretInLogs(t)
  })

  it('every invocation carried a valid signature', () => {
    const invalid = mock.invocations.filter((i) => !i.signatureValid && i.functionName !== 'signedWithWrongSecret')
    expect(invalid.map((i) => i.functionName)).toEqual([])
    expect(mock.invocations.filter((i) => i.signatureValid).length).toBeGreaterThan(50)
  })
})

describe('Node entry with LAMBDA_ERROR_DETAILS=hide', () => {
  let t: E2E
  beforeAll(async () => {
    t = e2e(
      await startGateway(gatewayConfig(mock.port, await closedPort(), aws.sts.url, { echo: upstreams.echoPort, webSocket: upstreams.webSocketPort }), {
        ...TEST_ENV,
        LAMBDA_ERROR_DETAILS: 'hide',
      }),
    )
  })
  for (const c of hiddenErrorCases) it(c.name, () => c.run(t))
})

describe('Node entry with CLIENT_MAX_BODY_SIZE=2m: proxied large bodies', () => {
  let t: E2E
  beforeAll(async () => {
    const config = gatewayConfig(mock.port, await closedPort(), aws.sts.url, { echo: upstreams.echoPort, webSocket: upstreams.webSocketPort })
    t = e2e(await startGateway(config, { ...TEST_ENV, CLIENT_MAX_BODY_SIZE: '2m' }))
  })
  for (const c of proxyLargeBodyCases) it(c.name, () => c.run(t), c.timeoutMs)
})

describe('Node entry with AWS_REGION in the environment', () => {
  it('E1 an API Gateway route without aws_region uses AWS_REGION', async () => {
    const config = {
      _format_version: '3.0',
      routes: [
        {
          name: 'e1',
          paths: ['/'],
          plugins: [
            {
              name: 'aws-lambda',
              config: {
                aws_key: 'mock-key',
                aws_secret: 'mock-secret',
                host: '127.0.0.1',
                port: mock.port,
                disable_https: true,
                function_name: 'functionWithMultiValueHeadersResponse',
                is_proxy_integration: true,
                awsgateway_compatible: true,
              },
            },
          ],
        },
      ],
    }
    const t = e2e(await startGateway(config, { AWS_REGION: 'eu-west-3' }))
    const response = await t.send({ path: '/' })
    expect(response.status).toBe(200)
    expect(response.headers.get('age')).toBe('3600')
    expect(response.headers.get('access-control-allow-origin')).toBe('site1.com, site2.com')
    expect(mock.invocations.at(-1)?.region).toBe('eu-west-3')
  })
})

describe('Node entry: events Lambda would refuse are answered 413 before invoking', () => {
  let t: E2E
  beforeAll(async () => {
    const route = (name: string, config: Record<string, unknown>) => ({
      name,
      hosts: [name],
      plugins: [
        {
          name: 'aws-lambda',
          config: {
            aws_key: 'mock-key',
            aws_secret: 'mock-secret',
            aws_region: 'us-east-1',
            host: '127.0.0.1',
            port: mock.port,
            disable_https: true,
            function_name: 'functionEventSize',
            awsgateway_compatible: true,
            skip_large_bodies: false,
            ...config,
          },
        },
      ],
    })
    const config = { _format_version: '3.0', routes: [route('sync.test', {}), route('event.test', { invocation_type: 'Event' })] }
    t = e2e(await startGateway(config, { ...TEST_ENV, CLIENT_MAX_BODY_SIZE: '0' }))
  })
  const invoked = () => mock.invocations.filter((i) => i.functionName === 'functionEventSize').length
  const body = (bytes: number) => new Uint8Array(bytes).fill(0x61)

  it.each([
    // 800 000 bytes grow to 1 066 668 in base64: over 1 MiB for Event, well under 6 MiB.
    ['event.test', 800_000, 413],
    ['event.test', 700_000, 202],
    ['sync.test', 800_000, 200],
    // 4.8 MB grow to 6.4 MB in base64: over 6 MiB.
    ['sync.test', 4_800_000, 413],
  ])('%s with a %i-byte body: %i', async (host, size, status) => {
    const before = invoked()
    const [response, logged] = await withLogs(t, () => t.send({ host, path: '/', method: 'POST', body: body(size) }))
    expect(response.status).toBe(status)
    expect(invoked() - before).toBe(status === 413 ? 0 : 1)
    if (status === 413) {
      expect(await response.json()).toEqual({ message: 'Request body too large' })
      expect(logged).toMatch(/event of \d+ bytes exceeds Lambda's \d+-byte limit for (Event|RequestResponse) invocations: not invoked/)
    }
  })
})

describe('Node entry, request bodies at the socket level', () => {
  let url: URL
  beforeAll(async () => {
    url = new URL(
      (
        await startGateway(
          gatewayConfig(mock.port, await closedPort(), aws.sts.url, { echo: upstreams.echoPort, webSocket: upstreams.webSocketPort }),
          TEST_ENV,
        )
      ).url,
    )
  })

  /** Writes raw HTTP/1.1 and returns what the gateway answered (the socket closed or not). */
  function exchange(write: (socket: Socket) => void): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => write(socket))
      let answer = ''
      socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk))
      socket.on('close', () => resolve(answer))
      socket.on('error', reject)
    })
  }

  it('a chunked body (no Content-Length) over CLIENT_MAX_BODY_SIZE is refused with 413, never invoked', async () => {
    const before = mock.invocations.length
    const chunk = 'a'.repeat(16 * 1024)
    const answer = await exchange((socket) => {
      socket.write('POST /post HTTP/1.1\r\nHost: r3.test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n')
      for (let i = 0; i < 5; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`)
      socket.write('0\r\n\r\n')
    })
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
    expect(answer).toContain('{"message":"Request body too large"}')
    expect(mock.invocations.length).toBe(before)
  })

  it('proxied: a chunked body streams to the upstream as it comes, and one over CLIENT_MAX_BODY_SIZE is cut there and answered 413', async () => {
    const id = crypto.randomUUID()
    const within = await exchange((socket) => {
      socket.write(`POST /c HTTP/1.1\r\nHost: echo.proxy.test\r\nX-Test-Id: ${id}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`)
      socket.write('5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n')
    })
    expect(within).toMatch(/^HTTP\/1\.1 200 /)
    const echo = JSON.parse(within.slice(within.indexOf('\r\n\r\n') + 4)) as Echo
    expect(echo.bodyLength).toBe(11)
    expect(echo.headers.filter(([name]) => name === 'transfer-encoding' || name === 'content-length')).toEqual([['transfer-encoding', 'chunked']])
    const over = crypto.randomUUID()
    const chunk = 'a'.repeat(16 * 1024)
    const answer = await exchange((socket) => {
      socket.write(`POST /c HTTP/1.1\r\nHost: echo.proxy.test\r\nX-Test-Id: ${over}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`)
      for (let i = 0; i < 5; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`)
      socket.write('0\r\n\r\n')
    })
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
    expect(answer).toContain('{"message":"Request body too large"}')
    const seen = async () => (await (await fetch(`${upstreams.echoUrl}/__seen/${over}`)).json()) as { requests: number; cut: number }
    await vi.waitFor(async () => expect(await seen()).toEqual({ requests: 1, cut: 1 }))
  })

  it('proxied: a POST without Content-Length or Transfer-Encoding has no body: Content-Length 0 is sent, not an empty chunked body', async () => {
    const answer = await exchange((socket) => socket.write('POST /x HTTP/1.1\r\nHost: echo.proxy.test\r\nConnection: close\r\n\r\n'))
    expect(answer).toMatch(/^HTTP\/1\.1 200 /)
    const echo = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Echo
    expect(echo.headers.filter(([name]) => name === 'transfer-encoding' || name === 'content-length')).toEqual([['content-length', '0']])
  })

  it("proxied: the upstream's header lines reach the client in their order, a repeated header on its own lines, as nginx passes them", async () => {
    const lines = 'www-authenticate: Basic realm="a"|x-second: 2|www-authenticate: Bearer|connection: x-hop|x-hop: dropped'
    const answer = await exchange((socket) =>
      socket.write(`GET / HTTP/1.1\r\nHost: echo.proxy.test\r\nX-Test-Answer-Header: ${lines}\r\nConnection: close\r\n\r\n`),
    )
    expect(answer).toMatch(/^HTTP\/1\.1 200 /)
    const head = answer.slice(0, answer.indexOf('\r\n\r\n')).split('\r\n').slice(1)
    const upstreamLines = head.filter((line) => /^(www-authenticate|x-second|x-hop|content-type):/i.test(line))
    expect(upstreamLines).toEqual(['www-authenticate: Basic realm="a"', 'x-second: 2', 'www-authenticate: Bearer', 'content-type: application/json'])
  })

  it('pipelined requests (RFC 9112 §9.3.2) are each answered, in order, the later ones while the first is still being served', async () => {
    const answer = await exchange((socket) =>
      socket.write(
        'GET /first HTTP/1.1\r\nHost: echo.proxy.test\r\nX-Test-Delay-Head: 200\r\n\r\n' +
          'GET /second HTTP/1.1\r\nHost: echo.proxy.test\r\n\r\n' +
          'POST /post HTTP/1.1\r\nHost: r3.test\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
      ),
    )
    expect(answer.match(/HTTP\/1\.1 \d{3} /g)).toEqual(['HTTP/1.1 200 ', 'HTTP/1.1 200 ', 'HTTP/1.1 200 '])
    expect(answer.indexOf('"target":"/first"')).toBeLessThan(answer.indexOf('"target":"/second"'))
  })

  it('proxied: a client that goes away while the upstream has not answered stops the upstream request at once; logged 499', async () => {
    const id = crypto.randomUUID()
    const [, logged] = await logsDuring(logLines, () =>
      exchange((socket) => {
        socket.write(`GET /slow HTTP/1.1\r\nHost: echo.proxy.test\r\nX-Test-Id: ${id}\r\nX-Test-Delay-Head: 5000\r\n\r\n`)
        setTimeout(() => socket.destroy(), 100)
      }),
    )
    const seen = async () => (await (await fetch(`${upstreams.echoUrl}/__seen/${id}`)).json()) as { requests: number; cut: number }
    // Cut well before the upstream's 5 s: the gateway closed its request when the client left.
    await vi.waitFor(async () => expect(await seen()).toEqual({ requests: 1, cut: 1 }), { timeout: 2000 })
    await vi.waitFor(() => expect(logLines.join('\n')).toMatch(/"route":"echo.proxy.test"[^\n]*"path":"\/slow"[^\n]*"status":499/))
    // What the client did is no failure of the gateway's or the upstream's, and said once.
    expect(logged).not.toMatch(/"level":"(error|warn)"[^\n]*"route":"echo.proxy.test"/)
    expect(logged).toMatch(/"level":"info","msg":"the client went away before the upstream answered","request_id"/)
  })

  it('proxied: a client that goes away mid-body stops the upstream request; logged 499', async () => {
    const id = crypto.randomUUID()
    const [, logged] = await logsDuring(logLines, () =>
      exchange((socket) => {
        socket.write(`POST /c HTTP/1.1\r\nHost: echo.proxy.test\r\nX-Test-Id: ${id}\r\nContent-Length: 1000\r\n\r\nonly part of it`)
        setTimeout(() => socket.destroy(), 50)
      }),
    )
    const seen = async () => (await (await fetch(`${upstreams.echoUrl}/__seen/${id}`)).json()) as { requests: number; cut: number }
    await vi.waitFor(async () => expect(await seen()).toEqual({ requests: 1, cut: 1 }))
    await vi.waitFor(() => expect(logLines.join('\n')).toMatch(/"route":"echo.proxy.test"[^\n]*"status":499/))
    expect(logged).not.toContain('"level":"error"')
  })

  it('a chunked body within the limit is invoked with every byte', async () => {
    const answer = await exchange((socket) => {
      socket.write('POST /post HTTP/1.1\r\nHost: r10.test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n')
      // Not end(): Node's server drops a request whose client half-closes. Connection: close ends it.
      socket.write('5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n')
    })
    expect(answer).toMatch(/^HTTP\/1\.1 200 /)
    expect(answer).toContain('"request_body":"hello world"')
  })

  it('a client that goes away mid-body gets nothing invoked, and the gateway serves on', async () => {
    const before = mock.invocations.length
    await exchange((socket) => {
      socket.write('POST /post HTTP/1.1\r\nHost: r3.test\r\nContent-Length: 1000\r\n\r\nonly part of it')
      setTimeout(() => socket.destroy(), 50)
    })
    const response = await sendHttp(url.href, { path: '/post', method: 'POST', body: 'next', headers: { host: 'r10.test' } })
    expect(response.status).toBe(200)
    expect(mock.invocations.length).toBe(before + 1) // the next request's only
    // Logged as nginx logs it: the client left (499, at info), the gateway did not fail.
    expect(logLines.join('\n')).toMatch(
      /"level":"info","msg":"the client went away before its request body ended[^"]*","request_id":"[0-9a-f]{32}","route":"r3.test"/,
    )
    expect(logLines.join('\n')).toMatch(/"msg":"request","request_id":"[0-9a-f]{32}","route":"r3.test".*"status":499/)
  })
})

describe('Node entry, API Gateway events from the request as received', () => {
  let url: URL
  beforeAll(async () => {
    url = new URL(
      (
        await startGateway(
          gatewayConfig(mock.port, await closedPort(), aws.sts.url, { echo: upstreams.echoPort, webSocket: upstreams.webSocketPort }),
          TEST_ENV,
        )
      ).url,
    )
  })

  /** The event the echo function received for raw HTTP/1.x request text, which AWS's published schema must accept. */
  async function eventFor(requestText: string): Promise<Record<string, any>> {
    const event = await echoedEvent(requestText)
    expect(awsSchemaProblems(event), "AWS's event schema").toEqual([])
    return event
  }

  function echoedEvent(requestText: string): Promise<Record<string, any>> {
    return new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.write(requestText))
      let answer = ''
      socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk))
      socket.on('close', () => {
        const body = answer.slice(answer.indexOf('\r\n\r\n') + 4)
        try {
          resolve(JSON.parse(JSON.parse(body).body))
        } catch {
          reject(new Error(`unexpected answer: ${answer}`))
        }
      })
      socket.on('error', reject)
    })
  }

  const REPEATED = 'X-Multi: first\r\nx-multi: second\r\nCookie: a=1\r\nCookie: b=2\r\nCF-Connecting-IP: 203.0.113.9\r\nConnection: close\r\n'

  it('1.0 keeps repeated header lines apart, the last one in headers, and the TCP peer as sourceIp', async () => {
    const event = await eventFor(`GET /plain?x='y'&z="1" HTTP/1.1\r\nHost: apigw1.test\r\n${REPEATED}\r\n`)
    expect(event.multiValueHeaders['x-multi']).toEqual(['first', 'second'])
    expect(event.headers['x-multi']).toBe('second')
    expect(event.multiValueHeaders.cookie).toEqual(['a=1', 'b=2'])
    expect(event.requestContext.identity.sourceIp).toBe('127.0.0.1') // a client's CF-Connecting-IP is not trusted here
  })

  it('2.0 joins repeated header lines with "," and keeps rawQueryString as sent', async () => {
    const event = await eventFor(`GET /plain?x='y'&z="1" HTTP/1.1\r\nHost: apigw2.test\r\n${REPEATED}\r\n`)
    expect(event.headers['x-multi']).toBe('first,second')
    expect(event.cookies).toEqual(['a=1', 'b=2'])
    expect(event.rawQueryString).toBe(`x='y'&z="1"`)
    expect(event.queryStringParameters).toEqual({ x: "'y'", z: '"1"' })
  })

  it('tells the HTTP version the client used (Z2: HTTP/1.0)', async () => {
    const event = await eventFor('GET /plain HTTP/1.0\r\nHost: apigw1.test\r\n\r\n')
    expect(event.requestContext.protocol).toBe('HTTP/1.0')
  })
})
