// The https listener's TLS on Node: a secure context per certificate, built once at start, and
// the one for the server name a client asks chosen in its handshake as Kong chooses
// (src/cli/tls-certificates.ts). A name no certificate is configured for gets no certificate:
// the handshake is refused, where Kong would serve its own self-signed default certificate.

import { createSecureContext, type SecureContext, type TlsOptions } from 'node:tls'
import { certificateSelector } from '../../cli/tls-certificates.ts'
import type { GatewayCertificate } from '../../model/config.ts'

export function httpsServerOptions(certificates: readonly GatewayCertificate[]): TlsOptions {
  const served = certificates.filter((certificate) => certificate.snis.length > 0)
  // One key pair each: Node hands OpenSSL only the last pair of the context a callback chooses (cert_alt is refused).
  const contexts = new Map<GatewayCertificate, SecureContext>(
    served.map((certificate) => [certificate, createSecureContext({ cert: certificate.cert, key: certificate.key })]),
  )
  const select = certificateSelector(served)
  // A client sending no server name gets the `*` SNI's certificate, when there is one.
  const fallback = select(undefined)
  return {
    ...(fallback ? { cert: fallback.cert, key: fallback.key } : {}),
    SNICallback: (name, done) => {
      const certificate = select(name)
      if (certificate) done(null, contexts.get(certificate))
      else done(new Error(`no certificate is configured for server name '${name}'`))
    },
  }
}
