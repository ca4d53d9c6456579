// The key a jwt_secret verifies tokens with, imported into WebCrypto once per credential (and
// per `secret_is_base64`) for the whole configuration, with the parameters its algorithm
// verifies with. HMAC secrets are keys too, so that the comparison happens inside WebCrypto's
// verify. RSA keys under 2048 bits and Ed448 keys are refused (RFC 7518 §3.3's minimum; Ed448
// is not in every runtime's WebCrypto), which Kong would verify with.

import { base64ToBytes, base64UrlToBytes } from '../../encoding/base64.ts'
import type { JwtSecret } from '../../model/config.ts'
import type { GatewayServices } from '../../pipeline/plugin.ts'

export interface VerificationKey {
  key: CryptoKey
  /** What WebCrypto's verify takes for the credential's algorithm. */
  params: Parameters<typeof crypto.subtle.verify>[0]
}

const EC_CURVES: Readonly<Record<string, string>> = { 256: 'P-256', 384: 'P-384', 512: 'P-521' }

/** The key, undefined when the credential has none to give (Kong's "Invalid key/secret"); rejects when it does not import. */
export function verificationKey(services: GatewayServices, credential: JwtSecret, secretIsBase64: boolean): Promise<VerificationKey | undefined> {
  const symmetric = credential.algorithm.startsWith('HS')
  return services.once(`jwt:${credential.id}:${symmetric && secretIsBase64}`, () => importKey(credential, symmetric && secretIsBase64))
}

async function importKey({ algorithm, secret, rsa_public_key: pem }: JwtSecret, secretIsBase64: boolean): Promise<VerificationKey | undefined> {
  const hash = `SHA-${algorithm.slice(2)}`
  if (algorithm.startsWith('HS')) {
    // Kong decodes a base64 secret as base64url (its parser's decoder).
    const bytes = secretIsBase64 ? base64UrlToBytes(secret) : new TextEncoder().encode(secret)
    if (!bytes) return undefined
    return { key: await crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash }, false, ['verify']), params: 'HMAC' }
  }
  if (pem === undefined) return undefined
  const spki = spkiBytes(pem)
  const imported = (params: string | { name: string; hash?: string; namedCurve?: string }) => crypto.subtle.importKey('spki', spki, params, false, ['verify'])
  switch (algorithm.slice(0, 2)) {
    case 'RS':
      return rsaKey(await imported({ name: 'RSASSA-PKCS1-v1_5', hash }), 'RSASSA-PKCS1-v1_5')
    case 'PS':
      return rsaKey(await imported({ name: 'RSA-PSS', hash }), { name: 'RSA-PSS', saltLength: Number(algorithm.slice(2)) / 8 })
    case 'ES':
      return { key: await imported({ name: 'ECDSA', namedCurve: EC_CURVES[algorithm.slice(2)] }), params: { name: 'ECDSA', hash } }
    default:
      return { key: await imported('Ed25519'), params: 'Ed25519' }
  }
}

function rsaKey(key: CryptoKey, params: VerificationKey['params']): VerificationKey {
  const bits = (key.algorithm as { name: string; modulusLength?: number }).modulusLength ?? 0
  if (bits < 2048) throw new TypeError(`an RSA key of ${bits} bits: at least 2048 are required`)
  return { key, params }
}

/** A `PUBLIC KEY` PEM block's DER bytes (SubjectPublicKeyInfo). */
function spkiBytes(pem: string): Uint8Array<ArrayBuffer> {
  const body = /^-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----\s*$/.exec(pem.trim())?.[1]
  const bytes = body === undefined ? undefined : base64ToBytes(body.replace(/\s/g, ''))
  if (!bytes) throw new TypeError('not a PEM public key (-----BEGIN PUBLIC KEY-----)')
  return bytes
}
