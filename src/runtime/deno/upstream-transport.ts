/// <reference lib="deno.ns" />
// The Deno upstream transport: Deno's fetch (src/proxy/fetch-transport.ts: its timeouts), with an
// HTTP client per distinct CA/client-certificate setting. Deno's fetch always verifies
// certificates and has no depth setting: `tls_verify: false` and `tls_verify_depth` go through the
// node:https transport, which Deno lets read the system CA store only with --allow-sys.

import { fetchTry } from '../../proxy/fetch-transport.ts'
import type { UpstreamRequest, UpstreamTls, UpstreamTransport } from '../../proxy/upstream-transport.ts'
import { upstreamTlsKey } from '../node/upstream-tls.ts'
import { nodeUpstreamTransport } from '../node/upstream-transport.ts'

const clients = new Map<string, Deno.HttpClient>()

function clientFor(tls: UpstreamTls): Deno.HttpClient {
  const key = upstreamTlsKey(tls)
  let client = clients.get(key)
  if (!client) {
    client = Deno.createHttpClient({
      ...(tls.caCertificates ? { caCerts: [...tls.caCertificates] } : {}),
      ...(tls.clientCertificate ? { cert: tls.clientCertificate.cert, key: tls.clientCertificate.key } : {}),
    })
    clients.set(key, client)
  }
  return client
}

const needsNode = (tls: UpstreamTls) => !tls.verify || tls.verifyDepth !== undefined

export const denoUpstreamTransport: UpstreamTransport = Object.assign(
  (request: UpstreamRequest) => {
    const { tls } = request
    if (tls && needsNode(tls)) return nodeUpstreamTransport(request)
    if (tls?.caCertificates || tls?.clientCertificate) return fetchTry(request, () => ({ client: clientFor(tls) }) as RequestInit)
    return fetchTry(request)
  },
  {
    unsupported(tls: UpstreamTls) {
      if (!needsNode(tls) || Deno.permissions.querySync({ name: 'sys' }).state === 'granted') return []
      const field = tls.verify ? 'tls_verify_depth' : 'tls_verify'
      return [{ field, message: `${field} needs Deno's --allow-sys permission (add it to the deno run command)` }]
    },
  },
)
