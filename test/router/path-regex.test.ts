// compilePathRegex: Rust `regex` syntax matched in linear time (RE2JS), with `^` written before
// it as Kong does, named groups as captures; what Rust refuses is refused in its words.

import fc from 'fast-check'
import { RE2JS } from 're2js'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { compilePathRegex, foldCase } from '../../src/router/path-regex.ts'

function compiled(path: string) {
  const { regex, error } = compilePathRegex(path)
  if (!regex) throw new Error(`did not compile: ${error}`)
  return regex
}

describe('compilePathRegex matching', () => {
  it('matches from the start of the path, with the text matched and named captures', () => {
    const regex = compiled('~/users/(?<user>[^/]+)/(\\d+)(?P<opt>/x)?')
    expect(regex.match('/users/alice/7/rest')).toEqual({ matched: '/users/alice/7', captures: { user: 'alice' } })
    expect(regex.match('/users/bob/8/x')).toEqual({ matched: '/users/bob/8/x', captures: { user: 'bob', opt: '/x' } })
    expect(regex.match('/api/users/alice/7')).toBeUndefined()
  })

  it('anchors only what `^` binds to, as Kong writes it: `^/a|/b` finds /b anywhere (Kong/kong transform.lua path_val_transform)', () => {
    expect(compiled('~/a|/b').match('/x/b')).toEqual({ matched: '/b', captures: {} })
    expect(compiled('~/a|/b').match('/a/b')?.matched).toBe('/a')
    expect(compiled('~/(?:a|b)').match('/x/b')).toBeUndefined()
    expect(compiled('~/a|/b').startsWith).toBe('')
  })

  it('reads (?<name>…) as Kong does, turning every `?<` into `?P<`', () => {
    expect(compiled('~/(?<id>\\d+)').match('/42')?.captures).toEqual({ id: '42' })
    // A literal `?` before `<` becomes `?P<` too: `\?<` then matches `?P<`, not `?<`.
    expect(compiled('~/a\\?<b').match('/a?<b')).toBeUndefined()
    expect(compiled('~/a\\?<b').match('/a?P<b')?.matched).toBe('/a?P<b')
  })

  it('keeps characters beyond the BMP whole', () => {
    expect(compiled('~/.(?<rest>.)').match('/😀é/x')).toEqual({ matched: '/😀é', captures: { rest: 'é' } })
  })

  it('turns a path down by the literal every match starts with, and only then', () => {
    expect(compiled('~/api/v1/(?<id>\\d+)').match('/api/v2/7')).toBeUndefined()
    expect(compiled('~/api/v1/(?<id>\\d+)').match('/api/v1/7')?.captures).toEqual({ id: '7' })
    expect(compiled('~(?i)/api/').match('/API/x')?.matched).toBe('/API/')
    expect(compiled('~/api|/API').match('/API')?.matched).toBe('/API')
    expect(compiled('~/api/v1/(?<id>\\d+)').startsWith).toBe('/api/v1/')
  })

  it('gives no capture for a group that did not take part', () => {
    expect(compiled('~/a(?<b>b)?(?<c>c)?').match('/ac')?.captures).toEqual({ c: 'c' })
  })
})

describe('compilePathRegex: no backtracking', () => {
  afterEach(() => vi.restoreAllMocks())

  it('matches (a+)+$ in linear time: no backtracking RegExp runs, and a 100 000-character adversarial path is turned down', () => {
    // A backtracking engine takes 2^n steps for `a`×n followed by `b` (2.9 s for 28 characters
    // with JavaScript's RegExp). Route regexes must not reach it at all.
    const regex = compiled('~/re/(a+)+$')
    const exec = vi.spyOn(RegExp.prototype, 'exec')
    expect(regex.match(`/re/${'a'.repeat(16)}b`)).toBeUndefined()
    expect(exec).not.toHaveBeenCalled()
    expect(regex.match('/re/aaaa')?.matched).toBe('/re/aaaa')
    // Only a linear-time engine gets through this.
    expect(regex.match(`/re/${'a'.repeat(100_000)}b`)).toBeUndefined()
    expect(compiled('~/(x+x+)+y').match(`/${'x'.repeat(100_000)}`)).toBeUndefined()
    expect(compiled('~/((a|aa)+)+$').match(`/${'a'.repeat(100_000)}!`)).toBeUndefined()
  })
})

describe('compilePathRegex refusals', () => {
  it.each([
    ['a backreference', '~/(a)\\1', 'backreferences are not supported'],
    ['a named backreference', '~/(?<a>x)\\k<a>', 'backreferences are not supported'],
    ['a Python named backreference', '~/(?P<a>x)(?P=a)', 'backreferences are not supported'],
    ['a look-ahead', '~/a(?=b)', 'look-around, including look-ahead and look-behind, is not supported'],
    ['a negative look-ahead', '~/a(?!b)', 'look-around, including look-ahead and look-behind, is not supported'],
    ['a look-behind', '~/(?<=a)b', 'look-around, including look-ahead and look-behind, is not supported'],
    ['a negative look-behind', '~/(?<!a)b', 'look-around, including look-ahead and look-behind, is not supported'],
    // Rust syntax that RE2 would silently read another way.
    ['a class intersection', '~/[a-z&&[^aeiou]]', 'character class set operations (&&, --, ~~) are not supported'],
    ['a class difference', '~/[a-z--b]', 'character class set operations (&&, --, ~~) are not supported'],
    ['a nested class', '~/[a[bc]]', 'nested character classes are not supported'],
    ['a start-of-word boundary', '~/\\<a', 'the word boundaries \\<, \\> and \\b{…} are not supported'],
    ['a named word boundary', '~/a\\b{end}', 'the word boundaries \\<, \\> and \\b{…} are not supported'],
    ['PCRE quoting', '~/\\Qa.b\\E', 'unrecognized escape sequence'],
    ['a group name starting with a digit', '~/(?P<1x>a)', 'invalid capture group character'],
  ])('%s', (_, path, reason) => {
    expect(compilePathRegex(path)).toEqual({ error: `invalid regex: '${path.slice(1)}' (${reason})` })
  })

  it.each([
    ['~/(', 'missing closing ): `/(`'],
    ['~/a)|(b', 'unexpected ): `/a)|(b`'],
    ['~/a{1001}', 'invalid repeat count: `{1001}`'],
    ['~/(?<x>a)(?<x>b)', 'duplicate capture group name: `x`'],
  ])('%s: what RE2 refuses, in its words', (path, reason) => {
    expect(compilePathRegex(path)).toEqual({ error: `invalid regex: '${path.slice(1)}' (${reason})` })
  })

  it('accepts what Rust and RE2 both read the same way', () => {
    for (const path of ['~/users/(?P<id>\\d+)$', '~/(?<v>v\\d+)/x', '~/[[:alpha:]]+/[\\]a-]', '~(?i)/ABC', '~/\\p{Greek}+', '~/a\\b', '~/x\\.json\\z']) {
      expect(compilePathRegex(path).error, path).toBeUndefined()
    }
  })
})

describe('compilePathRegex: the literals and segments it reads from an expression', () => {
  // Expressions built with a text each matches: the literals checked before RE2 runs, and the
  // segments the router files a route under, must hold in every path the expression matches.
  type Piece = { source: string; sample: fc.Arbitrary<string> }
  const char = (c: string, caseless: boolean): Piece => ({
    source: c === '.' ? '\\.' : c,
    // Caseless, a letter also matches its other case, k the Kelvin sign and s the long s.
    sample: fc.constantFrom(...(caseless ? ({ a: ['a', 'A'], k: ['k', 'K', '\u212a'], s: ['s', 'S', '\u017f'] }[c] ?? [c]) : [c])),
  })
  const pieceOf = (caseless: boolean): fc.Arbitrary<Piece> =>
    fc.letrec<{ piece: Piece; sequence: Piece }>((tie) => ({
      piece: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom('/', 'a', 'k', 's', '-', '.', '1').map((c) => char(c, caseless)),
        fc.constantFrom<Piece>(
          { source: '[a-z]', sample: fc.constantFrom('a', 'q') },
          { source: '[^/]', sample: fc.constantFrom('a', '-') },
          { source: '\\d', sample: fc.constantFrom('0', '7') },
          { source: '\\w', sample: fc.constant('b') },
        ),
        fc
          .tuple(fc.constantFrom('(', '(?:'), tie('sequence'), tie('sequence'), fc.boolean())
          .map(([open, a, b, alternative]) =>
            alternative
              ? { source: `${open}${a.source}|${b.source})`, sample: fc.oneof(a.sample, b.sample) }
              : { source: `${open}${a.source})`, sample: a.sample },
          ),
        fc.tuple(tie('piece'), fc.constantFrom('?', '*', '+', '{2}', '{1,3}'), fc.boolean()).map(([p, quantifier, bare]) => {
          // A quantifier binds to the last character of a literal: wrapped unless it is one.
          const single = /^(?:\\?.|\[[^\]]*\])$/.test(p.source)
          const wrapped = bare && single ? p.source : `(?:${p.source})`
          const times = { '?': [0, 1], '*': [0, 2], '+': [1, 2], '{2}': [2, 2], '{1,3}': [1, 3] }[quantifier] as [number, number]
          return { source: `${wrapped}${quantifier}`, sample: fc.array(p.sample, { minLength: times[0], maxLength: times[1] }).map((s) => s.join('')) }
        }),
      ),
      sequence: fc.array(tie('piece'), { minLength: 1, maxLength: 6 }).map((pieces) => ({
        source: pieces.map((p) => p.source).join(''),
        sample: fc.tuple(...pieces.map((p) => p.sample)).map((s) => s.join('')),
      })),
    })).sequence

  const arbitraryCase = fc.boolean().chain((caseless) =>
    fc.record({
      caseless: fc.constant(caseless),
      body: pieceOf(caseless),
      // Unquantified characters too, so that literals of several characters are common.
      start: fc.constantFrom('/', '/a/', '/ks/', '/a-1/'),
      end: fc.constantFrom('', '$', '/', '/s$'),
      alternative: fc.option(pieceOf(caseless), { nil: undefined }),
      suffix: fc.constantFrom('', '/', '/x', '/a/s'),
    }),
  )

  it('never turns down a path the expression matches, and its segments are whole segments of that path', () => {
    fc.assert(
      fc.property(
        arbitraryCase.chain((c) => {
          const first = `${c.start}${c.body.source}${c.end}`
          const source = `${c.caseless ? '(?i)' : ''}${first}${c.alternative ? `|${c.alternative.source}` : ''}`
          const firstSample = fc.tuple(...[...c.start].map((x) => char(x, c.caseless).sample), c.body.sample).map((s) => s.join(''))
          const endSample = c.end.replace('$', '')
          // Kong's `^` binds to the first alternative only: the second may match anywhere.
          const sample = c.alternative
            ? fc.oneof(
                firstSample.map((s) => `${s}${endSample}`),
                c.alternative.sample.map((s) => `/x${s}`),
              )
            : firstSample.map((s) => `${s}${endSample}`)
          return fc.tuple(fc.constant(source), sample, fc.constant(c.end.endsWith('$') && !c.alternative ? '' : c.suffix))
        }),
        ([source, sample, suffix]) => {
          const path = `${sample}${suffix}`
          const reference = RE2JS.compile(`^${source.replaceAll('?<', '?P<')}`)
          fc.pre(reference.test(path))
          const regex = compiled(`~${source}`)
          expect(regex.match(path)).toBeDefined()
          const segments = path.split('/').slice(1)
          const folded = foldCase(path).split('/').slice(1)
          for (const segment of regex.segments) {
            expect(segment.startsWith('/') ? folded : segments).toContain(segment.replace(/^\//, ''))
          }
        },
      ),
      { numRuns: 1000 },
    )
  }, 60_000)

  it('reads the segments of common route expressions', () => {
    expect(compiled('~/(?<tenant>[a-z0-9-]+)/svc/orders/(?<id>\\d+)$').segments).toEqual(['svc', 'orders'])
    expect(compiled('~/users/\\d+/orders$').segments).toEqual(['users', 'orders'])
    expect(compiled('~(?i)/Reports/\\d{4}$').segments).toEqual(['/reports'])
    // Not known: an alternative of the whole, flags after the start, escapes with an argument.
    expect(compiled('~/a/b/|/c/d/').segments).toEqual([])
    expect(compiled('~/a/(?i)b/c/').segments).toEqual([])
    expect(compiled('~/a/\\x2Fb/').segments).toEqual([])
    // A repeated or optional character is no part of a segment.
    expect(compiled('~/ab?/c/').segments).toEqual(['c'])
  })
})
