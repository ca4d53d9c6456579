// The end-to-end cases inside workerd, through the Worker entry (src/worker.ts) with the
// config and credentials as bindings; the Worker's outbound fetch reaches the mock Lambda.

import { createExecutionContext } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { beforeAll, describe, expect, inject, it, vi } from 'vitest'
import worker from '../../src/worker.ts'
import { cases, type E2E } from '../e2e/cases.ts'
import { messageQueue, type WebSocketOutcome, type WebSocketRequest } from '../e2e/harness.ts'
import { hiddenErrorCases } from '../e2e/hidden-error-cases.ts'
import { proxyLargeBodyCases } from '../e2e/proxy-cases.ts'
import { expectNoSecretInLogs } from '../e2e/secret-logs.ts'

// The Worker runs in this isolate: its log lines (LOG_LEVEL debug) are caught here, in order,
// and by the console method that wrote them.
const logLines: string[] = []
const byMethod: Record<'log' | 'error', string[]> = { log: [], error: [] }
beforeAll(() => {
  for (const method of ['log', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation((line: unknown) => {
      logLines.push(String(line))
      byMethod[method].push(String(line))
    })
  }
})

const CLIENT_IP = '203.0.113.7'

// Cloudflare's edge sets CF-Connecting-IP on every request that reaches a Worker. Redirects come
// back as they are, as the Node and Deno runners' clients give them.
const send: E2E['send'] = ({ host = 'gateway.test', path, method = 'GET', headers, body, from = CLIENT_IP }) =>
  exports.default.fetch(new Request(`http://${host}${path}`, { method, headers: { 'cf-connecting-ip': from, ...headers }, body, redirect: 'manual' }))

/** The Worker's fetch with `Upgrade: websocket`: a 101 carries the WebSocket the platform tunnels, accepted here as a client's. */
async function webSocket({ host = 'gateway.test', path, headers, protocols, from = CLIENT_IP }: WebSocketRequest): Promise<WebSocketOutcome> {
  const offered: Record<string, string> = protocols ? { 'sec-websocket-protocol': protocols.join(', ') } : {}
  const request = new Request(`http://${host}${path}`, { headers: { 'cf-connecting-ip': from, upgrade: 'websocket', ...offered, ...headers } })
  const response = await exports.default.fetch(request)
  const ws = response.webSocket
  if (response.status !== 101 || !ws) return { status: response.status, headers: response.headers, body: await response.text() }
  ws.accept()
  const queue = messageQueue()
  ws.binaryType = 'arraybuffer'
  ws.addEventListener('message', (event) => queue.push(typeof event.data === 'string' ? event.data : new Uint8Array(event.data as ArrayBuffer)))
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener('close', (event) => resolve({ code: event.code, reason: event.reason })),
  )
  const socket = {
    protocol: response.headers.get('sec-websocket-protocol') ?? '',
    send: (data: string | Uint8Array) => ws.send(data),
    next: queue.next,
    close: (code?: number, reason?: string) => ws.close(code, reason),
    closed,
  }
  return { status: 101, headers: response.headers, socket }
}

const t: E2E = {
  send,
  // The Worker's answer streams to this isolate as it is written.
  stream: send,
  mockUrl: inject('mockUrl'),
  upstreamUrl: inject('upstreamUrl'),
  invocations: async () => (await fetch(`${inject('mockUrl')}/__invocations`)).json(),
  equal: (actual, expected, what) => expect(actual, what).toEqual(expected),
  ok: (condition, what) => expect(condition, what).toBeTruthy(),
  logs: () => logLines,
  sourceIp: CLIENT_IP,
  webSocket,
}

describe('Worker entry inside workerd', () => {
  it('runs in workerd', () => {
    expect(navigator.userAgent).toBe('Cloudflare-Workers')
  })
  for (const c of cases) {
    if (c.skipIn?.includes('workerd')) it.skip(c.name, () => {})
    else it(c.name, () => c.run(t), c.timeoutMs)
  }
})

describe('what Workers cannot do is a config error naming the field', () => {
  const PROXY = 'proxy_url: a forward proxy is not supported on this runtime (Cloudflare Workers)'
  const VERIFY = 'ssl_verify: TLS verification cannot be turned off on this runtime (Cloudflare Workers)'
  it.each([
    ['proxy_url', { proxy_url: 'http://127.0.0.1:3128' }, [PROXY]],
    ['ssl_verify', { ssl_verify: false }, [VERIFY]],
    // One problem does not hide the other.
    ['both', { proxy_url: 'http://127.0.0.1:3128', ssl_verify: false }, [PROXY, VERIFY]],
  ])('%s', async (name, setting, reasons) => {
    const config = {
      _format_version: '3.0',
      routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'aws-lambda', config: { function_name: 'f', aws_region: 'us-east-1', ...setting } }] }],
    }
    const before = logLines.length
    const request = new Request('http://gateway.test/', { headers: { 'x-request-id': `bad-config-${name}` } })
    const response = await worker.fetch(request, { ...env, GATEWAY_CONFIG: JSON.stringify(config) }, createExecutionContext())
    expect(response.status).toBe(500)
    expect(response.headers.get('x-request-id')).toBe(`bad-config-${name}`)
    expect(await response.json()).toEqual({ message: 'An unexpected error occurred', request_id: `bad-config-${name}` })
    const logged = logLines.slice(before).map((line) => JSON.parse(line) as { problems?: string[] })
    const problems = logged.flatMap((line) => line.problems ?? []).map((problem) => problem.replace(/; remove .*$/, ''))
    expect(problems).toEqual(reasons.map((reason) => `routes[0].plugins[0].config.${reason}`))
  })
})

describe('proxying: what fetch cannot do is a config error naming the field', () => {
  it('preserve_host and tls_verify: false are refused; a grpc service is refused on every runtime', async () => {
    const config = {
      _format_version: '3.0',
      services: [
        { name: 'plain', url: 'http://127.0.0.1:1', routes: [{ name: 'keep-host', paths: ['/a'], preserve_host: true }] },
        { name: 'unverified', url: 'https://127.0.0.1:1', tls_verify: false, routes: [{ name: 'tls', paths: ['/b'] }] },
        { name: 'rpc', url: 'grpc://127.0.0.1:1', routes: [{ name: 'grpc', paths: ['/c'] }] },
      ],
    }
    const before = logLines.length
    const response = await worker.fetch(new Request('http://gateway.test/a'), { ...env, GATEWAY_CONFIG: JSON.stringify(config) }, createExecutionContext())
    expect(response.status).toBe(500)
    const problems = logLines.slice(before).flatMap((line) => (JSON.parse(line) as { problems?: string[] }).problems ?? [])
    expect(problems).toEqual([
      "services[0].routes[0].preserve_host: the client's Host cannot be sent (fetch sends the URL's) on this runtime (Cloudflare Workers): remove preserve_host",
      'services[1].tls_verify: TLS verification cannot be turned off on this runtime (Cloudflare Workers): remove tls_verify',
      'services[2].protocol: routes are proxied over http and https only: grpc services are not supported (route grpc has no plugin that answers it)',
    ])
  })
})

describe("Kong's router on Workers: the scheme from the URL, no SNI", () => {
  it('serves an https request on an https-only route (Cloudflare gives the Worker the URL the client used)', async () => {
    const request = new Request('https://https.router.test/x', { headers: { 'cf-connecting-ip': CLIENT_IP }, redirect: 'manual' })
    const response = await exports.default.fetch(request)
    expect(response.status).toBe(200)
    expect((await exports.default.fetch(new Request('http://https.router.test/x', { redirect: 'manual' }))).status).toBe(426)
  })

  it('refuses a route with snis: Kong matches https requests against the TLS server name, which a Worker is not told', async () => {
    const config = {
      _format_version: '3.0',
      routes: [{ name: 'r', snis: ['api.example.com'], plugins: [{ name: 'aws-lambda', config: { function_name: 'f', aws_region: 'us-east-1' } }] }],
    }
    const before = logLines.length
    const response = await worker.fetch(new Request('https://api.example.com/'), { ...env, GATEWAY_CONFIG: JSON.stringify(config) }, createExecutionContext())
    expect(response.status).toBe(500)
    const problems = logLines.slice(before).flatMap((line) => (JSON.parse(line) as { problems?: string[] }).problems ?? [])
    expect(problems).toEqual([
      "routes[0].snis: not supported on this runtime: it does not tell a request's TLS server name, which Kong matches https requests against (match on `hosts` instead)",
    ])
  })
})

describe('certificates on Workers', () => {
  it('refuses a certificate with snis, naming it: Cloudflare terminates TLS with the certificates of the zone, so it would never be served', async () => {
    // The model checks a PEM's shape only; Node and Deno parse it.
    const pem = (label: string) => `-----BEGIN ${label}-----\nMAA=\n-----END ${label}-----`
    const config = {
      _format_version: '3.0',
      certificates: [
        { cert: pem('CERTIFICATE'), key: pem('PRIVATE KEY'), snis: ['api.example.com'] },
        { cert: pem('CERTIFICATE'), key: pem('PRIVATE KEY') },
      ],
      routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'aws-lambda', config: { function_name: 'f', aws_region: 'us-east-1' } }] }],
    }
    const before = logLines.length
    const response = await worker.fetch(new Request('https://api.example.com/'), { ...env, GATEWAY_CONFIG: JSON.stringify(config) }, createExecutionContext())
    expect(response.status).toBe(500)
    const problems = logLines.slice(before).flatMap((line) => (JSON.parse(line) as { problems?: string[] }).problems ?? [])
    expect(problems).toEqual(['certificates[0]: not served on Workers: Cloudflare terminates TLS with the certificates of your zone; remove it'])
  })
})

describe('upstream TLS on Workers: the platform verifies', () => {
  it('refuses tls_verify: false, tls_verify_depth, ca_certificates and client_certificate at load, each field named', async () => {
    const pem = (label: string) => `-----BEGIN ${label}-----\nMAA=\n-----END ${label}-----`
    const CA = '0b6c1a9e-5f6d-4c1e-9a8b-7d2e3f4a5b6c'
    const CLIENT = '6f0e2d1c-3b4a-4e5f-8a9b-0c1d2e3f4a5b'
    const config = {
      _format_version: '3.0',
      ca_certificates: [{ id: CA, cert: pem('CERTIFICATE') }],
      certificates: [{ id: CLIENT, cert: pem('CERTIFICATE'), key: pem('PRIVATE KEY') }],
      services: [
        {
          name: 'upstream',
          url: 'https://upstream.example.com',
          tls_verify: false,
          tls_verify_depth: 1,
          ca_certificates: [CA],
          client_certificate: CLIENT,
          routes: [{ name: 'r', paths: ['/'] }],
        },
      ],
    }
    const before = logLines.length
    const response = await worker.fetch(new Request('https://gateway.test/'), { ...env, GATEWAY_CONFIG: JSON.stringify(config) }, createExecutionContext())
    expect(response.status).toBe(500)
    const problems = logLines.slice(before).flatMap((line) => (JSON.parse(line) as { problems?: string[] }).problems ?? [])
    expect(problems.map((problem) => problem.replace(/ on this runtime.*$/, ''))).toEqual([
      'services[0].tls_verify: TLS verification cannot be turned off',
      'services[0].tls_verify_depth: the verification depth cannot be set',
      'services[0].ca_certificates: CA certificates cannot be given',
      'services[0].client_certificate: a client certificate cannot be presented',
    ])
  })
})

describe('Worker log lines', () => {
  // Workers dashboards and `wrangler dev` show console.error lines as errors.
  it('info and debug through console.log, warnings and errors through console.error', async () => {
    const [logged, errored] = [byMethod.log.length, byMethod.error.length]
    await exports.default.fetch(new Request('http://nowhere.test/nothing'))
    await worker.fetch(new Request('http://gateway.test/'), { ...env, GATEWAY_CONFIG: '{' }, createExecutionContext())
    const parsed = (lines: string[]) => lines.map((line) => JSON.parse(line) as { level: string; msg: string })
    const infos = parsed(byMethod.log.slice(logged))
    const errors = parsed(byMethod.error.slice(errored))
    expect(infos.map((line) => line.msg)).toContain('request')
    expect(errors.map((line) => line.msg)).toContain('invalid configuration: the gateway cannot serve requests')
    expect(infos.every((line) => line.level === 'info' || line.level === 'debug')).toBe(true)
    expect(errors.every((line) => line.level === 'warn' || line.level === 'error')).toBe(true)
  })

  // Last in the file: after every case, the log lines they caused (credential, STS and Lambda failures included).
  it('never hold a secret', () => expectNoSecretInLogs(t))
})

describe('Worker entry with CLIENT_MAX_BODY_SIZE=2m: proxied large bodies', () => {
  // The config text differs (indented by 2) so that the isolate builds a gateway with this setting.
  const largeEnv = { ...env, CLIENT_MAX_BODY_SIZE: '2m', GATEWAY_CONFIG: JSON.stringify(JSON.parse(inject('gatewayConfig')), null, 2) }
  const large: E2E = {
    ...t,
    // With the Content-Length a client's request reaching a Worker has (a Request made here has none).
    send: async ({ host = 'gateway.test', path, method = 'GET', headers, body }) => {
      const sent: Record<string, string> = { 'cf-connecting-ip': CLIENT_IP, ...headers }
      if (body !== undefined) sent['content-length'] = String(typeof body === 'string' ? new TextEncoder().encode(body).byteLength : body.byteLength)
      return worker.fetch(new Request(`http://${host}${path}`, { method, headers: sent, body }), largeEnv, createExecutionContext())
    },
  }
  for (const c of proxyLargeBodyCases) it(c.name, () => c.run(large), c.timeoutMs)
})

describe('Worker entry with LAMBDA_ERROR_DETAILS=hide', () => {
  // The same routes; the config text differs (indented) so that the isolate builds a gateway with this setting.
  const hiddenEnv = { ...env, LAMBDA_ERROR_DETAILS: 'hide', GATEWAY_CONFIG: JSON.stringify(JSON.parse(inject('gatewayConfig')), null, 1) }
  const hidden: E2E = {
    ...t,
    send: async ({ host = 'gateway.test', path, method = 'GET', headers, body }) =>
      worker.fetch(
        new Request(`http://${host}${path}`, { method, headers: { 'cf-connecting-ip': CLIENT_IP, ...headers }, body }),
        hiddenEnv,
        createExecutionContext(),
      ),
  }
  for (const c of hiddenErrorCases) it(c.name, () => c.run(hidden))
})
