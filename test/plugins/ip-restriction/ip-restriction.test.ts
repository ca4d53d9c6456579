// ip-restriction beside its e2e cases: Kong's schema spec (spec/03-plugins/17-ip-restriction/01-schema_spec.lua)
// in Kong's words with each entry's path, a status kong.response.error cannot send, and a client
// whose address is unknown.

import { describe, expect, it } from 'vitest'
import { createGateway } from '../../../src/gateway.ts'
import { createLogger } from '../../../src/log.ts'
import { buildGatewayConfig } from '../../../src/model/declarative.ts'
import { ConfigError } from '../../../src/model/validate.ts'
import { writableAnswer } from '../../../src/pipeline/exchange.ts'
import type { PluginDefinition } from '../../../src/pipeline/plugin.ts'
import { ipRestrictionPlugin } from '../../../src/plugins/ip-restriction/index.ts'

function problems(config: unknown): string[] {
  try {
    buildGatewayConfig({ _format_version: '3.0', routes: [{ paths: ['/'], plugins: [{ name: 'ip-restriction', config }] }] }, {})
    return []
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    return error.problems.map((p) => `${p.path}: ${p.message}`)
  }
}

const at = 'routes[0].plugins[0]'

describe('ip-restriction config', () => {
  it('accepts addresses and ranges in allow, deny or both, with status and message', () => {
    expect(problems({ allow: ['127.0.0.1/32', '127.0.0.2/32'], status: 403, message: 'Forbidden' })).toEqual([])
    expect(problems({ allow: ['127.0.0.1/8'] })).toEqual([])
    expect(problems({ deny: ['127.0.0.2/32'], allow: ['127.0.0.1/32'] })).toEqual([])
    expect(problems({ allow: ['::/0', '::/1', '::/128'] })).toEqual([])
  })

  it("refuses bad entries and types in Kong's words, each at its index; at least one of allow and deny", () => {
    expect(problems({ allow: 12 })).toContain(`${at}.config.allow: expected an array`)
    expect(problems({ deny: ['127.0.0.1/32', '127.0.0.2/32', 'hello'] })).toContain(`${at}.config.deny[2]: invalid ip or cidr range: 'hello'`)
    expect(problems({ allow: ['0.0.0.0/a', '::1/129'] })).toEqual(
      expect.arrayContaining([`${at}.config.allow[0]: invalid ip or cidr range: '0.0.0.0/a'`, `${at}.config.allow[1]: invalid ip or cidr range: '::1/129'`]),
    )
    expect(problems({ deny: [], allow: [] })).toContain(`${at}: at least one of these fields must be non-empty: 'config.allow', 'config.deny'`)
    expect(problems({})).toContain(`${at}: at least one of these fields must be non-empty: 'config.allow', 'config.deny'`)
  })
})

describe('ip-restriction answers', () => {
  const upstream: PluginDefinition = {
    name: 'test-upstream',
    priority: 1,
    schema: {},
    terminates: () => true,
    create: () => ({ access: () => new Response('ok') }),
  }
  const registry = [ipRestrictionPlugin, upstream] as PluginDefinition[]
  const gatewayFor = (config: Record<string, unknown>, sourceIp: string | null, lines: string[] = []) => {
    const log = createLogger('warn', (line) => void lines.push(line))
    const document = { _format_version: '3.0', routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'ip-restriction', config }, { name: 'test-upstream' }] }] }
    const gateway = createGateway({
      config: buildGatewayConfig(document, {}, { registry }),
      env: {},
      log,
      registry,
      clientInfo: () => ({ sourceIp, protocol: 'HTTP/1.1', scheme: 'http' }),
    })
    return async () => writableAnswer(await gateway.handle(new Request('http://gateway.test/')), log)
  }

  it('a refusal is logged at warn with its message', async () => {
    const lines: string[] = []
    const response = await gatewayFor({ deny: ['192.0.2.0/24'] }, '192.0.2.7', lines)()
    expect([response.status, await response.json()]).toEqual([
      403,
      { message: 'IP address not allowed: 192.0.2.7', request_id: response.headers.get('x-request-id') },
    ])
    expect(lines.some((line) => JSON.parse(line).msg === 'IP address not allowed: 192.0.2.7')).toBe(true)
    expect((await gatewayFor({ deny: ['192.0.2.0/24'] }, '192.0.3.7')()).status).toBe(200)
  })

  it('an IPv4 client reported as an IPv4-mapped IPv6 address is matched as IPv4', async () => {
    expect((await gatewayFor({ allow: ['192.0.2.7'] }, '::ffff:192.0.2.7')()).status).toBe(200)
  })

  it("a status outside 400–599 (kong.response.error refuses it): warned at load, every refusal is Kong's 500", async () => {
    const lines: string[] = []
    const send = gatewayFor({ deny: ['192.0.2.7'], status: 302 }, '192.0.2.7', lines)
    expect(lines.some((line) => line.includes('status 302 cannot be sent'))).toBe(true)
    const response = await send()
    expect([response.status, await response.json()]).toEqual([
      500,
      { message: 'An unexpected error occurred', request_id: response.headers.get('x-request-id') },
    ])
  })

  it('a client whose address is unknown is refused with 403 whatever the lists say', async () => {
    const response = await gatewayFor({ allow: ['0.0.0.0/0', '::/0'], status: 401 }, null)()
    expect([response.status, (await response.json()).message]).toEqual([403, 'Cannot identify the client IP address, unix domain sockets are not supported.'])
  })
})
