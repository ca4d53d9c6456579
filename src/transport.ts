// How the gateway reaches AWS (Lambda, STS): a `fetch` per route's transport settings. The
// runtime entry supplies the transport; the portable one is the runtime's own fetch, which
// can neither use a forward proxy nor skip certificate checks, so it refuses those settings.

export type Fetch = (input: string, init: RequestInit) => Promise<Response>

export interface TransportSettings {
  /** `proxy_url`: an `http://` forward proxy (CONNECT for https targets). */
  proxyUrl: string | undefined
  /** `ssl_verify`. */
  verifyTls: boolean
}

/** A setting this runtime cannot honour, named by its plugin field. */
export class UnsupportedTransport extends Error {
  readonly field: 'proxy_url' | 'ssl_verify'
  constructor(field: 'proxy_url' | 'ssl_verify', message: string) {
    super(message)
    this.name = 'UnsupportedTransport'
    this.field = field
  }
}

/** Returns the fetch for these settings, or throws UnsupportedTransport. */
export type Transport = (settings: TransportSettings) => Fetch

export const fetchTransport: Transport = (settings) => {
  if (settings.proxyUrl !== undefined) {
    throw new UnsupportedTransport('proxy_url', 'a forward proxy is not supported on this runtime (Cloudflare Workers); remove proxy_url')
  }
  if (!settings.verifyTls) {
    throw new UnsupportedTransport('ssl_verify', 'TLS verification cannot be turned off on this runtime (Cloudflare Workers); remove ssl_verify: false')
  }
  return (input, init) => globalThis.fetch(input, init)
}
