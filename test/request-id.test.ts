import { describe, expect, it } from 'vitest'
import { acceptedRequestId, newRequestId } from '../src/request-id.ts'

describe('request ids', () => {
  it('are 32 hex digits, none repeated, also past a refill of the random bytes they are drawn from', () => {
    const ids = Array.from({ length: 1000 }, newRequestId)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/)
    expect(new Set(ids).size).toBe(ids.length)
    // Every hex digit shows up at every position across 1000 random ids: none is fixed.
    for (let at = 0; at < 32; at++) expect(new Set(ids.map((id) => id[at])).size).toBe(16)
  })

  it("carry a client's X-Request-Id of 1-128 letters, digits and ._:- as it is, and nothing else", () => {
    expect(acceptedRequestId('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe('0f8fad5b-d9cb-469f-a165-70867728950e')
    expect(acceptedRequestId('a'.repeat(128))).toBe('a'.repeat(128))
    for (const refused of [undefined, '', 'a'.repeat(129), 'id with space', 'id\u00e9']) expect(acceptedRequestId(refused)).toBeUndefined()
  })
})
