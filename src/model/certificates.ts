// Certificates with the server names they are served for, CA certificates, and what a service
// takes of them for TLS to its upstream (its client certificate and trusted CAs, as PEM).

import type { GatewayCaCertificate, GatewayCertificate, GatewayService } from './config.ts'
import { certificateSchema } from './entities/certificate.ts'
import type { Entry } from './flatten.ts'
import type { References } from './references.ts'
import { joinPath } from './validate.ts'
import { type ReferenceContext, resolveRecordReferences } from './vault.ts'

export interface CertificateModel {
  certificates: Map<Entry, GatewayCertificate>
  caCertificates: Map<string, GatewayCaCertificate>
}

/** The certificates and CA certificates of `entries`; problems go to `context.problems`. */
export function buildCertificates(entries: readonly Entry[], refs: References, context: ReferenceContext): CertificateModel {
  const snis = new Map<Entry, string[]>()
  for (const entry of entries) {
    const certificate = entry.kind.name === 'snis' ? refs.target(entry, 'certificate') : undefined
    if (certificate) snis.set(certificate, [...(snis.get(certificate) ?? []), entry.fields.name as string])
  }
  const certificates = new Map<Entry, GatewayCertificate>()
  const caCertificates = new Map<string, GatewayCaCertificate>()
  for (const entry of entries) {
    const { path, fields } = entry
    const base = { id: refs.idOf(entry), path, tags: (fields.tags as string[] | undefined) ?? [] }
    if (entry.kind.name === 'ca_certificates') caCertificates.set(base.id, { ...base, cert: fields.cert as string })
    if (entry.kind.name !== 'certificates') continue
    resolveRecordReferences(fields, certificateSchema, path, context)
    if ((fields.cert_alt === undefined) !== (fields.key_alt === undefined)) {
      context.problems.push({ path, message: "all or none of these fields must be set: 'cert_alt', 'key_alt'" })
    }
    const { cert, key, cert_alt, key_alt } = fields as Record<string, string>
    certificates.set(entry, { ...base, cert, key, ...(cert_alt && key_alt ? { cert_alt, key_alt } : {}), snis: snis.get(entry) ?? [] })
  }
  return { certificates, caCertificates }
}

/** A service's client certificate and CA certificates as PEM; an id naming no CA certificate is Kong's error. */
export function serviceTls(
  entry: Entry,
  refs: References,
  model: CertificateModel,
  problems: { path: string; message: string }[],
): Pick<GatewayService, 'clientCertificate' | 'caCertificates'> {
  const certificate = refs.target(entry, 'client_certificate')
  const known = certificate && model.certificates.get(certificate)
  const ids = (entry.fields.ca_certificates as string[] | undefined) ?? []
  const cas = ids.map((id, i) => {
    const ca = model.caCertificates.get(id.toLowerCase())
    if (!ca) problems.push({ path: joinPath(joinPath(entry.path, 'ca_certificates'), i), message: `CA Certificate '${id}' does not exist` })
    return ca?.cert ?? ''
  })
  return {
    ...(known ? { clientCertificate: { cert: known.cert, key: known.key } } : {}),
    ...(ids.length > 0 ? { caCertificates: cas } : {}),
  }
}
