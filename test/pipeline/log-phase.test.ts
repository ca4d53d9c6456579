// The log phase's seam: what a log handler gets beside the context (status, the answer's
// headers, who made it, Kong's latencies with the upstream call as `proxy`, sizes, the route,
// service and consumer), and Kong's log serializer over it with secrets redacted: Kong's
// Authorization and Proxy-Authorization, and also cookies, apikey headers and arguments and
// the credential the request was authenticated with wherever the client put it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGateway } from '../../src/gateway.ts'
import { createLogger } from '../../src/log.ts'
import { buildGatewayConfig } from '../../src/model/declarative.ts'
import type { RequestContext } from '../../src/pipeline/context.ts'
import { writableAnswer } from '../../src/pipeline/exchange.ts'
import type { Served } from '../../src/pipeline/log-phase.ts'
import type { PluginDefinition } from '../../src/pipeline/plugin.ts'
import { type LogEntry, REDACTED, serialize } from '../../src/pipeline/serialize.ts'
import { PLUGINS } from '../../src/plugins/index.ts'
import { startUpstreamServers, type UpstreamServers } from '../support/upstream-servers.ts'

let logged: Array<{ ctx: RequestContext; served: Served; entry: LogEntry }> = []

/** A plugin with only a log phase, which keeps what it was given. */
const recorder: PluginDefinition = {
  name: 'log-recorder',
  priority: 5,
  schema: {},
  create: () => ({
    log(ctx, served) {
      logged.push({ ctx, served, entry: serialize(ctx, served) })
      return undefined
    },
  }),
}

/** Answers in its access phase, as aws-lambda does. */
const exiting: PluginDefinition = {
  name: 'exiting',
  priority: 750,
  schema: {},
  terminates: () => true,
  create: () => ({ access: () => new Response('made here', { status: 201, headers: { 'set-cookie': 'session=s3cret' } }) }),
}

const registry = [...PLUGINS, recorder, exiting]
let upstreams: UpstreamServers

beforeAll(async () => {
  upstreams = await startUpstreamServers()
})
afterAll(() => upstreams.close())

function gateway() {
  const document = {
    _format_version: '3.0',
    services: [
      {
        name: 'echo',
        url: upstreams.echoUrl,
        routes: [
          { name: 'open', paths: ['/open'] },
          { name: 'keyed', paths: ['/keyed'], plugins: [{ name: 'key-auth', config: { key_names: ['x-my-key'] } }] },
        ],
      },
    ],
    routes: [{ name: 'exit', paths: ['/exit'], plugins: [{ name: 'exiting' }] }],
    consumers: [
      { username: 'ada', custom_id: 'c-1', keyauth_credentials: [{ key: 'the-secret-key' }] },
      { username: '李雷', keyauth_credentials: [{ key: 'clé-李-secret' }] },
      { username: 'pct', keyauth_credentials: [{ key: '100%ab-secret' }] },
    ],
    plugins: [{ name: 'log-recorder' }],
  }
  const log = createLogger('error', () => {})
  return { handler: createGateway({ config: buildGatewayConfig(document, {}, { registry }), env: {}, log, registry }), log }
}

async function send(request: Request) {
  logged = []
  const { handler, log } = gateway()
  const response = writableAnswer(await handler.handle(request), log)
  await response.arrayBuffer()
  expect(logged).toHaveLength(1)
  return { response, ...logged[0] }
}

describe('the log phase', () => {
  it("gives a proxied request's status, headers, source, latencies with the service's time as proxy, route, service and sizes", async () => {
    const body = 'x'.repeat(100)
    const { response, served, entry } = await send(
      new Request('http://gateway.test/open/a%20%C3%A9?b=1&b=2&c&d=%20e', {
        method: 'POST',
        body,
        headers: { 'content-type': 'text/plain', 'content-length': '100' },
      }),
    )
    expect(served.status).toBe(200)
    expect(served.source).toBe('service')
    expect(served.headers.get('x-request-id')).toBe(response.headers.get('x-request-id'))
    expect(served.upstream?.status).toBe(200)
    expect(served.upstream?.tries).toBe(1)
    expect(served.latencies.proxy).toBeGreaterThanOrEqual(0)
    expect(served.latencies.request).toBeGreaterThanOrEqual(served.latencies.proxy)
    expect(served.latencies.kong).toBe(served.latencies.request - served.latencies.proxy)
    expect(served.route.name).toBe('open')
    expect(served.service?.name).toBe('echo')
    expect(served.consumer).toBeUndefined()
    expect(served.requestSize).toBeGreaterThan(100)
    const sent = Number(response.headers.get('content-length'))
    expect(sent).toBeGreaterThan(0)
    expect(served.responseSize).toBeGreaterThan(sent)

    expect(entry.request).toMatchObject({
      uri: '/open/a%20%C3%A9?b=1&b=2&c&d=%20e',
      url: 'http://gateway.test/open/a%20%C3%A9?b=1&b=2&c&d=%20e',
      querystring: { b: ['1', '2'], c: true, d: ' e' },
      method: 'POST',
      size: served.requestSize,
    })
    expect(entry.request.headers['content-type']).toBe('text/plain')
    expect(entry.upstream_uri).toBe('/a%20%C3%A9?b=1&b=2&c&d=%20e')
    expect(entry.upstream_status).toBe('200')
    expect(entry.response.status).toBe(200)
    expect(entry.response.size).toBe(served.responseSize)
    expect(entry.source).toBe('upstream')
    expect(entry.route).toMatchObject({ name: 'open', paths: ['/open'], strip_path: true, protocols: ['http', 'https'] })
    expect(entry.service).toMatchObject({ name: 'echo', host: '127.0.0.1', port: upstreams.echoPort, protocol: 'http' })
    expect(entry.service).not.toHaveProperty('label')
    expect(entry.consumer).toBeUndefined()
    expect(entry.authenticated_entity).toBeUndefined()
    // What survives JSON, as plugins send it.
    expect(JSON.parse(JSON.stringify(entry))).toEqual(entry)
  })

  it('gives an answer made in the access phase as an exit, with no upstream call (proxy -1, as Kong)', async () => {
    const { served, entry } = await send(new Request('http://gateway.test/exit', { method: 'HEAD' }))
    expect(served.status).toBe(201)
    expect(served.source).toBe('exit')
    expect(served.upstream).toBeUndefined()
    expect(served.latencies.proxy).toBe(-1)
    expect(served.latencies.kong).toBe(served.latencies.request)
    expect(entry.source).toBe('kong')
    expect(entry.upstream_status).toBe('')
    expect(entry.service).toBeUndefined()
    expect(entry.response.headers['set-cookie']).toBe(REDACTED)
  })

  it('gives the consumer and the credential it authenticated with, and redacts every secret of the request', async () => {
    const headers = new Headers({
      authorization: 'Bearer s-abc',
      'proxy-authorization': 'Basic s-def',
      cookie: 'session=s-ghi',
      'x-my-key': 'the-secret-key',
      // The authenticated key inside another header's value (jwt reads `Bearer <token>` from the headers it is told).
      'x-forwarded-credential': 'Bearer the-secret-key',
      'x-api-key': 's-jkl',
      'x-other': 'kept',
    })
    const { served, entry } = await send(new Request('http://gateway.test/keyed/x?apikey=s-mno&jwt=s-pqr&plain=1', { headers }))
    expect(served.status).toBe(200)
    expect(served.consumer?.username).toBe('ada')
    expect(entry.consumer).toEqual({ id: served.consumer?.id, username: 'ada', custom_id: 'c-1', tags: [] })
    expect(entry.authenticated_entity).toEqual({ id: expect.any(String), consumer_id: served.consumer?.id })
    const text = JSON.stringify(entry)
    for (const secret of ['the-secret-key', 's-abc', 's-def', 's-ghi', 's-jkl', 's-mno', 's-pqr']) expect(text).not.toContain(secret)
    expect(entry.request.headers).toMatchObject({
      authorization: REDACTED,
      'proxy-authorization': REDACTED,
      cookie: REDACTED,
      'x-my-key': REDACTED,
      'x-forwarded-credential': REDACTED,
      'x-api-key': REDACTED,
      'x-other': 'kept',
    })
    expect(entry.request.querystring).toEqual({ apikey: REDACTED, jwt: REDACTED, plain: '1' })
    expect(entry.request.uri).toBe(`/keyed/x?apikey=${REDACTED}&jwt=${REDACTED}&plain=1`)
    expect(entry.upstream_uri).toBe(`/x?apikey=${REDACTED}&jwt=${REDACTED}&plain=1`)
  })

  it('redacts a key beyond ASCII sent as its UTF-8 bytes, and gives header values that are UTF-8 as text, as Kong logs them', async () => {
    const bytes = (text: string) => String.fromCharCode(...new TextEncoder().encode(text))
    const headers = { 'x-my-key': bytes('clé-李-secret'), 'x-echoed': bytes('clé-李-secret'), 'x-city': bytes('東京') }
    const { served, entry } = await send(new Request('http://gateway.test/keyed/x', { headers }))
    expect(served.consumer?.username).toBe('李雷')
    expect(JSON.stringify(entry)).not.toContain('secret')
    expect(entry.request.headers).toMatchObject({ 'x-my-key': REDACTED, 'x-echoed': REDACTED, 'x-city': '東京', 'x-consumer-username': '李雷' })
  })

  it('redacts a key with a broken escape in it, decoded as key-auth decodes it (the escapes around it decoded)', async () => {
    const { served, entry } = await send(new Request('http://gateway.test/keyed/x?x-my-key=100%ab-%73ecret'))
    expect(served.consumer?.username).toBe('pct')
    expect(JSON.stringify(entry)).not.toContain('ecret')
  })

  it('redacts the key wherever the client put it, in a query argument of its own name too', async () => {
    const { entry } = await send(new Request('http://gateway.test/keyed?x-my-key=the-secret-key'))
    expect(entry.response.status).toBe(200)
    expect(JSON.stringify(entry)).not.toContain('the-secret-key')
  })
})
