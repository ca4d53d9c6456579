// The header lines an upstream gets (src/proxy/forwarded-headers.ts), as Kong 3 sets them, with
// the client as different runtimes tell it (ClientInfo) and with or without TRUSTED_IPS.

import { describe, expect, it } from 'vitest'
import { createGateway } from '../../src/gateway.ts'
import { ipMatcher } from '../../src/http/ip.ts'
import { createLogger } from '../../src/log.ts'
import { buildGatewayConfig } from '../../src/model/declarative.ts'
import type { ClientInfo } from '../../src/pipeline/request.ts'
import type { UpstreamRequest } from '../../src/proxy/upstream-transport.ts'

async function upstreamHeaders(client: ClientInfo, headers: HeadersInit, trusted?: string[], url = 'http://gateway.test/p/a?q', paths = ['/p']) {
  let sent: UpstreamRequest | undefined
  const config = buildGatewayConfig({ _format_version: '3.0', services: [{ url: 'http://up.test', routes: [{ paths }] }] }, {})
  const gateway = createGateway({
    config,
    env: {},
    log: createLogger('error', () => {}),
    clientInfo: () => client,
    ...(trusted ? { realIp: { trusted: ipMatcher(trusted), header: 'x-forwarded-for', recursive: true } } : {}),
    upstreamTransport: async (request) => {
      sent = request
      return new Response('ok')
    },
  })
  await gateway.handle(new Request(url, { headers }))
  const lines = sent?.headers ?? []
  return (name: string) => lines.filter(([key]) => key === name).map(([, value]) => value)
}

const client = (overrides: Partial<ClientInfo> = {}): ClientInfo => ({ sourceIp: '192.0.2.1', protocol: 'HTTP/1.1', scheme: 'http', ...overrides })

describe('upstream headers', () => {
  it('Via carries the client HTTP version as Kong writes it: 1.1, 2, 1', async () => {
    expect((await upstreamHeaders(client(), {}))('via')).toEqual(['1.1 lambda-gateway'])
    expect((await upstreamHeaders(client({ protocol: 'HTTP/2' }), {}))('via')).toEqual(['2 lambda-gateway'])
    expect((await upstreamHeaders(client({ protocol: 'HTTP/1.0' }), {}))('via')).toEqual(['1 lambda-gateway'])
  })

  it('X-Forwarded-Prefix beyond ASCII goes as its UTF-8 bytes, as nginx sends the prefix Kong matched (it was a 500 on Node)', async () => {
    const sent = await upstreamHeaders(client(), {}, undefined, 'http://gateway.test/%E6%97%A5/a', ['/日'])
    expect(sent('x-forwarded-prefix')).toEqual([String.fromCharCode(...new TextEncoder().encode('/日'))])
  })

  it("a client's X-Kong-Request-Id is dropped: Kong sets its own there, which no client can forge", async () => {
    expect((await upstreamHeaders(client(), { 'x-kong-request-id': 'forged', 'x-request-id': 'client-id' }))('x-kong-request-id')).toEqual([])
  })

  it('X-Forwarded-Port: the port the client connected to, else the URL’s, else the scheme’s', async () => {
    expect((await upstreamHeaders(client({ serverPort: 8000 }), {}))('x-forwarded-port')).toEqual(['8000'])
    expect((await upstreamHeaders(client(), {}, undefined, 'http://gateway.test:8080/p'))('x-forwarded-port')).toEqual(['8080'])
    expect((await upstreamHeaders(client({ scheme: 'https' }), {}, undefined, 'https://gateway.test/p'))('x-forwarded-port')).toEqual(['443'])
  })

  it("from a trusted peer: X-Forwarded-For appended with the peer (not the real client), X-Real-IP the real client, the client's X-Forwarded-* kept", async () => {
    const header = await upstreamHeaders(
      client({ sourceIp: '10.0.0.5' }),
      { 'x-forwarded-for': '198.51.100.7', 'x-forwarded-proto': 'https', 'x-forwarded-prefix': '/outer' },
      ['10.0.0.0/8'],
    )
    expect(header('x-forwarded-for')).toEqual(['198.51.100.7, 10.0.0.5'])
    expect(header('x-real-ip')).toEqual(['198.51.100.7'])
    expect(header('x-forwarded-proto')).toEqual(['https'])
    expect(header('x-forwarded-prefix')).toEqual(['/outer'])
  })

  it("from a peer that is not trusted: none of the client's X-Forwarded-* but its X-Forwarded-For, appended to", async () => {
    const header = await upstreamHeaders(client(), { 'x-forwarded-for': '198.51.100.7', 'x-forwarded-proto': 'https', 'x-forwarded-prefix': '/outer' }, [
      '10.0.0.0/8',
    ])
    expect(header('x-forwarded-for')).toEqual(['198.51.100.7, 192.0.2.1'])
    expect(header('x-real-ip')).toEqual(['192.0.2.1'])
    expect(header('x-forwarded-proto')).toEqual(['http'])
    expect(header('x-forwarded-prefix')).toEqual(['/p'])
  })

  it('repeated header lines (Node keeps them apart): every Connection line names headers to drop; X-Forwarded-For lines joined', async () => {
    const raw = {
      target: '/p/a?q',
      headerLines: [
        ['connection', 'x-one'],
        ['connection', 'X-Two'],
        ['x-one', '1'],
        ['x-two', '2'],
        ['x-forwarded-for', '198.51.100.7'],
        ['x-forwarded-for', '198.51.100.8'],
        ['x-kept', 'a'],
        ['x-kept', 'b'],
      ] as Array<[string, string]>,
    }
    const header = await upstreamHeaders(client({ raw }), {})
    expect([header('x-one'), header('x-two'), header('connection')]).toEqual([[], [], []])
    expect(header('x-forwarded-for')).toEqual(['198.51.100.7, 198.51.100.8, 192.0.2.1'])
    expect(header('x-kept')).toEqual(['a', 'b'])
  })

  it('no X-Real-IP or X-Forwarded-For when the runtime does not know the client', async () => {
    const header = await upstreamHeaders(client({ sourceIp: null }), {})
    expect([header('x-real-ip'), header('x-forwarded-for')]).toEqual([[], []])
  })
})
