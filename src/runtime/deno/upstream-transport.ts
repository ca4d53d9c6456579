/// <reference lib="deno.ns" />
// The Deno upstream transport is Node's (src/runtime/node/upstream-transport.ts), through Deno's
// node:http: Deno's fetch would send the URL's host as Host and add headers of its own (Accept,
// User-Agent, Accept-Encoding, whose answers it then decompresses). Deno lets node:https read the
// system CA store only with --allow-sys: without it, https services that do not name their own
// `ca_certificates` are refused at load. A WebSocket upgrade is asked without extensions
// (src/runtime/deno/upgrade.ts relays its frames). A streamed request body goes on a connection
// of its own: Deno's node:http stalls one on a connection it reuses.

import type { ProxySettings, UpstreamTransport } from '../../proxy/upstream-transport.ts'
import { freshConnectionsForStreams } from '../node/upstream-transport.ts'
import { withoutExtensions } from './upgrade.ts'

export const denoUpstreamTransport: UpstreamTransport = Object.assign(
  (request: Parameters<UpstreamTransport>[0]) => freshConnectionsForStreams(withoutExtensions(request)),
  {
    unsupported({ tls }: ProxySettings) {
      if (!tls || tls.caCertificates || Deno.permissions.querySync({ name: 'sys' }).state === 'granted') return []
      return [{ field: 'protocol', message: "https services without ca_certificates need Deno's --allow-sys permission (add it to the deno run command)" }]
    },
  },
)
