// The Node entry's Buffer base64 must give exactly the portable encoder's text: events built on
// Node and on Workers/Deno carry the same body.

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { base64ToBytes, bytesToBase64 } from '../../../src/encoding/base64.ts'
import { bufferBase64 } from '../../../src/runtime/node/base64.ts'

describe('bufferBase64', () => {
  it('equals bytesToBase64 on arbitrary bytes, views into a larger buffer included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20_000 }), fc.nat(16), fc.nat(16), (bytes, before, after) => {
        const backing = new Uint8Array(before + bytes.length + after).fill(0xff)
        backing.set(bytes, before)
        const view = backing.subarray(before, before + bytes.length)
        const text = bufferBase64(view)
        expect(text).toBe(bytesToBase64(view))
        expect(base64ToBytes(text)).toEqual(new Uint8Array(bytes))
      }),
      { numRuns: 200 },
    )
  })
})
