// Finding the credential of a presented key without telling, by the time taken, how much of it
// matched a configured one: the keys are indexed by their SHA-256 digest (a lookup by digest
// says nothing of the key's characters), and the one found is confirmed in constant time.

import { type SigningCrypto, webSigningCrypto } from '../../encoding/signing-crypto.ts'
import { utf8Bytes } from '../../http/field-text.ts'
import type { KeyauthCredential } from '../../model/config.ts'
import { timingSafeEqual } from '../shared/timing-safe-equal.ts'

export interface KeyIndex {
  /** The credentials by the digest of their key (keys are unique in a configuration). */
  readonly byDigest: Promise<ReadonlyMap<string, KeyauthCredential>>
  /** The runtime's SHA-256 (Node's is ~25 times cheaper than WebCrypto's, per request). */
  readonly hashes: SigningCrypto
}

export function indexKeys(credentials: readonly KeyauthCredential[], hashes: SigningCrypto = webSigningCrypto): KeyIndex {
  const entries = Promise.all(credentials.map(async (credential) => [await hashes.sha256Hex(utf8Bytes(credential.key)), credential] as const))
  return { byDigest: entries.then((pairs) => new Map(pairs)), hashes }
}

/** The credential whose key's UTF-8 bytes are `presented` (one character per byte), if any. */
export async function findKey(index: KeyIndex, presented: string): Promise<KeyauthCredential | undefined> {
  const candidate = (await index.byDigest).get(await index.hashes.sha256Hex(presented))
  return candidate !== undefined && timingSafeEqual(presented, utf8Bytes(candidate.key)) ? candidate : undefined
}
