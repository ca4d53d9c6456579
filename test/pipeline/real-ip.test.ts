// The client's address as nginx's realip module gives Kong $remote_addr: the header only from a
// trusted peer, read from the right, recursively past trusted addresses; the settings that
// configure it (TRUSTED_IPS, REAL_IP_HEADER, REAL_IP_RECURSIVE) and their errors; and the
// address reaching the plugins through the gateway.

import { describe, expect, it } from 'vitest'
import { createGateway } from '../../src/gateway.ts'
import { ipMatcher } from '../../src/http/ip.ts'
import { createLogger } from '../../src/log.ts'
import { buildGatewayConfig } from '../../src/model/declarative.ts'
import { ConfigError } from '../../src/model/validate.ts'
import { writableAnswer } from '../../src/pipeline/exchange.ts'
import type { PluginDefinition } from '../../src/pipeline/plugin.ts'
import { realClientAddress } from '../../src/pipeline/real-ip.ts'
import { readSettings } from '../../src/settings.ts'

const settings = (trusted: string[], recursive = false, header = 'x-forwarded-for') => ({ trusted: ipMatcher(trusted), header, recursive })
const xff = (value?: string) => new Headers(value === undefined ? {} : { 'x-forwarded-for': value })

describe('realClientAddress', () => {
  it('an untrusted peer is the client, whatever it sends', () => {
    expect(realClientAddress('192.0.2.1', xff('203.0.113.9'), settings(['10.0.0.0/8']))).toBe('192.0.2.1')
    expect(realClientAddress(null, xff('203.0.113.9'), settings(['0.0.0.0/0', '::/0']))).toBe(null)
  })

  it('a trusted peer without the header is the client', () => {
    expect(realClientAddress('10.0.0.1', xff(), settings(['10.0.0.0/8']))).toBe('10.0.0.1')
  })

  it("not recursive: the header's last address", () => {
    const s = settings(['10.0.0.0/8'])
    expect(realClientAddress('10.0.0.1', xff('203.0.113.9'), s)).toBe('203.0.113.9')
    expect(realClientAddress('10.0.0.1', xff('198.51.100.1, 10.0.0.2'), s)).toBe('10.0.0.2')
  })

  it('recursive: from the right, the first address not trusted; the leftmost when all are', () => {
    const s = settings(['10.0.0.0/8'], true)
    expect(realClientAddress('10.0.0.1', xff('198.51.100.1, 203.0.113.9, 10.0.0.3, 10.0.0.2'), s)).toBe('203.0.113.9')
    expect(realClientAddress('10.0.0.1', xff('10.0.0.4, 10.0.0.3'), s)).toBe('10.0.0.4')
    // Kong's spec: with every address trusted, "127.0.0.4, 127.0.0.3" is 127.0.0.4, "::4, ::3" is ::4.
    const all = settings(['0.0.0.0/0', '::/0'], true)
    expect(realClientAddress('127.0.0.1', xff('127.0.0.4, 127.0.0.3'), all)).toBe('127.0.0.4')
    expect(realClientAddress('127.0.0.1', xff('::4, ::3'), all)).toBe('::4')
  })

  it('ports and brackets are dropped, empty entries skipped; a malformed entry ends the walk with what was found', () => {
    const s = settings(['10.0.0.0/8'], true)
    expect(realClientAddress('10.0.0.1', xff('203.0.113.9:4711'), s)).toBe('203.0.113.9')
    expect(realClientAddress('10.0.0.1', xff('[2001:db8::1]:443'), s)).toBe('2001:db8::1')
    expect(realClientAddress('10.0.0.1', xff('2001:db8::1, ,'), s)).toBe('2001:db8::1')
    expect(realClientAddress('10.0.0.1', xff('unknown'), s)).toBe('10.0.0.1')
    expect(realClientAddress('10.0.0.1', xff('203.0.113.9, unknown, 10.0.0.2'), s)).toBe('10.0.0.2')
    expect(realClientAddress('10.0.0.1', xff('for=203.0.113.9'), s)).toBe('10.0.0.1')
  })

  it('another header (X-Real-IP) is read the same way', () => {
    const headers = new Headers({ 'x-real-ip': '::1', 'x-forwarded-for': '203.0.113.9' })
    expect(realClientAddress('127.0.0.1', headers, settings(['127.0.0.1'], false, 'x-real-ip'))).toBe('::1')
  })
})

describe('TRUSTED_IPS, REAL_IP_HEADER, REAL_IP_RECURSIVE', () => {
  const problems = (env: Record<string, string>) => {
    try {
      readSettings(env)
      return []
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      return error.problems.map((p) => `${p.path}: ${p.message}`)
    }
  }

  it('none by default: no peer is trusted', () => {
    expect(readSettings({}).realIp).toBeUndefined()
    expect(readSettings({ REAL_IP_HEADER: 'X-Forwarded-For', REAL_IP_RECURSIVE: 'on' }).realIp).toBeUndefined()
  })

  it("Kong's defaults (X-Real-IP, not recursive); addresses and ranges separated by commas; unrestricted", () => {
    const realIp = readSettings({ TRUSTED_IPS: '10.0.0.0/8, ::1' }).realIp
    expect([realIp?.header, realIp?.recursive, realIp?.trusted('10.1.2.3'), realIp?.trusted('::1'), realIp?.trusted('11.0.0.1')]).toEqual([
      'x-real-ip',
      false,
      true,
      true,
      false,
    ])
    const all = readSettings({ TRUSTED_IPS: 'unrestricted', REAL_IP_HEADER: 'X-Forwarded-For', REAL_IP_RECURSIVE: 'on' }).realIp
    expect([all?.header, all?.recursive, all?.trusted('198.51.100.1'), all?.trusted('2001:db8::1')]).toEqual(['x-forwarded-for', true, true, true])
  })

  it('bad values refuse to start, each named', () => {
    expect(problems({ TRUSTED_IPS: '10.0.0.0/33,nope', REAL_IP_HEADER: 'X Real', REAL_IP_RECURSIVE: 'yes' })).toEqual([
      'REAL_IP_HEADER: expected a header name, like X-Forwarded-For',
      'REAL_IP_RECURSIVE: expected on or off',
      "TRUSTED_IPS: invalid ip or cidr range: '10.0.0.0/33' (expected addresses and CIDR ranges separated by commas, or unrestricted)",
      "TRUSTED_IPS: invalid ip or cidr range: 'nope' (expected addresses and CIDR ranges separated by commas, or unrestricted)",
    ])
    expect(problems({ REAL_IP_HEADER: 'proxy_protocol' })).toEqual([
      "REAL_IP_HEADER: proxy_protocol is not supported: lambda-gateway's servers do not read the PROXY protocol",
    ])
  })
})

describe('the gateway applies it once, before any plugin', () => {
  const seen: PluginDefinition = {
    name: 'seen',
    priority: 1,
    schema: {},
    terminates: () => true,
    create: () => ({ access: (ctx) => new Response(ctx.client.sourceIp) }),
  }
  const registry = [seen] as PluginDefinition[]
  const config = buildGatewayConfig({ _format_version: '3.0', routes: [{ paths: ['/'], plugins: [{ name: 'seen' }] }] }, {}, { registry })
  const log = createLogger('error', () => {})
  const address = async (realIp: ReturnType<typeof settings> | undefined, peer: string) => {
    const gateway = createGateway({ config, env: {}, log, registry, realIp, clientInfo: () => ({ sourceIp: peer, protocol: 'HTTP/1.1', scheme: 'http' }) })
    const exchange = await gateway.handle(new Request('http://gateway.test/', { headers: { 'x-forwarded-for': '203.0.113.9' } }))
    return writableAnswer(exchange, log).text()
  }

  it('the plugins see the trusted peer’s client, or the peer', async () => {
    expect(await address(settings(['127.0.0.1']), '127.0.0.1')).toBe('203.0.113.9')
    expect(await address(settings(['127.0.0.1']), '127.0.0.2')).toBe('127.0.0.2')
    expect(await address(undefined, '127.0.0.1')).toBe('127.0.0.1')
  })
})
