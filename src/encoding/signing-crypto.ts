// SHA-256 and HMAC-SHA-256 for request signing and key lookups: WebCrypto by default, or what
// the runtime entry hands in (Node: node:crypto, synchronous, without WebCrypto's per-call
// thread-pool round trip, which costs more than the hashing itself: ~26 µs against ~1 µs).

import { getOrCreate } from '../get-or-create.ts'
import { hex } from './digest.ts'

export interface SigningCrypto {
  sha256Hex(data: string): string | Promise<string>
  /** `key`'s bytes are never changed once used: implementations may keep what they derive from them (an imported key) while `key` lives. */
  hmacSha256(key: Uint8Array<ArrayBuffer>, data: string): Uint8Array<ArrayBuffer> | Promise<Uint8Array<ArrayBuffer>>
  /** hmacSha256 as lower-case hex (a signature). */
  hmacSha256Hex(key: Uint8Array<ArrayBuffer>, data: string): string | Promise<string>
}

const encoder = new TextEncoder()

// One imported CryptoKey per key's bytes, kept while the bytes are (a signing key: while its
// route keeps it), instead of an importKey per HMAC.
const cryptoKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>()

/** The portable SigningCrypto. */
export const webSigningCrypto: SigningCrypto = {
  async sha256Hex(data) {
    return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(data))))
  },
  async hmacSha256(key, data) {
    const cryptoKey = await getOrCreate(cryptoKeys, key, () => crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']))
    return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(data)))
  },
  async hmacSha256Hex(key, data) {
    return hex(await webSigningCrypto.hmacSha256(key, data))
  },
}
