// SigV4 check for the emulator (docs/aws-protocols.md#verifying-a-signature): re-sign exactly what
// the client signed with aws4fetch and compare. Split in two so that requests with no usable
// credentials are refused before their body is read.

import { Buffer } from 'node:buffer'
import { createHash, timingSafeEqual } from 'node:crypto'
import { AwsV4Signer } from 'aws4fetch'

interface Authorization {
  accessKeyId: string
  /** YYYYMMDD from the credential scope */
  date: string
  region: string
  service: string
  /** as the client listed them, joined by ";" */
  signedHeaders: string
  signature: string
}

export interface AuthFailure {
  status: number
  type: string
  message: string
}

export interface Authenticated {
  auth: Authorization
  secret: string
  amzDate: string
}

/** Lower-case names, values as received; repeated headers joined with "," as SigV4 does. */
export type ReceivedHeaders = Record<string, string>

const MAX_SKEW_MS = 5 * 60 * 1000
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'

const incomplete = (message: string): AuthFailure => ({ status: 400, type: 'IncompleteSignatureException', message })
const invalidSignature = (message = SIGNATURE_MISMATCH): AuthFailure => ({ status: 403, type: 'InvalidSignatureException', message })

function parseAuthorization(header: string): Authorization | AuthFailure {
  const match = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(header.trim())
  const params = new Map<string, string>()
  for (const part of match?.[1].split(',') ?? []) {
    const eq = part.indexOf('=')
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((name) => !params.get(name))
  if (missing.length > 0) {
    return incomplete(missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '))
  }
  const scope = params.get('Credential')!.split('/')
  if (scope.length !== 5 || scope.some((part) => part === '')) {
    return incomplete('Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term')
  }
  const [accessKeyId, date, region, service, terminator] = scope
  if (terminator !== 'aws4_request') return invalidSignature(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`)
  if (service !== 'lambda') return invalidSignature(`Credential should be scoped to correct service: 'lambda'.`)
  const signature = params.get('Signature')!
  if (!/^[0-9a-f]{64}$/.test(signature)) return invalidSignature()
  return { accessKeyId, date, region, service, signedHeaders: params.get('SignedHeaders')!, signature }
}

const isFailure = (value: object): value is AuthFailure => 'status' in value

function amzDateOf(date: Date): string {
  return date.toISOString().replace(/[:-]|\.\d{3}/g, '')
}

/** Everything that can be decided without the body: the header's shape, the key, the clock. */
export function checkCredentials(headers: ReceivedHeaders, credentials: Record<string, string>, now: number): Authenticated | AuthFailure {
  const header = headers.authorization
  if (header === undefined || header.trim() === '') {
    return { status: 403, type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' }
  }
  const auth = parseAuthorization(header)
  if (isFailure(auth)) return auth
  const secret = Object.hasOwn(credentials, auth.accessKeyId) ? credentials[auth.accessKeyId] : undefined
  if (secret === undefined) {
    return { status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' }
  }
  const amzDate = headers['x-amz-date']
  if (amzDate === undefined) return incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
  const parts = AMZ_DATE.exec(amzDate)?.slice(1).map(Number)
  const signedAt = parts ? Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5]) : NaN
  if (Number.isNaN(signedAt)) {
    return incomplete(`Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`)
  }
  if (signedAt < now - MAX_SKEW_MS) {
    return invalidSignature(
      `Signature expired: ${amzDate} is now earlier than ${amzDateOf(new Date(now - MAX_SKEW_MS))} (${amzDateOf(new Date(now))} - 5 min.)`,
    )
  }
  if (signedAt > now + MAX_SKEW_MS) {
    return invalidSignature(
      `Signature not yet current: ${amzDate} is still later than ${amzDateOf(new Date(now + MAX_SKEW_MS))} (${amzDateOf(new Date(now))} + 5 min.)`,
    )
  }
  if (auth.date !== amzDate.slice(0, 8)) {
    return invalidSignature(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    )
  }
  return { auth, secret, amzDate }
}

/** Derived signing keys, kept per secret/day/region; the region is the client's choice, so bounded. */
class BoundedCache extends Map<string, ArrayBuffer> {
  set(key: string, value: ArrayBuffer): this {
    if (this.size >= 64) this.clear()
    return super.set(key, value)
  }
}

interface SignedRequest {
  method: string
  /** path and query exactly as on the request line */
  target: string
  headers: ReceivedHeaders
  body: Buffer
}

export function createVerifier(): (request: SignedRequest, authenticated: Authenticated) => Promise<AuthFailure | null> {
  const cache = new BoundedCache()
  return async ({ method, target, headers, body }, { auth, secret, amzDate }) => {
    const signed = auth.signedHeaders.split(';')
    if (!signed.includes('host') || !signed.includes('x-amz-date')) return invalidSignature()
    // Every x-amz-* header sent (the invocation type among them) must be covered.
    if (Object.keys(headers).some((name) => name.startsWith('x-amz-') && !signed.includes(name))) return invalidSignature()
    // aws4fetch takes a present x-amz-content-sha256 as the payload hash, so check it against the body.
    const declaredHash = headers['x-amz-content-sha256']
    if (declaredHash !== undefined && declaredHash !== createHash('sha256').update(body).digest('hex')) return invalidSignature()

    const host = headers.host
    if (host === undefined || !target.startsWith('/')) return invalidSignature()
    // Only the signed headers, values as received; aws4fetch signs host from the URL instead.
    const toSign = new Headers()
    try {
      for (const name of signed) {
        if (name === 'host') continue
        const value = headers[name]
        if (value === undefined) return invalidSignature()
        toSign.set(name, value)
      }
      // URL drops a port that is the scheme's default; pick the scheme that keeps the Host value as sent.
      const scheme = host.endsWith(':80') ? 'https' : 'http'
      const signer = new AwsV4Signer({
        method,
        url: `${scheme}://${host}${target}`,
        headers: toSign,
        body: new Uint8Array(body),
        accessKeyId: auth.accessKeyId,
        secretAccessKey: secret,
        service: auth.service,
        region: auth.region,
        datetime: amzDate,
        allHeaders: true,
        cache,
      })
      if (signer.signedHeaders !== auth.signedHeaders) return invalidSignature()
      const expected = Buffer.from(await signer.signature(), 'hex')
      const received = Buffer.from(auth.signature, 'hex')
      return expected.length === received.length && timingSafeEqual(expected, received) ? null : invalidSignature()
    } catch {
      // Header values or a Host that Headers/URL refuse cannot have been signed as sent.
      return invalidSignature()
    }
  }
}
