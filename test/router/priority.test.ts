// kongPriority against the values Kong's own get_priority (kong/router/transform.lua) returns
// under LuaJIT 2.1 on x86-64, converted to the router's uint64 as its FFI call converts them
// (the interpreter's conversion; LuaJIT's JIT widens negative numbers differently, see
// docs/kong-router.md). A fixed set of routes; the module was also checked against 3000 random
// ones.

import { describe, expect, it } from 'vitest'
import { kongPriority, type PriorityFields, pathParts } from '../../src/router/priority.ts'

const fields = (more: Partial<PriorityFields>): PriorityFields => ({ methods: [], headerNames: 0, snis: [], paths: [], regexPriority: 0, ...more })

describe('kongPriority', () => {
  it.each([
    ['a prefix path', { paths: ['/foo'] }, 536870916n],
    ['a plain host and a prefix', { hosts: ['a.com'], paths: ['/foo'] }, 1152921505680588804n],
    ['a prefix whose length is counted in bytes', { paths: ['/café'] }, 536870918n],
    ['a method and a prefix', { methods: ['GET'], paths: ['/users'] }, 1073741830n],
    ['a regex path', { paths: ['~/users/\\d+'] }, 2251800350556160n],
    ['a regex path with regex_priority 1024, which lands on the field count', { paths: ['~/a'], regexPriority: 1024 }, 2251800350556160n],
    ['a negative regex_priority: 2^63 and the rest', { paths: ['~/foo'], regexPriority: -1 }, 9225623837205331968n],
    ['hosts: [] given empty: "plain hosts only"', { hosts: [] }, 1152921504606846976n],
    ['four fields with a plain host: 2^63 and the rest', { hosts: ['a.com'], methods: ['GET'], headerNames: 1, paths: ['/foo'] }, 10376293541462671364n],
    ['four fields, a wildcard host, a prefix: 2^63 alone', { hosts: ['*.com'], methods: ['GET'], headerNames: 1, paths: ['/foo'] }, 9223372036854775808n],
  ] as const)('%s', (_, more, expected) => {
    expect(kongPriority(fields(more))).toBe(expected)
  })

  it('OR-s the header count into regex_priority (Kong/kong#14457): one header and regex_priority 1 outrank one header and 2', () => {
    const headersAndRegex = (regexPriority: number) => kongPriority(fields({ headerNames: 1, paths: ['~/webhook'], regexPriority }))
    expect(headersAndRegex(1)).toBe(2251800888999936n)
    expect(headersAndRegex(2)).toBe(2251800888475648n)
    expect(headersAndRegex(1) > headersAndRegex(2)).toBe(true)
    // Without headers, the higher regex_priority first.
    expect(kongPriority(fields({ paths: ['~/webhook'], regexPriority: 2 }))).toBe(2251800351604736n)
    expect(kongPriority(fields({ paths: ['~/webhook'], regexPriority: 1 }))).toBe(2251800351080448n)
  })

  it('ranks a plain host, then a regex path, before the number of fields', () => {
    const plainHost = kongPriority(fields({ hosts: ['a.com'], paths: ['/'] }))
    const regex = kongPriority(fields({ paths: ['~/x'] }))
    const threeFields = kongPriority(fields({ methods: ['GET'], headerNames: 1, paths: ['/x'] }))
    expect(plainHost > regex && regex > threeFields).toBe(true)
  })
})

describe('pathParts', () => {
  it('puts the regexes together and the prefixes by length in bytes, in the order they first appear', () => {
    expect(pathParts(['~/regex.*$', '/long-path', '/one', '/two', '/three', '~/.*'])).toEqual([
      ['~/regex.*$', '~/.*'],
      ['/long-path'],
      ['/one', '/two'],
      ['/three'],
    ])
    expect(pathParts(['/é', '/ab'])).toEqual([['/é', '/ab']])
  })
})
