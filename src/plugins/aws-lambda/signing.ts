// SigV4 for Invoke requests. aws4fetch builds the canonical request (path and query
// encoding, signed headers, date); the hashes and HMACs come from a SigningCrypto
// (src/encoding/signing-crypto.ts).

import { AwsV4Signer } from 'aws4fetch'
import type { Credentials } from '../../credentials/types.ts'
import { hex } from '../../encoding/digest.ts'
import type { SigningCrypto } from '../../encoding/signing-crypto.ts'

const encoder = new TextEncoder()

export interface SigningRequest {
  url: string
  headers: Readonly<Record<string, string>>
  payload: string
  region: string
  credentials: Credentials
  crypto: SigningCrypto
  /** Derived signing keys by secret, day and region: four HMACs saved per request. */
  keys: Map<string, Uint8Array<ArrayBuffer>>
}

/** The request's headers with X-Amz-Date, X-Amz-Content-Sha256, the session token and Authorization. */
export async function signLambdaRequest({ url, headers, payload, region, credentials, crypto, keys }: SigningRequest): Promise<Headers> {
  const { accessKeyId, secretAccessKey, sessionToken } = credentials
  // With the payload hash given, aws4fetch's canonical request needs no hashing of its own.
  const signer = new AwsV4Signer({
    method: 'POST',
    url,
    headers: { ...headers, 'X-Amz-Content-Sha256': await crypto.sha256Hex(payload) },
    accessKeyId,
    secretAccessKey,
    sessionToken,
    service: 'lambda',
    region,
  })
  const stringToSign = ['AWS4-HMAC-SHA256', signer.datetime, signer.credentialString, await crypto.sha256Hex(await signer.canonicalString())].join('\n')
  const key = await signingKey(crypto, keys, secretAccessKey, signer.datetime.slice(0, 8), region)
  const signature = hex(await crypto.hmacSha256(key, stringToSign))
  signer.headers.set(
    'Authorization',
    `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${signer.credentialString}, SignedHeaders=${signer.signedHeaders}, Signature=${signature}`,
  )
  return signer.headers
}

async function signingKey(crypto: SigningCrypto, keys: SigningRequest['keys'], secret: string, date: string, region: string) {
  const cacheKey = `${secret}\n${date}\n${region}`
  const cached = keys.get(cacheKey)
  if (cached) return cached
  // A copy: Workers' types give encode() a buffer that may be shared; keys need a plain ArrayBuffer.
  let key = new Uint8Array(encoder.encode(`AWS4${secret}`))
  for (const part of [date, region, 'lambda', 'aws4_request']) key = await crypto.hmacSha256(key, part)
  // One key a day per secret and region: keep the map small when credentials rotate.
  if (keys.size >= 16) keys.clear()
  keys.set(cacheKey, key)
  return key
}
