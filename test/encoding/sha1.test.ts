// SHA-1 against FIPS 180-4's examples (and a long message, several blocks).

import { describe, expect, it } from 'vitest'
import { sha1 } from '../../src/encoding/sha1.ts'

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

describe('sha1', () => {
  it.each([
    ['', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '84983e441c3bd26ebaae4aa1f95129e5e54670f1'],
    ['a'.repeat(1000), '291e9a6c66994949b57ba5e650361e98fc36b1ba'],
  ])('%s', (input, digest) => {
    expect(hex(sha1(new TextEncoder().encode(input)))).toBe(digest)
  })
})
