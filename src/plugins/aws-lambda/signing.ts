// SigV4 for Invoke requests (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html),
// the canonical request built exactly as aws4fetch's AwsV4Signer builds it (a property test
// compares the two), with what does not change between a route's requests computed once: the
// encoded path and query, the fixed headers' canonical lines, the signed-header lists, and the
// signing key (one per secret and day). The hashes and HMACs come from a SigningCrypto
// (src/encoding/signing-crypto.ts).

import type { Credentials } from '../../credentials/types.ts'
import { hex } from '../../encoding/digest.ts'
import type { SigningCrypto } from '../../encoding/signing-crypto.ts'

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
  /** The canonical request's path and query lines, encoded. */
  target: string
  /** The fixed headers, as sent. */
  fixed: [string, string][]
  /** The signed headers without and with a session token. */
  variants: [Variant, Variant]
}

interface Variant {
  lines: Line[]
  signedHeaders: string
}

interface CurrentKey {
  secret: string
  date: string
  key: Promise<Uint8Array<ArrayBuffer>>
}

/**
 * One route's signing state: its canonical parts, and the signing key of the secret and day
 * last used. One key at a time: a key derived from a rotated secret is dropped as soon as a
 * request signs with the new one, and one day's key when the next day's is derived.
 */
export class SigningCache {
  route: RouteParts | undefined
  current: CurrentKey | undefined
}

/** The headers aws4fetch never signs (they may change on the way). */
const UNSIGNABLE = new Set([
  'authorization',
  'content-type',
  'content-length',
  'user-agent',
  'presigned-expires',
  'expect',
  'x-amzn-trace-id',
  'range',
  'connection',
])
const PAYLOAD_HASH = 'x-amz-content-sha256'
const DATE = 'x-amz-date'
const TOKEN = 'x-amz-security-token'

/** The request's headers with X-Amz-Date, X-Amz-Content-Sha256, the session token and Authorization. */
export async function signLambdaRequest({ url, headers, payload, region, credentials, crypto, keys }: SigningRequest): Promise<Headers> {
  const route = routeParts(keys, url, headers, region)
  const { accessKeyId, secretAccessKey, sessionToken } = credentials
  const datetime = amzDate()
  const payloadHash = await crypto.sha256Hex(payload)
  const signed = new Headers(route.fixed)
  signed.set(PAYLOAD_HASH, payloadHash)
  signed.set(DATE, datetime)
  if (sessionToken) signed.set(TOKEN, sessionToken)
  const { lines, signedHeaders } = route.variants[sessionToken ? 1 : 0]
  const perRequest: Record<string, string> = { [PAYLOAD_HASH]: payloadHash, [DATE]: datetime }
  if (sessionToken) perRequest[TOKEN] = canonicalValue(signed.get(TOKEN)!)
  let canonicalHeaders = ''
  for (const { name, text } of lines) canonicalHeaders += `${text ?? `${name}:${perRequest[name]}`}\n`
  const canonical = `POST\n${route.target}\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`
  const date = datetime.slice(0, 8)
  const scope = `${date}/${region}/lambda/aws4_request`
  const stringToSign = `AWS4-HMAC-SHA256\n${datetime}\n${scope}\n${await crypto.sha256Hex(canonical)}`
  const signature = hex(await crypto.hmacSha256(await signingKey(keys, crypto, secretAccessKey, date, region), stringToSign))
  signed.set('Authorization', `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`)
  return signed
}

/** The route's parts, computed again (and the key dropped) when the request is not for the route they were computed for. */
function routeParts(cache: SigningCache, url: string, headers: SigningRequest['headers'], region: string): RouteParts {
  const kept = cache.route
  if (kept !== undefined && kept.url === url && kept.headers === headers && kept.region === region) return kept
  cache.current = undefined
  const parsed = new URL(url)
  const fixed = new Headers(headers)
  for (const name of ['host', PAYLOAD_HASH, DATE, TOKEN]) fixed.delete(name)
  const variant = (names: string[]): Variant => {
    const signable = ['host', ...names].filter((name) => !UNSIGNABLE.has(name)).sort()
    return {
      lines: signable.map((name) => {
        const value = name === 'host' ? parsed.host : fixed.get(name)
        return { name, text: value === null ? undefined : `${name}:${canonicalValue(value)}` }
      }),
      signedHeaders: signable.join(';'),
    }
  }
  const names = [...fixed.keys(), PAYLOAD_HASH, DATE]
  const route: RouteParts = {
    url,
    headers,
    region,
    target: `${canonicalPath(parsed.pathname)}\n${canonicalQuery(parsed.searchParams)}`,
    fixed: [...fixed],
    variants: [variant(names), variant([...names, TOKEN])],
  }
  cache.route = route
  return route
}

/** The signing key of `secret` on `date`, derived once (four HMACs) and kept until the secret or the day changes. */
function signingKey(cache: SigningCache, crypto: SigningCrypto, secret: string, date: string, region: string): Promise<Uint8Array<ArrayBuffer>> {
  const current = cache.current
  if (current !== undefined && current.secret === secret && current.date === date) return current.key
  const key = derive(crypto, secret, date, region)
  cache.current = { secret, date, key }
  // A failed derivation is not kept.
  key.catch(() => {
    if (cache.current?.key === key) cache.current = undefined
  })
  return key
}

async function derive(crypto: SigningCrypto, secret: string, date: string, region: string): Promise<Uint8Array<ArrayBuffer>> {
  // A copy: Workers' types give encode() a buffer that may be shared; keys need a plain ArrayBuffer.
  let key = new Uint8Array(encoder.encode(`AWS4${secret}`))
  for (const part of [date, region, 'lambda', 'aws4_request']) key = await crypto.hmacSha256(key, part)
  return key
}

/** aws4fetch's header value: runs of whitespace as one space. */
const canonicalValue = (value: string) => value.replace(/\s+/g, ' ')

/** RFC 3986 encoding of what encodeURIComponent leaves as is. */
const rfc3986 = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/** The path encoded once more, as AWS expects for every service but S3. */
const canonicalPath = (path: string) => rfc3986(path.replace(/\/+/g, '/')).replace(/%2F/g, '/')

function canonicalQuery(params: URLSearchParams): string {
  return [...params]
    .filter(([name]) => name !== '')
    .map(([name, value]) => [rfc3986(name), rfc3986(value)])
    .sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
    .map((pair) => pair.join('='))
    .join('&')
}

let lastSecond = Number.NaN
let lastDatetime = ''

/** Now as SigV4's basic ISO 8601 (20240102T030405Z), formatted once a second. */
function amzDate(): string {
  const second = Math.floor(Date.now() / 1000)
  if (second !== lastSecond) {
    const iso = new Date(second * 1000).toISOString()
    lastDatetime = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`
    lastSecond = second
  }
  return lastDatetime
}
