// The ids Kong breaks priority ties with: version 5 UUIDs as lua-resty-jit-uuid makes them
// (its test vectors), Kong's id for a named route, and SHA-1 itself (FIPS 180-4's examples).

import { describe, expect, it } from 'vitest'
import { sha1 } from '../../src/encoding/sha1.ts'
import { partId, routeId, uuidV5 } from '../../src/router/route-id.ts'

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

describe('uuidV5', () => {
  it("gives lua-resty-jit-uuid's values", () => {
    expect(uuidV5('e6ebd542-06ae-11e6-8e82-bba81706b27d', 'hello')).toBe('4850816f-1658-5890-8bfd-1ed14251f1f0')
    expect(uuidV5('e6ebd542-06ae-11e6-8e82-bba81706b27d', 'foobar')).toBe('c9be99fc-326b-5066-bdba-dcd31a6d01ab')
    expect(uuidV5('1b985f4a-06be-11e6-aff4-ff8d14e25128', 'hello')).toBe('e90a1bfc-d349-5ec0-89fe-b29f2419624b')
  })
})

describe('routeId', () => {
  it('is the id as given, in lower case', () => {
    expect(routeId({ id: 'E8FB37F1-102D-461E-9C51-6608A6BB8101', name: 'ignored' })).toBe('e8fb37f1-102d-461e-9c51-6608a6bb8101')
  })

  it("is Kong's id for a named route: version 5 of the name in its routes namespace", () => {
    // uuid5(uuid5(fd02801f-0957-4a15-a55a-c8d9606f30b5, 'routes'), 'my-route'), computed apart.
    expect(routeId({ name: 'my-route' })).toBe('481a9539-f49c-51b6-b2e2-fe99ee68866c')
  })

  it('is unknown for a route with neither (Kong draws a random one)', () => {
    expect(routeId({})).toBeUndefined()
  })

  it("names a split route's parts from its id", () => {
    // uuid5(7f145bf9-0dce-4f91-98eb-debbce4b9f6b, '<id>#1'), computed apart.
    expect(partId('481a9539-f49c-51b6-b2e2-fe99ee68866c', 1)).toBe('adf66f6b-71f7-501e-be60-2b22decd4a47')
  })
})
