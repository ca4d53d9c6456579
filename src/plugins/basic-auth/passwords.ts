// basic-auth's credentials by username, and Kong's password check: Kong stores
// SHA-1(password .. consumer id) as hex and compares the presented password's digest with it
// (https://github.com/Kong/kong/blob/master/kong/plugins/basic-auth/crypto.lua). A password
// written in the file is hashed once here; one from a file with `_transform: false` is that
// digest already. The digests are compared in constant time.

import { digestHex } from '../../encoding/digest.ts'
import { binaryString } from '../../http/field-text.ts'
import type { BasicauthCredential } from '../../model/config.ts'
import { timingSafeEqual } from '../shared/timing-safe-equal.ts'

export interface CredentialEntry {
  credential: BasicauthCredential
  digest: string
}

export type CredentialIndex = Promise<ReadonlyMap<string, CredentialEntry>>

const encoder = new TextEncoder()

/** Kong's digest of `password` (bytes as a binary string) for `consumerId`. */
function passwordDigest(password: string, consumerId: string): Promise<string> {
  const salt = encoder.encode(consumerId)
  const bytes = new Uint8Array(password.length + salt.length)
  for (let i = 0; i < password.length; i++) bytes[i] = password.charCodeAt(i)
  bytes.set(salt, password.length)
  return digestHex('SHA-1', bytes)
}

/** The credentials by username (its UTF-8 bytes as a binary string, as a header presents it). */
export async function indexCredentials(credentials: readonly BasicauthCredential[]): CredentialIndex {
  const entries = credentials.map(async (credential) => {
    const digest = credential.passwordHashed
      ? credential.password
      : await passwordDigest(binaryString(encoder.encode(credential.password)), credential.consumer.id)
    return [binaryString(encoder.encode(credential.username)), { credential, digest }] as const
  })
  return new Map(await Promise.all(entries))
}

/** Whether `password` (bytes as a binary string) is the credential's password. */
export async function passwordMatches(entry: CredentialEntry, password: string): Promise<boolean> {
  return timingSafeEqual(await passwordDigest(password, entry.credential.consumer.id), entry.digest)
}
