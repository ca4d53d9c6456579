// The cors config: Kong's schema spec (spec/03-plugins/13-cors/02-schema_spec.lua) with Kong's
// messages, its defaults, and the origin regexes RE2 cannot match as PCRE would, refused by name.

import { describe, expect, it } from 'vitest'
import { pluginConfigProblems, validPluginConfig } from '../../support/plugin-config.ts'

const problems = (config: Record<string, unknown>) => pluginConfigProblems('cors', config)
const valid = (config: Record<string, unknown>) => validPluginConfig('cors', config)

describe("Kong's cors schema spec", () => {
  it.each([['*'], ['example.com'], ['.*\\.example(?:-foo)?\\.com']])('accepts the origin %s', (origin) => {
    expect(valid({ origins: [origin] }).origins).toEqual([origin])
  })

  it('refuses an invalid regex in origins, naming it', () => {
    expect(problems({ origins: ['.*.example.com', 'invalid_**regex'] })).toEqual({ 'origins[1]': "'invalid_**regex' is not a valid regex" })
  })

  it.each(['HEAD', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'])('accepts the method %s', (method) => {
    expect(valid({ methods: [method] }).methods).toEqual([method])
  })

  it('refuses an invalid method', () => {
    expect(problems({ methods: ['FAKE'] })).toEqual({ 'methods[0]': 'expected one of: GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS, TRACE, CONNECT' })
  })
})

describe('cors config', () => {
  it("has Kong's defaults", () => {
    expect(valid({})).toEqual({
      methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'],
      credentials: false,
      private_network: false,
      preflight_continue: false,
      allow_origin_absent: true,
    })
  })

  it('gives each instance its own copy of the default methods', () => {
    const first = valid({}).methods as string[]
    first.pop()
    expect(valid({}).methods).toHaveLength(9)
  })

  it.each([
    ['(?!evil)[a-z]+\\.test', 'look-around'],
    ['(?<=x)y', 'look-around'],
    ['(a)\\1', 'backreferences'],
    ['(?<n>a)\\k<n>', 'backreferences'],
    ['(?>a+)b', 'atomic groups'],
    ['a++b', 'possessive quantifiers'],
    ['a{2}+b', 'possessive quantifiers'],
    ['(a|(?R))', 'recursion'],
    ['(?(1)a|b)', 'conditionals'],
    ['a\\vb', '\\v'],
  ])('refuses %s, which PCRE matches and RE2 cannot (%s)', (origin, what) => {
    expect(problems({ origins: [origin] })).toEqual({ 'origins[0]': `'${origin}' is not supported: ${what} (origins are matched by RE2, in linear time)` })
  })

  it.each([['[(?!x)]\\.test'], ['\\(?=x\\)'], ['\\Q(?=x)\\E'], ['a\\++'], ['[[:alpha:]]+\\.test'], ['[]a]+']])(
    'accepts %s: the PCRE-only look of it is quoted, escaped or in a class',
    (origin) => {
      expect(valid({ origins: [origin] }).origins).toEqual([origin])
    },
  )

  it("refuses RE2 syntax errors in Kong's words", () => {
    expect(problems({ origins: ['(unclosed', 'a{1001}'] })).toEqual({
      'origins[0]': "'(unclosed' is not a valid regex",
      'origins[1]': "'a{1001}' is not a valid regex",
    })
  })
})
