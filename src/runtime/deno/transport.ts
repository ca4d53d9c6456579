/// <reference lib="deno.ns" />
// The Deno transport: Deno's own fetch, with an HTTP client for `proxy_url` (CONNECT for
// https). Deno's fetch always verifies certificates, so `ssl_verify: false` goes through the
// node:https transport, which Deno lets read the system CA store only with --allow-sys.

import { type Transport, UnsupportedTransport } from '../../transport.ts'
import { freshHeadersTransport } from '../node/transport.ts'

export const denoTransport: Transport = (settings) => {
  if (!settings.verifyTls) {
    if (Deno.permissions.querySync({ name: 'sys' }).state !== 'granted') {
      throw new UnsupportedTransport([
        { field: 'ssl_verify', message: "ssl_verify: false needs Deno's --allow-sys permission (add it to the deno run command)" },
      ])
    }
    return freshHeadersTransport(settings)
  }
  if (settings.proxyUrl === undefined) return (input, init) => fetch(input, init)
  const client = Deno.createHttpClient({ proxy: { url: settings.proxyUrl } })
  return (input, init) => fetch(input, { ...init, client })
}
