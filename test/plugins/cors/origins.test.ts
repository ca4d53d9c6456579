// How cors reads an Origin (LuaSocket's url.parse, as Kong's normalize_origin) and decides the
// Access-Control-Allow-Origin of an answer, Vary and credentials included.

import { describe, expect, it } from 'vitest'
import { normalizeOrigin, originPolicy } from '../../../src/plugins/cors/origins.ts'

describe('normalizeOrigin', () => {
  it.each([
    ['http://foo.test', 'http://foo.test', 'foo.test'],
    ['http://foo.test:80', 'http://foo.test', 'foo.test'],
    ['https://foo.test:443', 'https://foo.test', 'foo.test'],
    ['https://foo.test:80', 'https://foo.test:80', 'foo.test'],
    // The scheme is compared as written, as Kong does.
    ['HTTP://foo.test:80', 'HTTP://foo.test:80', 'foo.test'],
    ['http://user:pw@foo.test:8080', 'http://foo.test:8080', 'foo.test'],
    ['http://[::1]:8080', 'http://::1:8080', '::1'],
    // Without an authority, the origin is both.
    ['foo.test', 'foo.test', 'foo.test'],
    ['foo.test:8080', 'foo.test:8080', 'foo.test:8080'],
    ['http://', 'http://', 'http://'],
    ['null', 'null', 'null'],
  ])('%s is %s, host %s', (origin, domain, host) => {
    expect(normalizeOrigin(origin)).toEqual({ domain, host })
  })
})

/** The headers an answer on its way out gets (Vary added), starting from `upstream`'s. */
function answer(origins: string[] | undefined, origin: string | null, credentials = false, upstream: Record<string, string> = {}) {
  const headers = new Headers(upstream)
  originPolicy(origins)({ headers, addVary: true }, origin, credentials)
  return Object.fromEntries(headers)
}

describe('originPolicy', () => {
  it('allows any origin with * or no origins, without Vary', () => {
    expect(answer(undefined, 'http://a.test')).toEqual({ 'access-control-allow-origin': '*' })
    expect(answer(['*'], null)).toEqual({ 'access-control-allow-origin': '*' })
  })

  it('answers the one origin configured to every request, with Vary', () => {
    expect(answer(['https://a.test'], 'http://evil.test')).toEqual({ 'access-control-allow-origin': 'https://a.test', vary: 'Origin' })
    expect(answer(['https://a.test'], null)).toEqual({ 'access-control-allow-origin': 'https://a.test', vary: 'Origin' })
  })

  it("removes the upstream's Access-Control-Allow-Origin for an origin not allowed, and adds to its Vary", () => {
    expect(answer(['https://a.test', 'https://b.test'], 'https://c.test', false, { 'access-control-allow-origin': '*', vary: 'Accept' })).toEqual({
      vary: 'Accept, Origin',
    })
  })

  it('with credentials and *, allows the request origin (Vary twice when * is one of several, as Kong adds it twice)', () => {
    expect(answer(['*'], 'http://a.test', true)).toEqual({
      'access-control-allow-origin': 'http://a.test',
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    })
    expect(answer(['foo.bar', '*'], 'http://a.test', true)).toEqual({
      'access-control-allow-origin': 'http://a.test',
      'access-control-allow-credentials': 'true',
      vary: 'Origin, Origin',
    })
    expect(answer(['*'], null, true)).toEqual({ 'access-control-allow-origin': '*' })
  })

  it('anchors a regex at both ends, and matches it against the host unless it has a `:`', () => {
    const policy = ['a.test', '(.*\\.)?foo\\.test']
    expect(answer(policy, 'https://x.foo.test:8443')['access-control-allow-origin']).toBe('https://x.foo.test:8443')
    expect(answer(policy, 'https://foo.test.evil')['access-control-allow-origin']).toBeUndefined()
    expect(answer(['a.test', 'https://foo\\.test'], 'https://foo.test:8443')['access-control-allow-origin']).toBeUndefined()
    // Kong anchors `a|b` as `^(?:a|b$)`, which allows `a.evil`: here every alternative matches whole.
    expect(answer(['a.test', 'x\\.test|y\\.test'], 'http://x.test.evil')['access-control-allow-origin']).toBeUndefined()
    expect(answer(['a.test', 'x\\.test|y\\.test'], 'http://x.test')['access-control-allow-origin']).toBe('http://x.test')
    expect(answer(['a.test', '^https://x\\.test$'], 'https://x.test')['access-control-allow-origin']).toBe('https://x.test')
  })
})
