// A consumer's credentials and ACL groups, the entities of Kong's authentication plugins
// (kong/plugins/{key-auth,basic-auth,jwt,hmac-auth,acl}/daos.lua): kept in the model for those
// plugins, which find the consumer of a request by them. Secrets may be vault references,
// resolved at load; a secret never appears in a problem.

import type { Schema, Validated } from '../schema.ts'
import { isPemBlock, metadata } from './common.ts'

export const keyauthCredentialSchema = {
  ...metadata,
  /** The API key (key-auth); a random one when left out, as Kong makes. */
  key: { type: 'string', referenceable: true },
  /** Refused when set: keys that expire are not supported (the file is loaded once). */
  ttl: { type: 'number' },
} as const satisfies Schema

export const basicauthCredentialSchema = {
  ...metadata,
  /** Unique (basic-auth). */
  username: { type: 'string', required: true },
  /** The password; with `_transform: false`, already hashed as Kong hashes it. */
  password: { type: 'string', required: true, referenceable: true },
} as const satisfies Schema

export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'EdDSA'] as const

export const jwtSecretSchema = {
  ...metadata,
  /** Unique: the `iss` claim (jwt plugin's key_claim_name) that picks this secret; a random one when left out. */
  key: { type: 'string' },
  /** The HMAC secret (HS*); a random one when left out. */
  secret: { type: 'string', referenceable: true },
  /** PEM public key; required for RS*, PS* and EdDSA. */
  rsa_public_key: { type: 'string', referenceable: true },
  /** Signing algorithm. */
  algorithm: { type: 'string', oneOf: JWT_ALGORITHMS, default: 'HS256' },
} as const satisfies Schema

export const aclSchema = {
  ...metadata,
  /** An ACL group of the consumer (acl plugin). */
  group: { type: 'string', required: true },
} as const satisfies Schema

export const hmacauthCredentialSchema = {
  ...metadata,
  /** Unique (hmac-auth). */
  username: { type: 'string', required: true },
  /** The HMAC secret; a random one when left out. */
  secret: { type: 'string', referenceable: true },
} as const satisfies Schema

export type KeyauthFields = Validated<typeof keyauthCredentialSchema>
export type BasicauthFields = Validated<typeof basicauthCredentialSchema>
export type JwtSecretFields = Validated<typeof jwtSecretSchema>
export type AclFields = Validated<typeof aclSchema>
export type HmacauthFields = Validated<typeof hmacauthCredentialSchema>

/**
 * Kong's entity check of a JWT secret: RS*, PS* and EdDSA need a public key that loads. Kong's
 * OpenSSL also takes other PEM forms (and never looks at an ES* key); WebCrypto verifies with
 * an SPKI public key only, so any other key of an asymmetric secret is refused here.
 */
export function checkJwtSecret(secret: JwtSecretFields): { field?: string; message: string }[] {
  const pem = secret.rsa_public_key
  if (/^(RS|PS)(256|384|512)$|^EdDSA$/.test(secret.algorithm)) {
    const problem = pem === undefined ? 'required field missing' : isPemBlock(pem, /^((RSA|EC) )?(PUBLIC|PRIVATE) KEY$/) ? undefined : 'invalid key'
    if (problem) return [{ field: 'rsa_public_key', message: problem }, { message: "failed conditional validation given value of field 'algorithm'" }]
  }
  if (secret.algorithm.startsWith('HS') || pem === undefined || isPemBlock(pem, /^PUBLIC KEY$/)) return []
  return [{ field: 'rsa_public_key', message: 'lambda-gateway verifies tokens with a public key in SPKI form (-----BEGIN PUBLIC KEY-----)' }]
}

/** A random value for a field Kong fills in itself (`auto = true`): 32 hexadecimal digits. */
export function randomCredential(): string {
  return crypto.randomUUID().replaceAll('-', '')
}
