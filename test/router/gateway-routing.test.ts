// The router in the gateway, with a plugin made for the test that answers with what it was
// given: the scheme the runtime tells (https-only routes), snis where the runtime cannot tell
// the server name, header lines as the runtime keeps them, path_handling v1's warning.

import { describe, expect, it } from 'vitest'
import { createGateway, type GatewayOptions } from '../../src/gateway.ts'
import { ipMatcher } from '../../src/http/ip.ts'
import { createLogger } from '../../src/log.ts'
import { buildGatewayConfig } from '../../src/model/declarative.ts'
import { ConfigError } from '../../src/model/validate.ts'
import type { PluginDefinition } from '../../src/pipeline/plugin.ts'
import type { ClientInfo } from '../../src/pipeline/request.ts'

/** Answers with the route's label and the path the request goes on with. */
const echo: PluginDefinition<Record<string, never>> = {
  name: 'echo',
  priority: 750,
  schema: {},
  terminates: () => true,
  create: () => ({ access: (ctx) => Response.json({ route: ctx.route.label, path: ctx.match.path }) }),
}
const registry = [echo]

function gateway(routes: Record<string, unknown>[], options: Partial<GatewayOptions> = {}, lines: string[] = []) {
  const config = buildGatewayConfig(
    { _format_version: '3.0', routes: routes.map((r) => ({ ...r, plugins: [{ name: 'echo', config: {} }] })) },
    {},
    { registry },
  )
  const log = createLogger('info', (line) => lines.push(line))
  return createGateway({ config, env: {}, log, registry, ...options })
}

async function send(handler: ReturnType<typeof gateway>, url: string, init: RequestInit = {}, runtime?: unknown) {
  const { response } = await handler.handle(new Request(url, init), runtime)
  return response
}

const client =
  (scheme: 'http' | 'https', raw?: ClientInfo['raw'], more: Partial<ClientInfo> = {}): (() => ClientInfo) =>
  () => ({ sourceIp: null, protocol: 'HTTP/1.1', scheme, ...(raw ? { raw } : {}), ...more })

describe('https-only routes', () => {
  const routes = [
    { name: 'upgrade', hosts: ['a.test'], protocols: ['https'] },
    { name: 'moved', hosts: ['b.test'], protocols: ['https'], https_redirect_status_code: 301 },
  ]

  it('answer an http request 426 or the redirect, by the scheme of the connection, whatever the URL says', async () => {
    // An absolute-form `https://` target on a plain connection is still http (nginx's $scheme).
    const plain = gateway(routes, { clientInfo: client('http') })
    const upgrade = await send(plain, 'https://a.test/x')
    expect(upgrade.status).toBe(426)
    expect(await upgrade.json()).toEqual({ message: 'Please use HTTPS protocol', request_id: upgrade.headers.get('x-request-id') })
    expect(upgrade.headers.get('connection')).toBe('Upgrade')
    const moved = await send(plain, 'http://b.test:8000/p/q?r=1')
    expect(moved.status).toBe(301)
    expect(moved.headers.get('location')).toBe('https://b.test/p/q?r=1')
  })

  it('serve an https request', async () => {
    const secure = gateway(routes, { clientInfo: client('https') })
    expect(await (await send(secure, 'https://a.test/x')).json()).toEqual({ route: 'upgrade', path: '/x' })
  })

  // Kong's 06-ssl_spec.lua "from trusted_ip" / "from not trusted_ip": a trusted proxy's X-Forwarded-Proto and -Host are believed.
  describe('behind a proxy in TRUSTED_IPS', () => {
    const realIp = { trusted: ipMatcher(['127.0.0.1']), header: 'x-real-ip', recursive: false }
    const from = (sourceIp: string) => gateway(routes, { clientInfo: client('http', undefined, { sourceIp }), realIp })

    it('serve an http request the proxy says came over https', async () => {
      const response = await send(from('127.0.0.1'), 'http://a.test/x', { headers: { 'x-forwarded-proto': 'https' } })
      expect(await response.json()).toEqual({ route: 'upgrade', path: '/x' })
    })

    it('answer 426 when it says another scheme, or when the peer is not trusted', async () => {
      expect((await send(from('127.0.0.1'), 'http://a.test/x', { headers: { 'x-forwarded-proto': 'httpsa' } })).status).toBe(426)
      expect((await send(from('10.0.0.1'), 'http://a.test/x', { headers: { 'x-forwarded-proto': 'https' } })).status).toBe(426)
    })

    it("redirect to the proxy's X-Forwarded-Host", async () => {
      const moved = await send(from('127.0.0.1'), 'http://b.test/p?q', { headers: { 'x-forwarded-host': 'public.example' } })
      expect(moved.headers.get('location')).toBe('https://public.example/p?q')
      const untrusted = await send(from('10.0.0.1'), 'http://b.test/p?q', { headers: { 'x-forwarded-host': 'public.example' } })
      expect(untrusted.headers.get('location')).toBe('https://b.test/p?q')
    })
  })
})

describe('snis', () => {
  const routes = [{ name: 'sni', snis: ['api.example.com'], paths: ['/'] }]

  it('are ignored on http requests, as Kong does', async () => {
    expect(await (await send(gateway(routes), 'http://other.test/')).json()).toEqual({ route: 'sni', path: '/' })
  })

  it("match an https request by the server name the runtime tells (Node's https listener)", async () => {
    const named = (sni?: string) => gateway(routes, { clientInfo: client('https', undefined, sni === undefined ? {} : { sni }) })
    expect((await send(named('api.example.com'), 'https://other.test/')).status).toBe(200)
    expect((await send(named('www.example.com'), 'https://other.test/')).status).toBe(404)
    expect((await send(named(), 'https://api.example.com/')).status).toBe(404)
  })

  it('are refused at load where https requests arrive without their server name (Workers)', () => {
    expect(() => gateway(routes, { httpsWithoutSni: true })).toThrow(ConfigError)
    try {
      gateway(routes, { httpsWithoutSni: true })
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        {
          path: 'routes[0].snis',
          message:
            "not supported on this runtime: it does not tell a request's TLS server name, which Kong matches https requests against (match on `hosts` instead)",
        },
      ])
    }
  })
})

describe('headers', () => {
  const routes = [
    { name: 'located', headers: { location: ['east'] } },
    { name: 'any', paths: ['/'] },
  ]

  it('match any line of a header where the runtime keeps them apart (Node)', async () => {
    const raw = { headerLines: [['location', 'west'] as const, ['location', 'east'] as const], target: '/' }
    const handler = gateway(routes, { clientInfo: client('http', raw) })
    expect(await (await send(handler, 'http://h.test/', { headers: { location: 'west, east' } })).json()).toEqual({ route: 'located', path: '/' })
  })

  it("match fetch's value elsewhere, repeated lines joined", async () => {
    const handler = gateway(routes, { clientInfo: client('http') })
    expect(await (await send(handler, 'http://h.test/', { headers: { location: 'west, east' } })).json()).toEqual({ route: 'any', path: '/' })
    expect(await (await send(handler, 'http://h.test/', { headers: { location: 'EAST' } })).json()).toEqual({ route: 'located', path: '/' })
  })
})

describe('path_handling v1', () => {
  it('is joined the v0 way, as Kong 3 does, with its warning once at start', async () => {
    const lines: string[] = []
    const handler = gateway([{ name: 'v1', paths: ['/route'], path_handling: 'v1' }], {}, lines)
    const warnings = lines.map((line) => JSON.parse(line)).filter((line) => line.level === 'warn')
    expect(warnings).toEqual([
      expect.objectContaining({
        msg: "path_handling='v1' is deprecated and will not work under 'expressions' or 'traditional_compatible' router_flavor, please use path_handling='v0' instead",
        routes: ['v1'],
      }),
    ])
    expect(await (await send(handler, 'http://h.test/routereq')).json()).toEqual({ route: 'v1', path: '/req' })
  })
})
