// What the Node and Deno entries check of a file's certificates with an X.509 parser (Kong's
// entity checks of certificates.lua and ca_certificates.lua, in its words), and which
// certificate the https listener serves for a server name, as Kong's kong/runloop/certificate.lua
// chooses it: the exact name, then `*.` and the name without its first label, then the name with
// its last label as `*`, then the `*` SNI (https://github.com/Kong/kong/blob/master/kong/runloop/certificate.lua).

import { createPrivateKey, X509Certificate } from 'node:crypto'
import type { GatewayCertificate, GatewayConfig } from '../model/config.ts'
import type { ConfigProblem } from '../model/validate.ts'

/** Kong's entity checks of certificates and CA certificates that need the certificate parsed. */
export function certificateProblems(config: Pick<GatewayConfig, 'certificates' | 'caCertificates'>, now = Date.now()): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  for (const { path, cert, key, cert_alt, key_alt } of config.certificates) {
    const main = keyPair(cert, key, 'certificate does not match key')
    const alt = cert_alt && key_alt ? keyPair(cert_alt, key_alt, 'alternative certificate does not match key') : undefined
    for (const problem of [main, alt]) if (typeof problem === 'string') problems.push({ path, message: problem })
    if (typeof main === 'object' && typeof alt === 'object' && main.type === alt.type) {
      const message =
        'certificate and alternative certificate need to have different type (e.g. RSA and ECDSA), the provided certificates were both of the same type'
      problems.push({ path, message })
    }
  }
  for (const { path, cert } of config.caCertificates) {
    const problem = caProblem(cert, now)
    if (problem) problems.push({ path, message: problem })
  }
  return problems
}

/** The key type of a matching pair, or Kong's problem. */
function keyPair(cert: string, key: string, mismatch: string): { type: string | undefined } | string {
  let x509: X509Certificate
  try {
    x509 = new X509Certificate(cert)
  } catch {
    return 'invalid certificate: could not parse PEM certificate'
  }
  try {
    return x509.checkPrivateKey(createPrivateKey(key)) ? { type: x509.publicKey.asymmetricKeyType } : mismatch
  } catch {
    return 'invalid key: could not parse PEM private key'
  }
}

function caProblem(cert: string, now: number): string | undefined {
  if (cert.split('-----BEGIN CERTIFICATE-----').length > 2) return 'please submit only one certificate at a time'
  let x509: X509Certificate
  try {
    x509 = new X509Certificate(cert)
  } catch {
    return 'invalid certificate: could not parse PEM certificate'
  }
  if (Date.parse(x509.validTo) < now) return 'certificate expired, "Not After" time is in the past'
  if (!x509.ca) return 'certificate does not appear to be a CA because it is missing the "CA" basic constraint'
  return undefined
}

/** The certificate to serve for a server name (none sent: the `*` SNI's), or undefined when none is configured for it. */
export function certificateSelector(certificates: readonly GatewayCertificate[]): (serverName: string | undefined) => GatewayCertificate | undefined {
  const bySni = new Map<string, GatewayCertificate>()
  for (const certificate of certificates) for (const sni of certificate.snis) bySni.set(sni.toLowerCase(), certificate)
  return (serverName) => {
    const name = serverName?.toLowerCase()
    if (name === undefined) return bySni.get('*')
    // Kong's produce_wild_snis: the first label as `*` when two or more labels follow, the last label as `*` after one or more.
    const prefix = /^[^.]+(\.[^.]+\.\S+)$/.exec(name)
    const suffix = /^(.*[^.]+\.)[^.]+$/.exec(name)
    return bySni.get(name) ?? (prefix ? bySni.get(`*${prefix[1]}`) : undefined) ?? (suffix ? bySni.get(`${suffix[1]}*`) : undefined) ?? bySni.get('*')
  }
}

/**
 * Node's SNI callback hands OpenSSL one key pair of a secure context, and Deno.serve takes one:
 * a served certificate's alternative pair would never be served, so it is refused.
 */
export function alternativePairsRefused(served: readonly GatewayCertificate[], runtime: string): ConfigProblem[] {
  return served
    .filter((certificate) => certificate.cert_alt !== undefined)
    .map(({ path }) => ({ path: `${path}.cert_alt`, message: `${runtime}'s https listener serves one key pair per certificate: remove cert_alt and key_alt` }))
}
