// SigV4's hashes and HMACs with node:crypto: synchronous, where WebCrypto on Node sends each
// call to the thread pool and back (three round trips per signed request).

import { createHash, createHmac } from 'node:crypto'
import type { SigningCrypto } from '../lambda/signing.ts'

export const nodeSigningCrypto: SigningCrypto = {
  sha256Hex: (data) => createHash('sha256').update(data).digest('hex'),
  hmacSha256: (key, data) => {
    const mac = createHmac('sha256', key).update(data).digest()
    return new Uint8Array(mac.buffer, mac.byteOffset, mac.byteLength)
  },
}
