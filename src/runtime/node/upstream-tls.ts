// A service's TLS settings (UpstreamTls) as node:https options. Kept apart so that TLS details
// beyond these (verification depth, …) are added in one place.

import type { AgentOptions, RequestOptions } from 'node:https'
import { isIP } from 'node:net'
import type { UpstreamTls } from '../../proxy/upstream-transport.ts'

/** What the service's pool is made with (one pool per distinct setting). */
export function upstreamTlsAgentOptions(tls: UpstreamTls): AgentOptions {
  return {
    rejectUnauthorized: tls.verify,
    ...(tls.caCertificates ? { ca: [...tls.caCertificates] } : {}),
    ...(tls.clientCertificate ? { cert: tls.clientCertificate.cert, key: tls.clientCertificate.key } : {}),
  }
}

/** Per request: the name sent as SNI and checked against the certificate (RFC 6066 sends no address as SNI). */
export function upstreamTlsRequestOptions(tls: UpstreamTls): RequestOptions {
  return isIP(tls.serverName) === 0 ? { servername: tls.serverName } : {}
}

/** The pool a setting's requests share: settings that differ only in the server name share one. */
export function upstreamTlsKey(tls: UpstreamTls): string {
  return JSON.stringify([tls.verify, tls.verifyDepth, tls.caCertificates, tls.clientCertificate?.cert])
}
