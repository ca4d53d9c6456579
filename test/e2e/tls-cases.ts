// TLS to upstreams (https services), against the loopback upstreams of
// test/support/tls-upstreams.ts (routes: tlsServices in gateway-config.ts). Ported from Kong's
// spec/02-integration/05-proxy/18-upstream_tls_spec.lua (mutual TLS with service.client_certificate,
// tls_verify, ca_certificates) and 06-ssl_spec.lua ("proxy ssl verify", "proxy_ssl_name"). Kong
// verifies only with nginx_proxy_proxy_ssl_verify on; this gateway verifies by default (README).
// Not in workerd: the platform's fetch trusts only public roots and presents no client
// certificate, and ca_certificates/client_certificate are refused there (test/workers/e2e.test.ts).
// Every service names its CAs: Deno reads the system's store only with --allow-sys, so the default
// roots and tls_verify: false are in test/runtime/node/upstream-tls.test.ts.

import type { TlsEcho } from '../support/gateway-config.ts'
import type { Case, E2E } from './harness.ts'
import { withLogs } from './harness.ts'

/** Said in each name, so that the list of cases not run says why. */
const NOT_ON_WORKERD = ' (not on workerd: its fetch trusts only public roots and presents no client certificate; the fields are refused there)'

async function through(t: E2E, host: string): Promise<{ status: number; text: string }> {
  const response = await t.send({ host, path: '/' })
  return { status: response.status, text: await response.text() }
}

const echoOf = (text: string) => JSON.parse(text) as TlsEcho

const cases: Case[] = [
  {
    name: "TLS1 an https upstream's certificate is verified by default: a self-signed one, or one signed by a CA the service does not name, is Kong's 502 (06-ssl_spec.lua: proxy ssl verify; 18-upstream_tls_spec.lua: not allowed through once the CA certificate is updated to other ca), the reason logged",
    async run(t) {
      for (const host of ['untrusted.tls.test', 'other-ca.tls.test']) {
        const [answer, logs] = await withLogs(t, () => through(t, host))
        t.equal(answer.status, 502, `${host}: status`)
        t.equal(JSON.parse(answer.text).message, 'An invalid response was received from the upstream server', `${host}: Kong's words`)
        t.ok(/proxying failed: .*(certificate|self.signed|UnknownIssuer|issuer)/i.test(logs), `${host}: the log says why: ${logs}`)
      }
    },
  },
  {
    name: 'TLS2 ca_certificates: the CA the service names is trusted (18-upstream_tls_spec.lua: request is allowed through once correct CA certificate is set); the upstream host is sent as SNI',
    async run(t) {
      const answer = await through(t, 'ca.tls.test')
      t.equal(answer.status, 200, 'status')
      t.equal(echoOf(answer.text), { sni: 'localhost', client: null, host: `localhost:${new URL(`https://${echoOf(answer.text).host}`).port}` }, 'SNI and Host')
    },
  },
  {
    name: "TLS3 proxy_ssl_name (06-ssl_spec.lua): with preserve_host the client's Host name is the SNI and the name checked; an address sends none",
    async run(t) {
      const preserved = await through(t, 'upstream.tls.test')
      t.equal([preserved.status, echoOf(preserved.text).sni, echoOf(preserved.text).host], [200, 'upstream.tls.test', 'upstream.tls.test'], 'preserve_host')
      const address = await through(t, 'ip.tls.test')
      t.equal([address.status, echoOf(address.text).sni], [200, null], 'an IP address: no SNI (RFC 6066)')
    },
  },
  {
    name: 'TLS4 mutual TLS (18-upstream_tls_spec.lua): without a client certificate the upstream refuses (its 400 passed on); with client_certificate it knows the client',
    async run(t) {
      const none = await through(t, 'mtls-none.tls.test')
      t.equal([none.status, none.text], [400, '400 No required SSL certificate was sent'], 'no client certificate')
      const presented = await through(t, 'mtls.tls.test')
      t.equal([presented.status, echoOf(presented.text).client], [200, 'lambda-gateway test client'], 'client_certificate')
    },
  },
  {
    name: 'TLS5 tls_verify_depth (18-upstream_tls_spec.lua): a chain through an intermediate CA is not allowed through at depth 0, and is at depth 1 (OpenSSL counts the CAs between the certificate and the trust anchor)',
    async run(t) {
      t.equal((await through(t, 'depth-0.tls.test')).status, 502, 'depth 0')
      t.equal((await through(t, 'depth-1.tls.test')).status, 200, 'depth 1')
    },
  },
]

export const tlsCases: Case[] = cases.map((c) => ({ ...c, name: `${c.name}${NOT_ON_WORKERD}`, skipIn: ['workerd'] }))
