// The key a jwt_secret verifies tokens with, imported once per credential (and per
// `secret_is_base64`) for the whole configuration: HMAC secrets as WebCrypto keys, so that the
// comparison happens inside WebCrypto's verify; public keys through jose.

import { importSPKI } from 'jose'
import { decode } from 'jose/base64url'
import type { JwtSecret } from '../../model/config.ts'
import type { GatewayServices } from '../../pipeline/plugin.ts'

/** jose's CryptoKey type (Deno's type check tells it apart from the global one). */
export type VerificationKey = Awaited<ReturnType<typeof importSPKI>>

/** The key, undefined when the credential has none to give (Kong's "Invalid key/secret"); rejects when it does not import. */
export function verificationKey(services: GatewayServices, credential: JwtSecret, secretIsBase64: boolean): Promise<VerificationKey | undefined> {
  const symmetric = credential.algorithm.startsWith('HS')
  return services.once(`jwt:${credential.id}:${symmetric && secretIsBase64}`, () => importKey(credential, symmetric && secretIsBase64))
}

async function importKey({ algorithm, secret, rsa_public_key: pem }: JwtSecret, secretIsBase64: boolean): Promise<VerificationKey | undefined> {
  if (!algorithm.startsWith('HS')) return pem === undefined ? undefined : importSPKI(pem, algorithm)
  let bytes: Uint8Array<ArrayBuffer>
  try {
    // Kong decodes a base64 secret as base64url (its parser's decoder).
    bytes = (secretIsBase64 ? decode(secret) : new TextEncoder().encode(secret)) as Uint8Array<ArrayBuffer>
  } catch {
    return undefined
  }
  return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: `SHA-${algorithm.slice(2)}` }, false, ['verify'])
}
