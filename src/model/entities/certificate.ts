// Certificates, their SNIs, and CA certificates (Kong's kong/db/schema/entities/certificates.lua,
// snis.lua, ca_certificates.lua): the certificates the https listener serves by server name, the
// client certificates and CA certificates of https services. What needs an X.509 parser (a key
// matching its certificate, a CA's basic constraint) is checked by the Node and Deno entries.

import { checkHost, type Schema } from '../schema.ts'
import { isPemBlock, metadata } from './common.ts'

const CERTIFICATE = /^(X509 |TRUSTED )?CERTIFICATE$/
const KEY = /^((RSA|EC|ENCRYPTED) )?(PRIVATE|PUBLIC) KEY$/

/** One PEM certificate, or a chain of them (the certificate first, as OpenSSL reads it). */
function checkCertificate(cert: string): string | undefined {
  const blocks = cert.match(/-----BEGIN [\s\S]*?-----END [A-Z0-9 ]+-----/g) ?? []
  const outside = blocks.reduce((rest, block) => rest.replace(block, ''), cert)
  return blocks.length > 0 && outside.trim() === '' && blocks.every((block) => isPemBlock(block, CERTIFICATE))
    ? undefined
    : 'invalid certificate: not a PEM certificate'
}

function checkKey(key: string): string | undefined {
  return isPemBlock(key, KEY) ? undefined : 'invalid key: not a PEM key'
}

/** Kong's `typedefs.wildcard_host`: a host name, with `*` as its first or last character, no port. */
function checkSniName(name: string): string | undefined {
  const star = name.indexOf('*')
  if (star !== -1 && star !== 0 && star !== name.length - 1) return 'wildcard must be leftmost or rightmost character'
  if (name.split('*').length > 2) return 'only one wildcard must be specified'
  const host = name.replace('*', 'wildcard')
  if (/^[\d.]+$/.test(host) || host.split(':').length > 2 || host.startsWith('[')) return 'must not be an IP'
  if (host.includes(':')) return 'must not have a port'
  return checkHost(host) === undefined ? undefined : `invalid value: ${host}`
}

export const certificateSchema = {
  ...metadata,
  /** PEM certificate. */
  cert: { type: 'string', required: true, referenceable: true, check: checkCertificate },
  /** PEM private key. */
  key: { type: 'string', required: true, referenceable: true, check: checkKey },
  /** Alternative PEM certificate. */
  cert_alt: { type: 'string', referenceable: true, check: checkCertificate },
  /** Alternative PEM private key. */
  key_alt: { type: 'string', referenceable: true, check: checkKey },
} as const satisfies Schema

export const sniSchema = {
  ...metadata,
  /** Server name. */
  name: { type: 'string', required: true, check: checkSniName },
} as const satisfies Schema

export const caCertificateSchema = {
  ...metadata,
  /** PEM CA certificate. */
  cert: { type: 'string', required: true, check: checkCertificate },
  /** Its SHA-256 digest. */
  cert_digest: { type: 'string' },
} as const satisfies Schema
