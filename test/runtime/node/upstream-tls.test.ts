// TLS to upstreams on Node beyond the shared cases (test/e2e/tls-cases.ts): the runtime's own
// roots and `tls_verify: false`, for which Deno reads the system's CA store only with
// --allow-sys (its test runner has none); and tls_verify_depth beside them. Ported from Kong's 18-upstream_tls_spec.lua ("tls_verify",
// "tls_verify_depth": the upstream's certificate is signed by an intermediate CA).

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../../src/cli/start.ts'
import type { TlsUpstreams } from '../../support/gateway-config.ts'
import { startGateway } from '../../support/gateway-under-test.ts'
import { sendHttp } from '../../support/http-client.ts'
import { startTlsUpstreams } from '../../support/tls-upstreams.ts'

let tls: Awaited<ReturnType<typeof startTlsUpstreams>>
let gateway: RunningServer

const CA_ID = '0b6c1a9e-5f6d-4c1e-9a8b-7d2e3f4a5b6c'

function config(upstreams: TlsUpstreams) {
  const service = (name: string, port: number, extra: Record<string, unknown>) => ({
    name,
    url: `https://localhost:${port}`,
    retries: 0,
    ...extra,
    routes: [{ name, hosts: [`${name}.tls.test`] }],
  })
  const trusting = { ca_certificates: [CA_ID] }
  return {
    _format_version: '3.0',
    ca_certificates: [{ id: CA_ID, cert: upstreams.ca }],
    services: [
      service('unverified', upstreams.untrusted, { tls_verify: false }),
      service('verified', upstreams.untrusted, { tls_verify: true }),
      service('default-roots', upstreams.trusted, {}),
      service('chain', upstreams.chained, trusting),
      service('depth-0', upstreams.chained, { ...trusting, tls_verify_depth: 0 }),
      service('depth-1', upstreams.chained, { ...trusting, tls_verify_depth: 1 }),
      service('direct-depth-0', upstreams.trusted, { ...trusting, tls_verify_depth: 0 }),
      service('unverified-depth-0', upstreams.untrusted, { tls_verify: false, tls_verify_depth: 0 }),
    ],
  }
}

beforeAll(async () => {
  tls = await startTlsUpstreams()
  gateway = await startGateway(config(tls.upstreams))
})
afterAll(async () => {
  await gateway?.close()
  await tls?.close()
})

const status = async (name: string) => (await sendHttp(gateway.url, { path: '/', headers: { host: `${name}.tls.test` } })).status

describe('upstream TLS on Node', () => {
  it('tls_verify: false takes any certificate; true (the default) refuses a self-signed one', async () => {
    expect(await status('unverified')).toBe(200)
    expect(await status('verified')).toBe(502)
  })

  it("without ca_certificates, the runtime's roots: the test CA is not among them", async () => {
    expect(await status('default-roots')).toBe(502)
  })

  it('tls_verify_depth: a chain through an intermediate CA is refused at depth 0 and passes at depth 1, as OpenSSL counts depth', async () => {
    expect(await status('chain')).toBe(200)
    expect(await status('depth-0')).toBe(502)
    expect(await status('depth-1')).toBe(200)
    expect(await status('direct-depth-0')).toBe(200)
  })

  it('tls_verify_depth has no effect without verification, as in nginx', async () => {
    expect(await status('unverified-depth-0')).toBe(200)
  })
})
