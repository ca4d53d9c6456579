// A service's TLS settings (UpstreamTls) as node:https options. Kept apart so that TLS details
// beyond these (verification depth, …) are added in one place.

import type { AgentOptions, RequestOptions } from 'node:https'
import { isIP } from 'node:net'
import { checkServerIdentity, type PeerCertificate } from 'node:tls'
import type { UpstreamTls } from '../../proxy/upstream-transport.ts'

/** What the service's pool is made with (one pool per distinct setting). */
export function upstreamTlsAgentOptions(tls: UpstreamTls): AgentOptions {
  const { verifyDepth } = tls
  return {
    rejectUnauthorized: tls.verify,
    ...(tls.caCertificates ? { ca: [...tls.caCertificates] } : {}),
    ...(tls.clientCertificate ? { cert: tls.clientCertificate.cert, key: tls.clientCertificate.key } : {}),
    ...(tls.verify && verifyDepth !== undefined
      ? { checkServerIdentity: (host: string, cert: PeerCertificate) => checkServerIdentity(host, cert) ?? chainTooLong(cert, verifyDepth) }
      : {}),
  }
}

/**
 * `tls_verify_depth` as OpenSSL counts it (nginx's proxy_ssl_verify_depth): depth N allows the
 * upstream's certificate, N intermediate CAs and the trust anchor. Node has no such setting: the
 * verified chain is counted once the handshake has checked it.
 */
function chainTooLong(cert: PeerCertificate, depth: number): Error | undefined {
  let length = 1
  for (let at = cert as PeerCertificate & { issuerCertificate?: PeerCertificate }; length <= depth + 2; length++) {
    const issuer = at.issuerCertificate
    if (!issuer || issuer.fingerprint256 === at.fingerprint256) break
    at = issuer
  }
  return length > depth + 2 ? new Error(`the upstream's certificate chain is longer than tls_verify_depth ${depth} allows`) : undefined
}

/** Per request: the name sent as SNI and checked against the certificate (RFC 6066 sends no address as SNI). */
export function upstreamTlsRequestOptions(tls: UpstreamTls): RequestOptions {
  return isIP(tls.serverName) === 0 ? { servername: tls.serverName } : {}
}

/** The pool a setting's requests share: settings that differ only in the server name share one. */
export function upstreamTlsKey(tls: UpstreamTls): string {
  return JSON.stringify([tls.verify, tls.verifyDepth, tls.caCertificates, tls.clientCertificate?.cert])
}
