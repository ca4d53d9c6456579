// Finding the credential of a presented key without telling, by the time taken, how much of it
// matched a configured one: the keys are indexed by their SHA-256 digest (a lookup by digest
// says nothing of the key's characters), and the one found is confirmed in constant time.

import type { Bytes } from '../../encoding/base64.ts'
import { digestHex } from '../../encoding/digest.ts'
import type { KeyauthCredential } from '../../model/config.ts'
import { timingSafeEqual } from '../shared/timing-safe-equal.ts'

export type KeyIndex = Promise<ReadonlyMap<string, KeyauthCredential>>

const encoder = new TextEncoder()
const digestOf = (key: string) => digestHex('SHA-256', encoder.encode(key) as Bytes)

/** The credentials by the digest of their key (keys are unique in a configuration). */
export async function indexKeys(credentials: readonly KeyauthCredential[]): KeyIndex {
  return new Map(await Promise.all(credentials.map(async (credential) => [await digestOf(credential.key), credential] as const)))
}

/** The credential whose key is `presented`, if any. */
export async function findKey(index: KeyIndex, presented: string): Promise<KeyauthCredential | undefined> {
  const candidate = (await index).get(await digestOf(presented))
  return candidate !== undefined && timingSafeEqual(presented, candidate.key) ? candidate : undefined
}
