// How the mock AWS services check a SigV4 signature (docs/aws-protocols.md#verifying-a-signature):
// @smithy/signature-v4, the AWS SDK's signer and an implementation independent of the gateway's
// aws4fetch, re-signs exactly what the client signed, and the two Authorization values are
// compared.
import type { Buffer } from 'node:buffer'
import { createHash } from 'node:crypto'
import { Sha256 } from '@aws-crypto/sha256-js'
import { SignatureV4 } from '@smithy/signature-v4'

export interface ParsedAuthorization {
  accessKeyId: string
  credential: string
  region: string
  service: string
  signedHeaders: string[]
  signature: string
}

export type Query = Record<string, string | string[]>

const AUTHORIZATION_PATTERN =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/

export function parseAuthorization(header: string | undefined): ParsedAuthorization | null {
  const match = header === undefined ? null : AUTHORIZATION_PATTERN.exec(header.trim())
  if (match === null) return null
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match
  return {
    accessKeyId,
    credential: `${accessKeyId}/${date}/${region}/${service}/aws4_request`,
    region,
    service,
    signedHeaders: signedHeaders.split(';'),
    signature,
  }
}

/** "20240102T030405Z" -> Date, or null when not in SigV4 basic format. */
export function parseAmzDate(value: string | undefined): Date | null {
  const match = value === undefined ? null : /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)
  if (match === null) return null
  const [, y, mo, d, h, mi, s] = match.map(Number)
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s))
  return Number.isNaN(date.getTime()) ? null : date
}

/** Decoded like URLSearchParams (the same decoding aws4fetch applies before signing). */
export function parseQuery(rawQuery: string): Query {
  const query: Query = {}
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    if (key === '') continue // aws4fetch drops empty keys from the canonical query
    const existing = query[key]
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return query
}

export interface SignedRequest {
  /** The service the signature must be for (`lambda`, `sts`). */
  service: string
  method: string
  /** The path as received, still percent-encoded. */
  rawPath: string
  query: Query
  /** Lower-case names, values as received. */
  headers: Record<string, string>
  body: Buffer
  auth: ParsedAuthorization
  secret: string
  signingDate: Date
}

export async function signatureMatches({ service, method, rawPath, query, headers, body, auth, secret, signingDate }: SignedRequest): Promise<boolean> {
  if (auth.service !== service) return false
  const signed = new Set(auth.signedHeaders)
  if (!['host', 'x-amz-date'].every((name) => signed.has(name))) return false
  // Every x-amz-* header (the security token included) must be covered by the signature.
  if (!Object.keys(headers).every((name) => !name.startsWith('x-amz-') || signed.has(name))) return false

  // smithy takes a present x-amz-content-sha256 as the payload hash without hashing the
  // body, so check it here or a tampered body would pass.
  const bodyHash = createHash('sha256').update(body).digest('hex')
  if ('x-amz-content-sha256' in headers && headers['x-amz-content-sha256'] !== bodyHash) return false

  // Only the headers the client signed, with the values as received (so Host keeps its ":port").
  const signedHeaderValues: Record<string, string> = {}
  for (const name of signed) {
    if (name in headers) signedHeaderValues[name] = headers[name]
  }
  const host = headers.host ?? ''
  const portMatch = /:(\d+)$/.exec(host)

  // How smithy is kept from signing anything the client did not:
  // - applyChecksum: false -> no x-amz-content-sha256 header is added;
  // - no sessionToken in credentials -> smithy does not add x-amz-security-token;
  //   the client's token travels as an ordinary signed header instead;
  // - x-amz-date is always (re)set by smithy from signingDate, which parseAmzDate read from
  //   the header, so the value is the one received;
  // - signableHeaders = the client's list overrides smithy's always-unsignable set
  //   (user-agent, connection, ...), so exactly the client's headers are used.
  // smithy drops a "date" header before signing; comparing SignedHeaders below turns
  // that (and any other divergence) into a rejection rather than a silent pass.
  // uriEscapePath: true double-encodes the raw path ("%3A" -> "%253A"), as AWS and
  // aws4fetch do for non-S3 services, hence the raw, undecoded path.
  const signer = new SignatureV4({
    service,
    region: auth.region,
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey: secret },
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  })
  let authorization: string
  try {
    const result = await signer.sign(
      {
        method,
        protocol: 'http:',
        hostname: portMatch ? host.slice(0, portMatch.index) : host,
        port: portMatch ? Number(portMatch[1]) : undefined,
        path: rawPath,
        query,
        headers: signedHeaderValues,
        body: new Uint8Array(body),
      },
      { signingDate, signableHeaders: signed },
    )
    authorization = String(result.headers.authorization ?? '')
  } catch {
    return false
  }
  const expected = parseAuthorization(authorization)
  return (
    expected !== null &&
    expected.credential === auth.credential &&
    expected.signedHeaders.join(';') === auth.signedHeaders.join(';') &&
    expected.signature === auth.signature
  )
}
