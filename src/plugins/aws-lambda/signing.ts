// SigV4 for Invoke requests (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
// aws4fetch's AwsV4Signer builds the canonical request's parts once per route (the encoded path
// and query, the fixed headers' lines, the signed-header lists), not per request; what changes
// per request (the date, the payload hash, the session token) goes into them, and the signing
// key is derived once per secret and day. The hashes and HMACs come from a SigningCrypto
// (src/encoding/signing-crypto.ts). A property test compares every signature with aws4fetch's.

import { AwsV4Signer } from 'aws4fetch'
import { cachedTime } from '../../cached-time.ts'
import type { Credentials } from '../../credentials/types.ts'
import type { SigningCrypto } from '../../encoding/signing-crypto.ts'
import { isFieldValue } from '../../http/field-syntax.ts'

const encoder = new TextEncoder()

export interface SigningRequest {
  url: string
  /** The route's fixed headers, the same object every request (its parts are kept by identity). */
  headers: Readonly<Record<string, string>>
  payload: string
  region: string
  credentials: Credentials
  crypto: SigningCrypto
  /** What is kept between a route's requests. */
  keys: SigningCache
}

/** A canonical header line: fixed text, or the name of a value set per request. */
type Line = { name: string; text?: string }

interface RouteParts {
  url: string
  headers: SigningRequest['headers']
  region: string
  /** The signed headers and the canonical request's parts without and with a session token. */
  variants: [Variant, Variant]
}

interface Variant {
  /** The canonical request's path and query lines, encoded. */
  target: string
  /** The fixed headers, as sent, lower-case names. */
  fixed: Readonly<Record<string, string>>
  lines: Line[]
  signedHeaders: string
}

interface CurrentKey {
  secret: string
  date: string
  region: string
  key: Promise<Uint8Array<ArrayBuffer>>
  /** The key once derived. */
  derived?: Uint8Array<ArrayBuffer>
}

/**
 * One route's signing state: its canonical parts, and the signing key of the secret, day and
 * region last used. One key at a time: a key derived from a rotated secret is dropped as soon as
 * a request signs with the new one, and one day's key when the next day's is derived.
 */
export class SigningCache {
  route: RouteParts | undefined
  current: CurrentKey | undefined
}

const PAYLOAD_HASH = 'x-amz-content-sha256'
const DATE = 'x-amz-date'
const TOKEN = 'x-amz-security-token'
const PER_REQUEST = [PAYLOAD_HASH, DATE, TOKEN]

/** X-Amz-Date: `yyyymmddThhmmssZ`, to the second. */
const amzDate = cachedTime(1000, (ms) => new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, ''))

/**
 * The request's headers with X-Amz-Date, X-Amz-Content-Sha256, the session token and
 * Authorization, lower-case names: a record of this call's own, which the caller may add to.
 */
export async function signLambdaRequest({ url, headers, payload, region, credentials, crypto, keys }: SigningRequest): Promise<Record<string, string>> {
  const route = routeParts(keys, url, headers, region)
  const { accessKeyId, secretAccessKey, sessionToken } = credentials
  const datetime = amzDate(Date.now())
  // What the crypto gives at once (Node's) is used as it is: awaiting a value costs a turn of the
  // microtask queue, four per request.
  const hashing = crypto.sha256Hex(payload)
  const payloadHash = isPromise(hashing) ? await hashing : hashing
  const { target, fixed, lines, signedHeaders } = route.variants[sessionToken ? 1 : 0]
  const signed: Record<string, string> = { ...fixed, [PAYLOAD_HASH]: payloadHash, [DATE]: datetime }
  // Sent as fetch's Headers would send it (without surrounding whitespace), signed as aws4fetch
  // reads a header value (runs of whitespace as one space).
  if (sessionToken) signed[TOKEN] = tokenHeaderValue(sessionToken)
  let canonicalHeaders = ''
  for (const { name, text } of lines) canonicalHeaders += `${text ?? `${name}:${name === TOKEN ? signed[TOKEN].replace(/\s+/g, ' ') : signed[name]}`}\n`
  const canonical = `POST\n${target}\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`
  const date = datetime.slice(0, 8)
  const scope = `${date}/${region}/lambda/aws4_request`
  const canonicalHashing = crypto.sha256Hex(canonical)
  const stringToSign = `AWS4-HMAC-SHA256\n${datetime}\n${scope}\n${isPromise(canonicalHashing) ? await canonicalHashing : canonicalHashing}`
  const deriving = signingKey(keys, crypto, secretAccessKey, date, region)
  const signing = crypto.hmacSha256Hex(isPromise(deriving) ? await deriving : deriving, stringToSign)
  const signature = isPromise(signing) ? await signing : signing
  signed.authorization = `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`
  return signed
}

/** What fetch's Headers strips from a value's ends. */
const HTTP_SPACE_AROUND = /^[\t\n\r ]+|[\t\n\r ]+$/g

const tokenHeaderValue = (sessionToken: string) => sessionToken.replace(HTTP_SPACE_AROUND, '')

/** Whether a header can carry the session token (no control character, nothing above U+00FF once trimmed). */
export function sendableToken(sessionToken: string): boolean {
  return isFieldValue(tokenHeaderValue(sessionToken))
}

/** The route's parts, computed again when the request is not for the route they were computed for. */
function routeParts(cache: SigningCache, url: string, headers: SigningRequest['headers'], region: string): RouteParts {
  const kept = cache.route
  if (kept !== undefined && kept.url === url && kept.headers === headers && kept.region === region) return kept
  // aws4fetch's signer gives the canonical parts, built once with stand-ins for what changes per request.
  const variant = (sessionToken?: string): Variant => {
    const signer = new AwsV4Signer({
      method: 'POST',
      url,
      headers: { ...headers, [PAYLOAD_HASH]: '-' },
      accessKeyId: '-',
      secretAccessKey: '-',
      sessionToken,
      service: 'lambda',
      region,
      datetime: '-',
    })
    return {
      target: `${signer.encodedPath}\n${signer.encodedSearch}`,
      fixed: Object.fromEntries([...signer.headers].filter(([name]) => !PER_REQUEST.includes(name))),
      lines: signer.canonicalHeaders.split('\n').map((line) => {
        const name = line.slice(0, line.indexOf(':'))
        return PER_REQUEST.includes(name) ? { name } : { name, text: line }
      }),
      signedHeaders: signer.signedHeaders,
    }
  }
  const route: RouteParts = { url, headers, region, variants: [variant(), variant('-')] }
  cache.route = route
  return route
}

/** The signing key of `secret` on `date` in `region`, derived once (four HMACs) and kept until one of them changes. */
function signingKey(
  cache: SigningCache,
  crypto: SigningCrypto,
  secret: string,
  date: string,
  region: string,
): Uint8Array<ArrayBuffer> | Promise<Uint8Array<ArrayBuffer>> {
  const current = cache.current
  if (current !== undefined && current.secret === secret && current.date === date && current.region === region) return current.derived ?? current.key
  const key = derive(crypto, secret, date, region)
  const entry: CurrentKey = { secret, date, region, key }
  cache.current = entry
  key.then(
    (derived) => {
      entry.derived = derived
    },
    // A failed derivation is not kept.
    () => {
      if (cache.current === entry) cache.current = undefined
    },
  )
  return key
}

/** SigningCrypto gives a value or a Promise (an async function's, WebCrypto's): `instanceof` is a cheaper test than looking up `then` on a string. */
const isPromise = <T>(value: T | Promise<T>): value is Promise<T> => value instanceof Promise

async function derive(crypto: SigningCrypto, secret: string, date: string, region: string): Promise<Uint8Array<ArrayBuffer>> {
  // A copy: Workers' types give encode() a buffer that may be shared; keys need a plain ArrayBuffer.
  let key = new Uint8Array(encoder.encode(`AWS4${secret}`))
  for (const part of [date, region, 'lambda', 'aws4_request']) key = await crypto.hmacSha256(key, part)
  return key
}
