// The https listener on Node (--https-port / HTTPS_PORT) with the file's certificates: the
// certificate chosen by server name as Kong's, the scheme and server name requests get there
// (`protocols: [https]`, `snis`), and what refuses to start. Ported from Kong's
// spec/02-integration/05-proxy/06-ssl_spec.lua, with request-termination standing for its services.

import { request as httpsRequest } from 'node:https'
import { type ConnectionOptions, connect, type PeerCertificate } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../../src/cli/start.ts'
import { captureLogs, startGateway } from '../../support/gateway-under-test.ts'
import { sendHttp } from '../../support/http-client.ts'
import { testPem } from '../../support/tls-files.ts'

const CA = testPem('ca.pem')
const pair = (name: string) => ({ cert: testPem(`${name}.pem`), key: testPem(`${name}-key.pem`) })
const answers = (message: string) => [{ name: 'request-termination', config: { status_code: 200, message } }]

/** Kong's fixtures: ssl-example.com (RSA) for example.com and ssl1.com, the wildcard ones. */
const CERTIFICATES = [
  { ...pair('example'), snis: ['example.com', 'ssl1.com'] },
  { ...pair('alt'), snis: ['*.wildcard.com', 'wildcard.*'] },
  { ...pair('alt-alt'), snis: ['wildcard.org', 'test.wildcard.*', '*.www.wildcard.com'] },
]

const ROUTES = [
  { name: 'global', protocols: ['https'], hosts: ['global.com'], plugins: answers('global') },
  { name: 'api-1', protocols: ['https'], hosts: ['example.com', 'ssl1.com'], plugins: answers('api-1') },
  { name: 'sni', protocols: ['https'], hosts: ['sni.example.com'], snis: ['sni.example.com'], plugins: answers('sni') },
  { name: 'redirect-301', protocols: ['https'], hosts: ['example.com'], paths: ['/redirect-301'], https_redirect_status_code: 301, plugins: answers('301') },
  { name: 'redirect-302', protocols: ['https'], hosts: ['example.com'], paths: ['/redirect-302'], https_redirect_status_code: 302, plugins: answers('302') },
  { name: 'by-sni', protocols: ['https'], snis: ['ssl1.com'], paths: ['/by-sni'], plugins: answers('by-sni') },
  { name: 'clear', protocols: ['http'], hosts: ['example-clear.com'], plugins: answers('clear') },
]

const config = (certificates: unknown[]) => ({ _format_version: '3.0', certificates, routes: ROUTES })

/** The certificate the listener serves for `servername` (none: no SNI sent), to a client with `options`. */
function peerCertificate(url: string, servername?: string, options: ConnectionOptions = {}): Promise<PeerCertificate> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ...(servername ? { servername } : {}), ca: CA, rejectUnauthorized: false, ...options })
    socket.once('secureConnect', () => {
      resolve(socket.getPeerCertificate())
      socket.end()
    })
    socket.once('error', reject)
  })
}

/** GET over https, the certificate verified against the test CA for `servername`. */
function getHttps(url: string, servername: string, path: string, host = servername): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: hostname, port, path, servername, ca: CA, headers: { host }, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.once('error', reject)
    req.end()
  })
}

describe('the https listener on Node', () => {
  let server: RunningServer

  beforeAll(async () => {
    server = await startGateway(config(CERTIFICATES), { HTTPS_PORT: '0' })
  })
  afterAll(() => server?.close())

  it('listens beside the http listener', () => {
    expect(server.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(server.url).toMatch(/^http:\/\//)
  })

  describe('handshake: the certificate for the server name', () => {
    it.each([
      ['example.com', 'ssl-example.com', 'exact'],
      ['ssl1.com', 'ssl-example.com', 'exact'],
      ['test.wildcard.com', 'ssl-alt.com', 'matches *.wildcard.com (prefix)'],
      ['wildcard.eu', 'ssl-alt.com', 'matches wildcard.* (suffix)'],
      ['wildcard.org', 'ssl-alt-alt.com', 'respects matching priorities (exact first)'],
      ['test.wildcard.org', 'ssl-alt-alt.com', 'respects matching priorities (suffix third)'],
      ['test.www.wildcard.com', 'ssl-alt-alt.com', 'matches *.www.wildcard.com'],
    ])('%s → CN %s (%s)', async (servername, cn) => {
      expect((await peerCertificate(server.httpsUrl!, servername)).subject.CN).toBe(cn)
    })

    it('refuses the handshake for a name no certificate is configured for, and without a name (no * SNI)', async () => {
      await expect(peerCertificate(server.httpsUrl!, 'test.com')).rejects.toThrow()
      await expect(peerCertificate(server.httpsUrl!)).rejects.toThrow()
    })
  })

  describe('SSL termination', () => {
    it('serves https-only routes over https, verified against the CA', async () => {
      expect(await getHttps(server.httpsUrl!, 'example.com', '/')).toEqual({ status: 200, body: '{"message":"api-1"}' })
    })

    it('blocks an http request on an https-only route: 426, also for a route with snis (Kong #6425)', async () => {
      for (const host of ['example.com', 'sni.example.com']) {
        const response = await sendHttp(server.url, { path: '/', headers: { host } })
        expect(response.status).toBe(426)
        expect(await response.json()).toEqual({ message: 'Please use HTTPS protocol', request_id: response.headers.get('x-request-id') })
        expect(response.headers.get('connection')).toContain('Upgrade')
        expect(response.headers.get('upgrade')).toBe('TLS/1.2, HTTP/1.1')
      }
    })

    it('redirects with https_redirect_status_code 301 and 302', async () => {
      const moved = await sendHttp(server.url, { path: '/redirect-301', headers: { host: 'example.com' } })
      expect([moved.status, moved.headers.get('location')]).toEqual([301, 'https://example.com/redirect-301'])
      const found = await sendHttp(server.url, { path: '/redirect-302?foo=bar', headers: { host: 'example.com' } })
      expect([found.status, found.headers.get('location')]).toEqual([302, 'https://example.com/redirect-302?foo=bar'])
    })

    it("serves an http-only route over https too: Kong 3's router does not match on http/https", async () => {
      expect((await sendHttp(server.url, { path: '/', headers: { host: 'example-clear.com' } })).status).toBe(200)
      expect(await getHttps(server.httpsUrl!, 'example.com', '/', 'example-clear.com')).toEqual({ status: 200, body: '{"message":"clear"}' })
    })
  })

  describe('routes with snis', () => {
    it('match the server name of the TLS connection, not the Host header', async () => {
      expect(await getHttps(server.httpsUrl!, 'ssl1.com', '/by-sni', 'other.test')).toEqual({ status: 200, body: '{"message":"by-sni"}' })
      expect((await getHttps(server.httpsUrl!, 'example.com', '/by-sni', 'other.test')).status).toBe(404)
    })
  })
})

describe("the https listener's default certificate", () => {
  it("is the * SNI's: for names without their own certificate, and for a client sending none (06-ssl_spec.lua: sets the default certificate of '*' SNI)", async () => {
    const server = await startGateway(config([...CERTIFICATES, { ...pair('default'), snis: ['*'] }]), { HTTPS_PORT: '0' })
    try {
      expect((await peerCertificate(server.httpsUrl!, 'test.com')).subject.CN).toBe('localhost')
      expect((await peerCertificate(server.httpsUrl!)).subject.CN).toBe('localhost')
      expect((await peerCertificate(server.httpsUrl!, 'example.com')).subject.CN).toBe('ssl-example.com')
      expect(await getHttps(server.httpsUrl!, 'localhost', '/', 'global.com')).toEqual({ status: 200, body: '{"message":"global"}' })
    } finally {
      await server.close()
    }
  })
})

describe('start-up', () => {
  it('refuses HTTPS_PORT without a certificate to serve', async () => {
    const lines = captureLogs()
    await expect(startGateway(config([pair('client')]), { HTTPS_PORT: '0' })).rejects.toThrow('gateway did not start')
    expect(lines.join('\n')).toContain('HTTPS_PORT (--https-port): no certificate in the file has snis to serve: add certificates with their snis, or unset it')
  })

  it("refuses a certificate whose key is not its own, in Kong's words", async () => {
    const lines = captureLogs()
    const mismatched = { cert: testPem('alt.pem'), key: testPem('default-key.pem'), snis: ['a.test'] }
    await expect(startGateway(config([mismatched]), { HTTPS_PORT: '0' })).rejects.toThrow('gateway did not start')
    expect(lines.join('\n')).toContain('certificates[0]: certificate does not match key')
  })

  it('refuses an alternative key pair, which it could not serve (Node hands OpenSSL one pair of the context chosen by name)', async () => {
    const lines = captureLogs()
    const withAlt = { ...CERTIFICATES[0], cert_alt: testPem('example-ecdsa.pem'), key_alt: testPem('example-ecdsa-key.pem') }
    await expect(startGateway(config([withAlt]), { HTTPS_PORT: '0' })).rejects.toThrow('gateway did not start')
    expect(lines.join('\n')).toContain("certificates[0].cert_alt: Node's https listener serves one key pair per certificate: remove cert_alt and key_alt")
  })

  it('without HTTPS_PORT, warns that certificates with snis are not served', async () => {
    const lines = captureLogs()
    const server = await startGateway(config(CERTIFICATES))
    await server.close()
    const warning = lines.map((line) => (line.startsWith('{') ? JSON.parse(line) : {})).find((line) => line.level === 'warn')
    expect(warning).toMatchObject({
      msg: 'certificates are served by the https listener only: set HTTPS_PORT (--https-port) to serve them',
      certificates: ['certificates[0]', 'certificates[1]', 'certificates[2]'],
    })
  })
})
