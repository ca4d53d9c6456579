// Tokens for the jwt plugin's tests, signed as a client would (jose, over WebCrypto: the same on
// Node, in workerd and under Deno); `signAs` writes any header over any signature algorithm, as
// Kong's spec encoder does for tokens whose header lies.

import { CompactSign, importPKCS8 } from 'jose'
import { encode } from 'jose/base64url'

const text = new TextEncoder()

/** Kong's spec PAYLOAD: issued and valid from now, for an hour. */
export function payload(claims: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000)
  return { nbf: now, iat: now, exp: now + 3600, ...claims }
}

async function signingKey(alg: string, key: string): Promise<Awaited<ReturnType<typeof importPKCS8>> | Uint8Array> {
  return alg.startsWith('HS') ? text.encode(key) : importPKCS8(key, alg)
}

/** A token of `claims` signed with `key` (an HMAC secret, or a PKCS#8 PEM private key), header `{ typ: 'JWT', alg }`. */
export async function sign(
  claims: Record<string, unknown>,
  key: string,
  alg = 'HS256',
  header: Record<string, unknown> = { typ: 'JWT', alg },
): Promise<string> {
  return new CompactSign(text.encode(JSON.stringify(claims))).setProtectedHeader({ ...header, alg }).sign(await signingKey(alg, key))
}

/** A token whose header says what `header` says, HMAC-signed with `secret` by `hash` whatever its `alg`. */
export async function signAs(header: Record<string, unknown>, claims: Record<string, unknown>, secret: string, hash = 'SHA-256'): Promise<string> {
  const input = `${encode(JSON.stringify(header))}.${encode(JSON.stringify(claims))}`
  const key = await crypto.subtle.importKey('raw', text.encode(secret), { name: 'HMAC', hash }, false, ['sign'])
  return `${input}.${encode(new Uint8Array(await crypto.subtle.sign('HMAC', key, text.encode(input))))}`
}
