// Proxying routes to their services (src/proxy/), on every runtime, against the loopback echo
// server of test/support/upstream-servers.ts (routes: proxyServices in gateway-config.ts). Ported
// from Kong's spec/02-integration/05-proxy/ where they apply: 03-upstream_headers_spec.lua (the
// headers an upstream gets), 02-router_spec.lua (path joining, strip_path, preserve_host), the
// timeouts and retries specs; and plugins on proxied routes, large bodies both ways, a client
// that goes away.

import { PROXY_KEY, PROXY_KEY_LEI } from '../support/gateway-config.ts'
import type { Echo } from '../support/upstream-echo.ts'
import type { Case, E2E } from './harness.ts'
import { withLogs } from './harness.ts'

const echoOf = async (response: Response): Promise<Echo> => JSON.parse(await response.text()) as Echo

/** The values of a header the upstream got, one per line. */
const header = (echo: Echo, name: string) => echo.headers.filter(([key]) => key === name).map(([, value]) => value)

async function proxied(
  t: E2E,
  host: string,
  path = '/',
  headers: Record<string, string> = {},
  extra: { method?: string; body?: string | Uint8Array<ArrayBuffer>; from?: string } = {},
) {
  const response = await t.send({ host, path, headers, ...extra })
  t.equal(response.status, 200, `status of ${host}${path}`)
  return { response, echo: await echoOf(response) }
}

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('')

/** How often the echo server saw requests with this x-test-id, and how many of its answers were cut off. */
export async function seen(t: E2E, id: string): Promise<{ requests: number; cut: number }> {
  return (await fetch(`${t.upstreamUrl}/__seen/${encodeURIComponent(id)}`)).json()
}

const newId = () => crypto.randomUUID()

/** The answer's head comes through, then its body breaks: never passed off as whole. */
async function expectCut(t: E2E, host: string, headers: Record<string, string>) {
  const response = await t.stream({ host, path: '/', headers })
  t.equal(response.status, 200)
  t.ok((await bodyFailure(response)) !== undefined, 'the body broke')
}

/** A body of `size` bytes declared over CLIENT_MAX_BODY_SIZE: 413, and the upstream never saw the request. */
async function expectRefusedUnsent(t: E2E, size: number) {
  const id = newId()
  const response = await t.send({ host: 'echo.proxy.test', path: '/', method: 'POST', headers: { 'x-test-id': id }, body: new Uint8Array(size) })
  t.equal(response.status, 413)
  t.equal((await seen(t, id)).requests, 0)
}

/** Reads a body to its end; the error when it breaks. */
async function bodyFailure(response: Response): Promise<unknown> {
  try {
    await response.arrayBuffer()
    return undefined
  } catch (error) {
    return error ?? new Error('broken')
  }
}

/** Waits until `check` holds (the upstream learns of a client going away when the gateway tells it). */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}

export const proxyCases: Case[] = [
  {
    name: 'PX1 a route of a service without an answering plugin is proxied: method, path and query as sent, the answer streamed back',
    async run(t) {
      const { response, echo } = await proxied(t, 'echo.proxy.test', '/some/path?b=2&a=%20x&a=1')
      t.equal([echo.method, echo.target, echo.httpVersion], ['GET', '/some/path?b=2&a=%20x&a=1', '1.1'])
      t.equal(response.headers.get('content-type'), 'application/json')
      t.ok(/^[0-9a-f]{32}$/.test(response.headers.get('x-request-id') ?? ''), 'x-request-id')
    },
  },
  {
    name: 'PX2 the upstream headers Kong sets: Host, X-Forwarded-*, X-Real-IP, Via (03-upstream_headers_spec)',
    async run(t) {
      const { echo } = await proxied(t, 'echo.proxy.test', '/a/b?c=d', { 'x-custom': 'kept' })
      t.equal(header(echo, 'host'), [`127.0.0.1:${new URL(t.upstreamUrl ?? '').port}`], 'host: the service, with its port')
      t.equal(header(echo, 'x-forwarded-for'), [t.sourceIp])
      t.equal(header(echo, 'x-real-ip'), [t.sourceIp])
      t.equal(header(echo, 'x-forwarded-proto'), ['http'])
      t.equal(header(echo, 'x-forwarded-host'), ['echo.proxy.test'])
      t.ok(/^\d+$/.test(header(echo, 'x-forwarded-port')[0] ?? ''), 'x-forwarded-port')
      t.equal(header(echo, 'x-forwarded-path'), ['/a/b'])
      t.equal(header(echo, 'x-forwarded-prefix'), [], 'no prefix without strip_path')
      t.equal(header(echo, 'via'), ['1.1 lambda-gateway'])
      t.equal(header(echo, 'x-custom'), ['kept'])
    },
  },
  {
    name: "PX3 from an untrusted peer, the client's X-Forwarded-* are replaced and X-Forwarded-For is appended to; Via is appended to",
    async run(t) {
      const { echo } = await proxied(t, 'echo.proxy.test', '/x', {
        'x-forwarded-for': '198.51.100.7',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'forged.test',
        'x-forwarded-port': '8443',
        'x-forwarded-path': '/forged',
        'x-forwarded-prefix': '/forged',
        'x-real-ip': '198.51.100.8',
        via: '1.0 client-proxy',
      })
      t.equal(header(echo, 'x-forwarded-for'), [`198.51.100.7, ${t.sourceIp}`])
      t.equal(header(echo, 'x-real-ip'), [t.sourceIp])
      t.equal(header(echo, 'x-forwarded-proto'), ['http'])
      t.equal(header(echo, 'x-forwarded-host'), ['echo.proxy.test'])
      t.ok(header(echo, 'x-forwarded-port')[0] !== '8443', 'port not the forged one')
      t.equal(header(echo, 'x-forwarded-path'), ['/x'])
      t.equal(header(echo, 'x-forwarded-prefix'), [])
      t.equal(header(echo, 'via'), ['1.0 client-proxy, 1.1 lambda-gateway'])
    },
  },
  {
    name: "PX4 from a trusted peer (TRUSTED_IPS), the client's X-Forwarded-* are kept and X-Real-IP is the real client",
    async run(t) {
      const { echo } = await proxied(
        t,
        'echo.proxy.test',
        '/x',
        {
          'x-forwarded-for': '198.51.100.7',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'outer.test',
          'x-forwarded-port': '8443',
          'x-forwarded-path': '/outer/x',
          'x-forwarded-prefix': '/outer',
        },
        { from: '127.0.0.2' },
      )
      t.equal(header(echo, 'x-forwarded-for'), ['198.51.100.7, 127.0.0.2'])
      t.equal(header(echo, 'x-real-ip'), ['198.51.100.7'])
      t.equal(header(echo, 'x-forwarded-proto'), ['https'])
      t.equal(header(echo, 'x-forwarded-host'), ['outer.test'])
      t.equal(header(echo, 'x-forwarded-port'), ['8443'])
      t.equal(header(echo, 'x-forwarded-path'), ['/outer/x'])
      t.equal(header(echo, 'x-forwarded-prefix'), ['/outer'])
    },
  },
  {
    name: 'PX5 hop-by-hop request headers are not passed on (03-upstream_headers_spec "are removed from request"); Proxy-Authorization is',
    async run(t) {
      const { echo } = await proxied(t, 'echo.proxy.test', '/', {
        connection: 'X-Foo, X-Bar',
        'keep-alive': 'timeout=5, max=1000',
        proxy: 'Remove-Me',
        'proxy-connection': 'close',
        'proxy-authenticate': 'Basic',
        'proxy-authorization': 'Basic YWxhZGRpbjpvcGVuc2VzYW1l',
        upgrade: 'example/1, foo/2',
        'x-foo': 'Remove-Me',
        'x-bar': 'Remove-Me',
        'x-foo-bar': 'Keep-Me',
        close: 'Keep-Me',
      })
      for (const name of ['keep-alive', 'proxy', 'proxy-connection', 'upgrade', 'x-foo', 'x-bar']) t.equal(header(echo, name), [], name)
      t.equal(header(echo, 'proxy-authenticate'), ['Basic'])
      t.equal(header(echo, 'proxy-authorization'), ['Basic YWxhZGRpbjpvcGVuc2VzYW1l'])
      t.equal(header(echo, 'x-foo-bar'), ['Keep-Me'])
      t.equal(header(echo, 'close'), ['Keep-Me'])
      t.equal(header((await proxied(t, 'echo.proxy.test', '/', { te: 'deflate' })).echo, 'te'), [], 'TE without trailers')
    },
  },
  {
    name: 'PX5b TE is passed on as `trailers` when the client asked for trailers (not on workerd: its fetch sends no TE)',
    skipIn: ['workerd'],
    async run(t) {
      t.equal(header((await proxied(t, 'echo.proxy.test', '/', { te: 'trailers, deflate;q=0.5' })).echo, 'te'), ['trailers'])
    },
  },
  {
    name: "PX6 the answer: hop-by-hop headers removed, Via appended to, the latency headers (Kong's X-Kong-*-Latency) added",
    async run(t) {
      const response = await t.send({
        host: 'echo.proxy.test',
        path: '/',
        headers: { 'x-test-answer-header': 'connection: x-up-hop|x-up-hop: dropped|via: 1.0 inner|x-up: kept' },
      })
      t.equal(response.status, 200)
      t.equal(response.headers.get('x-up-hop'), null)
      t.equal(response.headers.get('x-up'), 'kept')
      t.equal(response.headers.get('via'), '1.0 inner, 1.1 lambda-gateway')
      t.ok(/^\d+$/.test(response.headers.get('x-gateway-upstream-latency') ?? ''), 'x-gateway-upstream-latency')
      t.ok(/^\d+$/.test(response.headers.get('x-gateway-proxy-latency') ?? ''), 'x-gateway-proxy-latency')
      await response.arrayBuffer()
    },
  },
  {
    name: "PX7 the upstream's status and body are the client's, also for errors",
    async run(t) {
      const response = await t.send({ host: 'echo.proxy.test', path: '/', headers: { 'x-test-status': '418' } })
      t.equal(response.status, 418)
      t.equal((await echoOf(response)).target, '/')
    },
  },
  {
    name: 'PX8 strip_path and the service path join as Kong joins them; X-Forwarded-Prefix is what was stripped (02-router_spec)',
    async run(t) {
      const target = async (host: string, path: string) => (await proxied(t, host, path)).echo
      const stripped = await target('prefix.proxy.test', '/prefix/a/b?q=1')
      t.equal([stripped.target, header(stripped, 'x-forwarded-prefix'), header(stripped, 'x-forwarded-path')], ['/a/b?q=1', ['/prefix'], ['/prefix/a/b']])
      t.equal((await target('prefix.proxy.test', '/prefix')).target, '/')
      const kept = await target('keep.proxy.test', '/prefix/a')
      t.equal([kept.target, header(kept, 'x-forwarded-prefix')], ['/prefix/a', []])
      t.equal((await target('base.proxy.test', '/prefix/a')).target, '/base/a')
      t.equal((await target('base.proxy.test', '/prefix')).target, '/base')
      t.equal((await target('base-keep.proxy.test', '/prefix/a')).target, '/base/prefix/a')
      const regex = await target('regex.proxy.test', '/v2/strip/rest')
      t.equal([regex.target, header(regex, 'x-forwarded-prefix')], ['/rest', ['/v2/strip']])
    },
  },
  {
    name: "PX9 without preserve_host, the Host is the service's host, with its port only when not the scheme's default",
    async run(t) {
      const port = new URL(t.upstreamUrl ?? '').port
      t.equal(header((await proxied(t, 'localhost.proxy.test')).echo, 'host'), [`localhost:${port}`])
    },
  },
  {
    name: "PX9b preserve_host sends the client's Host (not on workerd: refused at load there, fetch sends the URL's host)",
    skipIn: ['workerd'],
    async run(t) {
      t.equal(header((await proxied(t, 'preserve.proxy.test')).echo, 'host'), ['preserve.proxy.test'])
    },
  },
  {
    name: 'PX10 plugins apply to a proxied route: key-auth (credentials hidden), request-transformer, response-transformer, cors',
    async run(t) {
      const refused = await t.send({ host: 'plugins.proxy.test', path: '/' })
      t.equal(refused.status, 401)
      await refused.arrayBuffer()
      const { response, echo } = await proxied(t, 'plugins.proxy.test', '/p?x=1', { apikey: PROXY_KEY, origin: 'http://example.test' })
      t.equal(header(echo, 'apikey'), [], 'hide_credentials')
      t.equal(header(echo, 'x-consumer-username'), ['proxy-consumer'])
      t.equal(header(echo, 'x-added'), ['by-request-transformer'])
      t.equal(echo.target, '/p?added=1&x=1', 'query args as request-transformer encodes them: sorted')
      t.equal(response.headers.get('x-answer-added'), 'by-response-transformer')
      t.equal(response.headers.get('access-control-allow-origin'), 'http://example.test')
    },
  },
  {
    name: 'PX11 a body a plugin read and changed is the one sent, with its length',
    async run(t) {
      const { echo } = await proxied(t, 'read-body.proxy.test', '/', { 'content-type': 'application/x-www-form-urlencoded' }, { method: 'POST', body: 'a=1' })
      const expected = 'a=1&added=1'
      t.equal([echo.bodyLength, header(echo, 'content-length')], [expected.length, [String(expected.length)]])
      t.equal(echo.bodySha256, hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(expected))))
    },
  },
  {
    name: 'PX12 a body no plugin read is streamed to the upstream as sent',
    async run(t) {
      const body = new Uint8Array(60_000).map((_, i) => i % 251)
      const { echo } = await proxied(t, 'echo.proxy.test', '/upload', { 'content-type': 'application/octet-stream' }, { method: 'POST', body })
      t.equal([echo.method, echo.bodyLength], ['POST', body.byteLength])
      t.equal(echo.bodySha256, hex(await crypto.subtle.digest('SHA-256', body)))
    },
  },
  {
    name: 'PX13 a declared body over CLIENT_MAX_BODY_SIZE is refused with 413 before the upstream is contacted',
    run: (t) => expectRefusedUnsent(t, 70_000),
  },
  {
    name: 'PX14 a 1 MiB answer streams through whole',
    timeoutMs: 30_000,
    async run(t) {
      const response = await t.send({ host: 'echo.proxy.test', path: '/', headers: { 'x-test-size': String(1024 * 1024) } })
      t.equal(response.status, 200)
      const bytes = new Uint8Array(await response.arrayBuffer())
      t.equal([bytes.byteLength, bytes.every((b) => b === 0x61)], [1024 * 1024, true])
    },
  },
  {
    name: 'PX15 an upstream slower than read_timeout: 504 The upstream server is timing out',
    async run(t) {
      const [response, logged] = await withLogs(t, () => t.send({ host: 'slow.proxy.test', path: '/', headers: { 'x-test-delay-head': '3000' } }))
      t.equal(response.status, 504)
      const body = await echoOf(response)
      t.equal((body as unknown as { message: string }).message, 'The upstream server is timing out')
      t.ok(logged.includes('proxying failed'), 'logged')
    },
  },
  {
    name: 'PX16 an upstream that stalls mid-body longer than read_timeout: the answer is cut, never passed off as whole',
    run: (t) => expectCut(t, 'slow.proxy.test', { 'x-test-size': '200000', 'x-test-stall-body': '3000' }),
  },
  {
    name: 'PX17 a connection refused: 502 An invalid response was received from the upstream server',
    async run(t) {
      const response = await t.send({ host: 'refused-no-retry.proxy.test', path: '/' })
      t.equal(response.status, 502)
      const body = (await response.json()) as { message: string; request_id: string }
      t.equal(body.message, 'An invalid response was received from the upstream server')
      t.equal(body.request_id, response.headers.get('x-request-id'))
    },
  },
  {
    name: 'PX17b a connection refused is tried 1 + retries times, retries: 0 once (not on workerd: its fetch tells a refused connection from a lost one in no way, so it never retries)',
    skipIn: ['workerd'],
    async run(t) {
      const [response, logged] = await withLogs(t, () => t.send({ host: 'refused.proxy.test', path: '/' }))
      t.equal(response.status, 502)
      t.ok(/"tries":6\b/.test(logged), `six tries logged: ${logged}`)
      const [once, loggedOnce] = await withLogs(t, () => t.send({ host: 'refused-no-retry.proxy.test', path: '/' }))
      t.equal(once.status, 502)
      t.ok(/"tries":1\b/.test(loggedOnce), 'one try logged')
    },
  },
  {
    name: 'PX18 an upstream that resets after receiving the request: 502, and the request is never sent again (retries are for connections only)',
    async run(t) {
      const id = newId()
      const response = await t.send({
        host: 'echo.proxy.test',
        path: '/',
        method: 'POST',
        headers: { 'x-test-id': id, 'x-test-reset': 'before-head' },
        body: 'once',
      })
      t.equal(response.status, 502)
      t.equal((await seen(t, id)).requests, 1)
    },
  },
  {
    name: 'PX19 an upstream that closes mid-body: the answer is cut',
    run: (t) => expectCut(t, 'echo.proxy.test', { 'x-test-size': '400000', 'x-test-close-mid-body': '1' }),
  },
  {
    name: 'PX20 a client that goes away mid-answer stops the upstream request',
    async run(t) {
      const id = newId()
      const response = await t.stream({ host: 'echo.proxy.test', path: '/', headers: { 'x-test-id': id, 'x-test-size': String(64 * 1024 * 1024) } })
      t.equal(response.status, 200)
      const reader = (response.body as ReadableStream<Uint8Array>).getReader()
      await reader.read()
      await reader.cancel()
      t.ok(await eventually(async () => (await seen(t, id)).cut === 1), 'the upstream saw its answer cut off')
    },
  },
  {
    name: 'PX22 percent-encoding passes as sent, neither decoded nor encoded twice (08-uri_encoding_spec)',
    async run(t) {
      const target = async (path: string) => (await proxied(t, 'echo.proxy.test', path)).echo.target
      const where = '/get?limit=25&where=%7B%22or%22:%5B%7B%22name%22:%7B%22like%22:%22%25bac%25%22%7D%7D%5D%7D'
      t.equal(await target(where), where, 'issue #1975')
      t.equal(await target('/request?param=1.2.3'), '/request?param=1.2.3', 'issue #1480')
      t.equal(await target('/request?param=abc%7Cdef'), '/request?param=abc%7Cdef', 'issue #749')
      t.equal(await target('/request/foo%2Fbar'), '/request/foo%2Fbar', 'issue #688')
      t.equal(await target('/request/auth%2F123'), '/request/auth%2F123', 'issue #2512')
    },
  },
  {
    name: 'PX23 what the router decoded goes upstream percent-encoded again, as Kong escapes upstream_uri: no 500, no raw bytes, no way out of the path',
    async run(t) {
      const target = async (path: string) => (await proxied(t, 'base.proxy.test', path)).echo.target
      t.equal(await target('/prefix/foo%20bar?q=%20'), '/base/foo%20bar?q=%20')
      t.equal(await target('/prefix/caf%C3%A9/%E6%97%A5'), '/base/caf%C3%A9/%E6%97%A5')
      t.equal(await target('/prefix/%22%7C%7B%7D%60'), '/base/%22%7C%7B%7D%60')
      // Decoded, a backslash is a separator to URL parsers: sent raw, `..` after it would climb out of the service's path.
      t.equal(await target('/prefix/x%5C..%5C..%5Cadmin'), '/base/x%5C..%5C..%5Cadmin')
    },
  },
  {
    name: "PX24 a consumer's name beyond Latin-1 reaches the upstream as its UTF-8 bytes, as Kong sends it",
    async run(t) {
      const { echo } = await proxied(t, 'plugins.proxy.test', '/p', { apikey: PROXY_KEY_LEI, origin: 'http://example.test' })
      // The echo server reads header bytes one character each.
      const bytes = (text: string) => String.fromCharCode(...new TextEncoder().encode(text))
      t.equal(header(echo, 'x-consumer-username'), [bytes('proxy-李雷')])
      t.equal(header(echo, 'x-consumer-custom-id'), [bytes('né-1')])
    },
  },
  {
    name: "PX25 an absolute-form target goes upstream in origin form, and X-Forwarded-Path is its path, as nginx's $request_uri — Node and Deno only: a test cannot send an absolute-form target into workerd",
    skipIn: ['workerd'],
    async run(t) {
      const answer = await t.raw!('GET http://echo.proxy.test/a/b?q=1 HTTP/1.1\r\nHost: elsewhere.test')
      t.equal(answer.status, 200, 'status')
      const echo = JSON.parse(answer.body) as Echo
      t.equal(echo.target, '/a/b?q=1', 'target')
      t.equal(header(echo, 'x-forwarded-path'), ['/a/b'], 'X-Forwarded-Path')
    },
  },
  {
    name: "PX26 a Host a plugin sets (request-transformer replace.headers host:…) is the upstream's, as Kong's upstream_host makes it — not on workerd, whose fetch sends the URL's host",
    skipIn: ['workerd'],
    async run(t) {
      const { echo } = await proxied(t, 'host-set.proxy.test', '/')
      t.equal(header(echo, 'host'), ['replaced.test:8443'])
    },
  },
  {
    name: 'PX21 HEAD is proxied and answered without a body',
    async run(t) {
      const response = await t.send({ host: 'echo.proxy.test', path: '/h', method: 'HEAD' })
      t.equal(response.status, 200)
      t.equal(await response.text(), '')
    },
  },
]

/** Run against a gateway with CLIENT_MAX_BODY_SIZE=2m (the shared one has 64k). */
export const proxyLargeBodyCases: Case[] = [
  {
    name: 'PXL1 1 MiB bodies stream both ways: the upload arrives whole (length and digest), the answer too',
    timeoutMs: 30_000,
    async run(t) {
      const body = new Uint8Array(1024 * 1024).map((_, i) => (i * 7) % 256)
      const response = await t.send({ host: 'echo.proxy.test', path: '/both', method: 'POST', headers: { 'x-test-size': String(1024 * 1024) }, body })
      t.equal(response.status, 200)
      const bytes = new Uint8Array(await response.arrayBuffer())
      t.equal([bytes.byteLength, bytes.every((b) => b === 0x61)], [1024 * 1024, true])
      const { echo } = await proxied(t, 'echo.proxy.test', '/up', {}, { method: 'POST', body })
      t.equal([echo.bodyLength, header(echo, 'content-length')], [body.byteLength, [String(body.byteLength)]])
      t.equal(echo.bodySha256, hex(await crypto.subtle.digest('SHA-256', body)))
    },
  },
  {
    name: 'PXL2 a declared body over CLIENT_MAX_BODY_SIZE (2m here) is refused with 413, the upstream never contacted',
    timeoutMs: 30_000,
    run: (t) => expectRefusedUnsent(t, 2 * 1024 * 1024 + 1),
  },
]
