// Kong's router spec (https://github.com/Kong/kong/blob/master/spec/01-unit/08-router_spec.lua),
// ported: the cases that apply to HTTP routes with the traditional_compatible flavour, with the
// spec's route ids (they break priority ties), under the spec's names. Left out: the stream
// subsystem, the expressions flavour, `traditional`-only cases and assertions (`matches.*`),
// the LRU cache, incremental rebuilds, the generated ATC expressions, and `select()` without
// normalisation (our router always matches the normalised path).

import { describe, expect, it } from 'vitest'
import { createRouter } from '../../src/router/router.ts'
import { request, route, selector, type TestRoute } from './routes.ts'

const ID = 'e8fb37f1-102d-461e-9c51-6608a6bb81'

describe('select()', () => {
  const useCase: TestRoute[] = [
    route('1 host', { id: `${ID}01`, hosts: ['domain-1.org', 'domain-2.org'] }),
    route('2 method', { id: `${ID}02`, methods: ['TRACE'] }),
    route('3 uri', { id: `${ID}03`, paths: ['/my-route'] }),
    route('4 host + uri', { id: `${ID}04`, paths: ['/route-4'], hosts: ['domain-1.org', 'domain-2.org'] }),
    route('5 host + method', { id: `${ID}05`, hosts: ['domain-1.org', 'domain-2.org'], methods: ['POST', 'PUT', 'PATCH'] }),
    route('6 uri + method', { id: `${ID}06`, methods: ['POST', 'PUT', 'PATCH'], paths: ['/route-6'] }),
    route('7 host + uri + method', {
      id: `${ID}07`,
      hosts: ['domain-with-uri-1.org', 'domain-with-uri-2.org'],
      methods: ['POST', 'PUT', 'PATCH'],
      paths: ['/my-route-uri'],
    }),
    route('8 serviceless', { id: `${ID}08`, paths: ['/serviceless'] }),
    route('9 headers (single)', { id: `${ID}09`, headers: { location: ['my-location-1', 'my-location-2'] } }),
    route('10 headers (multiple)', { id: `${ID}10`, headers: { location: ['my-location-1'], version: ['v1', 'v2'] } }),
    route('11 headers + uri', { id: `${ID}11`, headers: { location: ['my-location-1', 'my-location-2'] }, paths: ['/headers-uri'] }),
    route('12 host + headers + uri + method', {
      id: `${ID}12`,
      hosts: ['domain-with-headers-1.org', 'domain-with-headers-2.org'],
      headers: { location: ['my-location-1', 'my-location-2'] },
      methods: ['POST', 'PUT', 'PATCH'],
      paths: ['/headers-host-uri-method'],
    }),
    route('13 host + port', { id: `${ID}13`, hosts: ['domain-1.org:321', 'domain-2.org'] }),
    route('14 no any-port route', { id: `${ID}14`, hosts: ['domain-3.org:321'] }),
    route('15 headers (regex)', { id: `${ID}15`, headers: { user_agent: ['~*windows|linux|os\\s+x\\s*[\\d\\._]+|solaris|bsd'] } }),
  ]
  const select = selector(useCase)

  it('[host]', () => expect(select('GET', '/', 'domain-1.org')).toBe('1 host'))
  it('[host] ignores default port', () => expect(select('GET', '/', 'domain-1.org:80')).toBe('1 host'))
  // Both match; equal priorities go to the larger id.
  it('[host] matches specific port', () => expect(select('GET', '/', 'domain-1.org:321')).toBe('13 host + port'))
  it('[host] matches specific port on port-only route', () => expect(select('GET', '/', 'domain-3.org:321')).toBe('14 no any-port route'))
  it('[host] fails just because of port on port-only route', () => expect(select('GET', '/', 'domain-3.org:123')).toBeUndefined())
  it('[uri]', () => expect(select('GET', '/my-route', 'domain.org')).toBe('3 uri'))
  it('[uri + empty host]', () => expect(select('GET', '/my-route-uri', '')).toBe('3 uri'))
  it('[method]', () => expect(select('TRACE', '/', 'domain.org')).toBe('2 method'))
  it('[host + uri]', () => expect(select('GET', '/route-4', 'domain-1.org')).toBe('4 host + uri'))
  it('[host + method]', () => expect(select('POST', '/', 'domain-1.org')).toBe('5 host + method'))
  it('[uri + method]', () => expect(select('PUT', '/route-6', 'domain.org')).toBe('6 uri + method'))
  it('[host + uri + method]', () => expect(select('PUT', '/my-route-uri', 'domain-with-uri-2.org')).toBe('7 host + uri + method'))

  it('single [headers] value', () => {
    expect(select('GET', '/', '', { headers: { location: 'my-location-1' } })).toBe('9 headers (single)')
    expect(select('GET', '/', '', { headers: { location: 'my-location-2' } })).toBe('9 headers (single)')
    expect(select('GET', '/', '', { headers: { location: ['my-location-3', 'my-location-2'] } })).toBe('9 headers (single)')
    expect(select('GET', '/', '', { headers: { location: 'my-location-3' } })).toBeUndefined()
    expect(select('GET', '/', '', { headers: { location: ['my-location-3', 'foo'] } })).toBeUndefined()
    const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/83.0.4103.116 Safari/537.36'
    expect(select('GET', '/', '', { headers: { 'user-agent': chrome } })).toBe('15 headers (regex)')
  })

  it('multiple [headers] values', () => {
    expect(select('GET', '/', '', { headers: { location: 'my-location-1', version: 'v1' } })).toBe('10 headers (multiple)')
    expect(select('GET', '/', '', { headers: { location: 'my-location-1', version: 'v2' } })).toBe('10 headers (multiple)')
    expect(select('GET', '/', '', { headers: { location: ['my-location-3', 'my-location-1'], version: 'v2' } })).toBe('10 headers (multiple)')
    // Falls back to route 9.
    expect(select('GET', '/', '', { headers: { location: ['my-location-3', 'my-location-2'], version: 'v2' } })).toBe('9 headers (single)')
  })

  it('[headers + uri]', () => expect(select('GET', '/headers-uri', '', { headers: { location: 'my-location-2' } })).toBe('11 headers + uri'))

  it('[host + headers + uri + method]', () => {
    expect(select('PUT', '/headers-host-uri-method', 'domain-with-headers-1.org', { headers: { location: 'my-location-2' } })).toBe(
      '12 host + headers + uri + method',
    )
  })

  it('[serviceless]', () => expect(select('GET', '/serviceless')).toBe('8 serviceless'))

  describe('[uri prefix]', () => {
    it('matches when given [uri] is in request URI prefix', () => expect(select('GET', '/my-route/some/path', 'domain.org')).toBe('3 uri'))

    it('does not supersede another route with a longer [uri]', () => {
      const select = selector([route('1', { id: `${ID}01`, paths: ['/my-route/hello'] }), route('2', { id: `${ID}02`, paths: ['/my-route'] })])
      expect(select('GET', '/my-route/hello', 'domain.org')).toBe('1')
      expect(select('GET', '/my-route/hello/world', 'domain.org')).toBe('1')
      expect(select('GET', '/my-route', 'domain.org')).toBe('2')
      expect(select('GET', '/my-route/world', 'domain.org')).toBe('2')
    })

    it('does not supersede another route with a longer [uri] while [methods] are also defined', () => {
      const methods = ['POST', 'PUT', 'GET']
      const select = selector([
        route('1', { id: `${ID}01`, methods, paths: ['/my-route'] }),
        route('2', { id: `${ID}02`, methods, paths: ['/my-route/hello'] }),
      ])
      expect(select('GET', '/my-route/hello', 'domain.org')).toBe('2')
      expect(select('GET', '/my-route/hello/world', 'domain.org')).toBe('2')
      expect(select('GET', '/my-route', 'domain.org')).toBe('1')
      expect(select('GET', '/my-route/world', 'domain.org')).toBe('1')
    })

    it('does not superseds another route with a longer [uri] while [hosts] are also defined', () => {
      const hosts = ['domain.org']
      const select = selector([route('1', { id: `${ID}01`, hosts, paths: ['/my-route'] }), route('2', { id: `${ID}02`, hosts, paths: ['/my-route/hello'] })])
      expect(select('GET', '/my-route/hello', 'domain.org')).toBe('2')
      expect(select('GET', '/my-route/hello/world', 'domain.org')).toBe('2')
      expect(select('GET', '/my-route', 'domain.org')).toBe('1')
      expect(select('GET', '/my-route/world', 'domain.org')).toBe('1')
    })

    it('does not supersede another route with a longer [uri] when a better [uri] match exists for another [host]', () => {
      const select = selector([
        route('1', { id: `${ID}01`, hosts: ['example.com'], paths: ['/my-route'] }),
        route('2', { id: `${ID}02`, hosts: ['example.com'], paths: ['/my-route/hello'] }),
        route('3', { id: `${ID}03`, hosts: ['example.net'], paths: ['/my-route/hello/world'] }),
      ])
      expect(select('GET', '/my-route/hello/world', 'example.com')).toBe('2')
      expect(select('GET', '/my-route/hello/world/and/goodnight', 'example.com')).toBe('2')
    })

    it('only matches [uri prefix] as a prefix (anchored mode)', () => {
      const select = selector([
        route('1', { id: `${ID}01`, paths: ['/something/my-route'] }),
        route('2', { id: `${ID}02`, hosts: ['example.com'], paths: ['/my-route'] }),
      ])
      expect(select('GET', '/something/my-route', 'example.com')).toBe('1')
    })
  })

  describe('[uri regex]', () => {
    it('matches with [uri regex]', () => {
      const router = createRouter([route('1', { id: `${ID}01`, paths: ['~/users/\\d+/profile'] })])
      const match = router(request('GET', '/users/123/profile', 'domain.org'))
      expect(match?.route.label).toBe('1')
      expect(match?.captures).toEqual({})
    })

    it('matches the right route when several ones have a [uri regex]', () => {
      const select = selector([
        route('1', { id: `${ID}01`, paths: ['~/route/persons/\\d{3}'] }),
        route('2', { id: `${ID}02`, paths: ['~/route/persons/\\d{3}/following'] }),
        route('3', { id: `${ID}03`, paths: ['~/route/persons/\\d{3}/[a-z]+'] }),
      ])
      expect(select('GET', '/route/persons/456', 'domain.org')).toBe('1')
    })

    it('matches a [uri regex] even if a [prefix uri] got a match', () => {
      const select = selector([
        route('1', { id: `${ID}01`, paths: ['/route/persons'] }),
        route('2', { id: `${ID}02`, paths: ['~/route/persons/\\d+/profile'] }),
      ])
      expect(select('GET', '/route/persons/123/profile', 'domain.org')).toBe('2')
    })

    it('matches a [uri regex] even if a [uri] got an exact match', () => {
      const select = selector([route('1', { id: `${ID}01`, paths: ['/route/fixture'] }), route('2', { id: `${ID}02`, paths: ['~/route/(fixture)'] })])
      expect(select('GET', '/route/fixture', 'domain.org')).toBe('2')
    })

    it('matches a [uri regex + host] even if a [prefix uri] got a match', () => {
      const select = selector([
        route('1', { id: `${ID}01`, hosts: ['route.com'], paths: ['/pat'] }),
        route('2', { id: `${ID}02`, hosts: ['route.com'], paths: ['/path'], methods: ['POST'] }),
        route('3', { id: `${ID}03`, hosts: ['route.com'], paths: ['~/(path)'] }),
      ])
      expect(select('GET', '/path', 'route.com')).toBe('3')
    })

    it('matches from the beginning of the request URI [uri regex]', () => {
      const select = selector([route('1', { id: `${ID}01`, paths: ['~/prefix/[0-9]+'] })])
      expect(select('GET', '/prefix/123', 'domain.org')).toBe('1')
      expect(select('GET', '/extra/prefix/123', 'domain.org')).toBeUndefined()
    })
  })

  describe('[wildcard host]', () => {
    const wildcards = [route('1', { id: `${ID}01`, hosts: ['*.route.com'] }), route('2', { id: `${ID}02`, hosts: ['route.*'] })]
    const select = selector(wildcards)

    it('matches leftmost wildcards', () => expect(select('GET', '/', 'foo.route.com')).toBe('1'))
    it('matches rightmost wildcards', () => expect(select('GET', '/', 'route.org')).toBe('2'))

    it('matches any port in request', () => {
      expect(select('GET', '/', 'route.org:123')).toBe('2')
      expect(select('GET', '/', 'foo.route.com:123')).toBe('1')
    })

    it('matches port-specific routes', () => {
      const select = selector([...wildcards, route('3', { id: `${ID}03`, hosts: ['*.route.net:123'] }), route('4', { id: `${ID}04`, hosts: ['route.*:123'] })])
      expect(select('GET', '/', 'foo.route.net:123')).toBe('3')
      expect(select('GET', '/', 'foo.route.net:456')).toBeUndefined()
      // Port-specific is higher priority: here, by its larger id.
      expect(select('GET', '/', 'route.org:123')).toBe('4')
    })

    it('prefers port-specific even for http default port', () => {
      const select = selector([...wildcards, route('3', { id: `${ID}03`, hosts: ['route.*:80'] })])
      expect(select('GET', '/', 'route.org:123')).toBe('2')
      expect(select('GET', '/', 'route.org:80')).toBe('3')
    })

    it('prefers port-specific even for https default port', () => {
      const select = selector([...wildcards, route('3', { id: `${ID}03`, hosts: ['route.*:443'] })])
      expect(select('GET', '/', 'route.org:123')).toBe('2')
      expect(select('GET', '/', 'route.org:443')).toBe('3')
    })

    it('does not take precedence over a plain host', () => {
      const select = selector([
        route('plain.route.com', { id: `${ID}03`, hosts: ['plain.route.com'] }),
        ...wildcards,
        route('route.com', { id: `${ID}04`, hosts: ['route.com'] }),
      ])
      expect(select('GET', '/', 'route.com')).toBe('route.com')
      expect(select('GET', '/', 'route.org')).toBe('2')
      expect(select('GET', '/', 'plain.route.com')).toBe('plain.route.com')
      expect(select('GET', '/', 'foo.route.com')).toBe('1')
    })

    const wildcardAndPlain = [
      route('1', { id: `${ID}01`, hosts: ['*.route.com'], paths: ['/path1'] }),
      route('2', { id: `${ID}02`, hosts: ['plain.route.com'], paths: ['/path2'] }),
    ]
    it('matches [wildcard host + path] even if a similar [plain host] exists', () =>
      expect(selector(wildcardAndPlain)('GET', '/path1', 'plain.route.com')).toBe('1'))
    it('matches [plain host + path] even if a matching [wildcard host] exists', () =>
      expect(selector(wildcardAndPlain)('GET', '/path2', 'plain.route.com')).toBe('2'))

    it('submatch_weight [wildcard host port] > [wildcard host] ', () => {
      const select = selector([route('1', { id: `${ID}01`, hosts: ['route.*'] }), route('2', { id: `${ID}02`, hosts: ['route.*:80', 'route.com.*'] })])
      expect(select('GET', '/', 'route.org:80')).toBe('2')
    })

    it('matches a [wildcard host + port] even if a [wildcard host] matched', () => {
      const select = selector([
        route('1', { id: `${ID}01`, hosts: ['route.*'] }),
        route('2', { id: `${ID}02`, hosts: ['route.*:123'] }),
        route('3', { id: `${ID}03`, hosts: ['route.*:80'] }),
      ])
      expect(select('GET', '/', 'route.org:123')).toBe('2')
    })

    it('matches [wildcard/plain + uri + method]', () => {
      const select = selector([
        ...wildcards,
        route('3', { id: `${ID}01`, hosts: ['*.domain.com', 'example.com'], paths: ['/path'], methods: ['GET', 'TRACE'] }),
      ])
      expect(select('POST', '/path', 'foo.domain.com')).toBeUndefined()
      expect(select('GET', '/path', 'foo.domain.com')).toBe('3')
      expect(select('TRACE', '/path', 'example.com')).toBe('3')
    })
  })

  describe('[wildcard host] + [uri regex]', () => {
    it('matches', () => {
      const select = selector([
        route('1', { id: `${ID}01`, hosts: ['*.example.com'], paths: ['~/users/\\d+/profile'] }),
        route('2', { id: `${ID}02`, hosts: ['*.example.com'], paths: ['/users'] }),
      ])
      expect(select('GET', '/users/123/profile', 'test.example.com')).toBe('1')
      expect(select('GET', '/users', 'test.example.com')).toBe('2')
    })
  })

  describe('[headers]', () => {
    it('evaluates Routes with more [headers] first', () => {
      const select = selector([
        route('1', { id: `${ID}01`, headers: { version: ['v1', 'v2'], user_agent: ['foo', 'bar'] } }),
        route('2', { id: `${ID}02`, headers: { version: ['v1', 'v2'], user_agent: ['foo', 'bar'], location: ['east', 'west'] } }),
      ])
      expect(select('GET', '/', '', { headers: { version: 'v1', 'user-agent': 'foo', location: ['north', 'west'] } })).toBe('2')
    })

    it('names are case-insensitive', () => {
      const select = selector([
        route('1', { id: `${ID}01`, headers: { USER_AGENT: ['foo', 'bar'] } }),
        route('2', { id: `${ID}02`, headers: { user_agent: ['baz'] } }),
      ])
      expect(select('GET', '/', '', { headers: { 'User-Agent': 'foo' } })).toBe('1')
      expect(select('GET', '/', '', { headers: { 'USER-AGENT': 'baz' } })).toBe('2')
    })

    it('matches values in a case-insensitive way', () => {
      const select = selector([
        route('1', { id: `${ID}01`, headers: { user_agent: ['foo', 'bar'] } }),
        route('2', { id: `${ID}02`, headers: { user_agent: ['BAZ'] } }),
      ])
      expect(select('GET', '/', '', { headers: { 'user-agent': 'FOO' } })).toBe('1')
      expect(select('GET', '/', '', { headers: { 'user-agent': 'baz' } })).toBe('2')
    })
  })

  describe('[wildcard sni]', () => {
    const select = selector([route('1', { id: `${ID}01`, snis: ['*.sni.test'] }), route('2', { id: `${ID}02`, snis: ['sni.*'] })])
    it('matches leftmost wildcards', () => {
      for (const sni of ['foo.sni.test', 'foo.bar.sni.test']) expect(select('GET', '/', 'any.test', { scheme: 'https', sni })).toBe('1')
    })
    it('matches rightmost wildcards', () => {
      for (const sni of ['sni.foo', 'sni.foo.bar']) expect(select('GET', '/', 'any.test', { scheme: 'https', sni })).toBe('2')
    })
    it("doesn't match wildcard", () => {
      for (const sni of ['bar.sni.foo', 'foo.sni.test.bar']) expect(select('GET', '/', 'any.test', { scheme: 'https', sni })).toBeUndefined()
    })
  })

  describe('edge-cases', () => {
    it('[host] and [uri] have higher priority than [method]', () => {
      const select = selector(useCase.slice(0, 7))
      expect(select('TRACE', '/', 'domain-2.org')).toBe('1 host')
      expect(select('TRACE', '/my-route', 'domain.org')).toBe('3 uri')
    })

    it('half [uri] and [host] match does not supersede another route', () => {
      const select = selector([
        route('1', { id: `${ID}01`, hosts: ['host1.com'], paths: ['/v1/path'] }),
        route('2', { id: `${ID}02`, hosts: ['host2.com'], paths: ['/'] }),
      ])
      expect(select('GET', '/v1/path', 'host1.com')).toBe('1')
      expect(select('GET', '/v1/path', 'host2.com')).toBe('2')
    })

    it('half [wildcard host] and [method] match does not supersede another route', () => {
      const select = selector([
        route('1', { id: `${ID}01`, hosts: ['host.*'], methods: ['GET'] }),
        route('2', { id: `${ID}02`, hosts: ['host.*'], methods: ['POST'] }),
      ])
      expect(select('GET', '/', 'host.com')).toBe('1')
      expect(select('POST', '/', 'host.com')).toBe('2')
    })

    it('half [uri regex] and [method] match does not supersede another route', () => {
      const select = selector([
        route('1', { id: `${ID}01`, methods: ['GET'], paths: ['~/users/\\d+/profile'] }),
        route('2', { id: `${ID}02`, methods: ['POST'], paths: ['~/users/\\d*/profile'] }),
      ])
      expect(select('GET', '/users/123/profile', 'domain.org')).toBe('1')
      expect(select('POST', '/users/123/profile', 'domain.org')).toBe('2')
    })

    it('[method] does not supersede [uri prefix]', () => {
      const select = selector([route('1', { id: `${ID}01`, methods: ['GET'] }), route('2', { id: `${ID}02`, paths: ['/example'] })])
      expect(select('GET', '/example', 'domain.org')).toBe('2')
      expect(select('GET', '/example/status/200', 'domain.org')).toBe('2')
    })

    it('[method] does not supersede [wildcard host]', () => {
      const select = selector([route('1', { id: `${ID}01`, methods: ['GET'] }), route('2', { id: `${ID}02`, hosts: ['domain.*'] })])
      expect(select('GET', '/', 'nothing.com')).toBe('1')
      // Equal priorities: the larger id.
      expect(select('GET', '/', 'domain.com')).toBe('2')
    })

    describe('root / [uri]', () => {
      const select = selector([route('root', { id: `${ID}0f`, paths: ['/'] }), ...useCase])
      it('request with [method]', () => expect(select('GET', '/', 'domain.org')).toBe('root'))
      it('does not supersede another route', () => {
        expect(select('GET', '/my-route', 'domain.org')).toBe('3 uri')
        expect(select('GET', '/my-route/hello/world', 'domain.org')).toBe('3 uri')
      })
      it('acts as a catch-all route', () => expect(select('GET', '/foobar/baz', 'domain.org')).toBe('root'))
    })

    describe('multiple routes of same category with conflicting values', () => {
      it('matches correct route', () => {
        const sameCategory = [1, 2, 3, 4, 5].map((i) => route(`same ${i}`, { id: `${ID}1${i}`, hosts: ['domain.org'], paths: ['/my-uri'] }))
        const select = selector([...useCase, ...sameCategory, route('target', { id: `${ID}21`, hosts: ['domain.org'], paths: ['/my-target-uri'] })])
        expect(select('GET', '/my-target-uri', 'domain.org')).toBe('target')
      })
    })

    it('more [headers] has priority over longer [paths]', () => {
      const select = selector([
        route('1', { id: `${ID}01`, headers: { version: ['v1'] }, paths: ['/my-route/hello'] }),
        route('2', { id: `${ID}02`, headers: { version: ['v1'], location: ['us-east'] }, paths: ['/my-route'] }),
      ])
      const headers = { version: 'v1', location: 'us-east' }
      expect(select('GET', '/my-route/hello', 'domain.org', { headers })).toBe('2')
      expect(select('GET', '/my-route/hello/world', 'domain.org', { headers })).toBe('2')
    })
  })

  describe('misses', () => {
    it('invalid [host]', () => expect(select('GET', '/', 'domain-3.org')).toBeUndefined())
    it('invalid host in [host + uri]', () => expect(select('GET', '/route-4', 'domain-3.org')).toBeUndefined())
    it('invalid host in [host + method]', () => expect(select('GET', '/', 'domain-3.org')).toBeUndefined())
    it('invalid method in [host + uri + method]', () => expect(select('GET', '/some-uri', 'domain-with-uri-2.org')).toBeUndefined())
    it('invalid uri in [host + uri + method]', () => expect(select('PUT', '/some-uri-foo', 'domain-with-uri-2.org')).toBeUndefined())
    it('does not match when given [uri] is in URI but not in prefix', () => expect(select('GET', '/some-other-prefix/my-route', 'domain.org')).toBeUndefined())
    it('invalid [headers]', () => expect(select('GET', '/', '', { headers: { location: 'invalid-location' } })).toBeUndefined())
    it('invalid headers in [headers + uri]', () => expect(select('GET', '/headers-uri', '', { headers: { location: 'invalid-location' } })).toBeUndefined())
    it('invalid headers in [headers + uri + method]', () => {
      expect(select('PUT', '/headers-uri-method', '', { headers: { location: 'invalid-location' } })).toBeUndefined()
    })
    it('invalid headers in [headers + host + uri + method]', () => {
      expect(select('PUT', '/headers-host-uri-method', '', { headers: { location: 'invalid-location', host: 'domain-with-headers-1.org' } })).toBeUndefined()
    })
  })

  describe('#benchmarks (results only: the spec times them, we do not)', () => {
    it('multiple routes of same category with identical values', () => {
      const routes = Array.from({ length: 9_999 }, (_, i) =>
        route(`${i}`, { id: `e8fb37f1-102d-461e-9c51-6608a6${String(i).padStart(6, '0')}`, hosts: ['domain.org'], paths: ['/my-route-10000'] }),
      )
      routes.push(route('target', { id: 'e8fb37f1-102d-461e-9c51-6608a6ffffff', hosts: ['domain.org'], paths: ['/my-real-route'] }))
      expect(selector(routes)('GET', '/my-real-route', 'domain.org')).toBe('target')
    })

    it('[method + uri + host + headers]', () => {
      const shared = { hosts: ['domain-10000.org'], paths: ['/my-route-10000'], headers: { location: ['somewhere-10000'] } }
      const routes = Array.from({ length: 9_999 }, (_, i) => route(`${i}`, { id: `e8fb37f1-102d-461e-9c51-6608a6${String(i).padStart(6, '0')}`, ...shared }))
      routes.push(route('target', { id: 'e8fb37f1-102d-461e-9c51-6608a6ffffff', ...shared, methods: ['POST'] }))
      expect(selector(routes)('POST', '/my-route-10000', 'domain-10000.org', { headers: { location: 'somewhere-10000' } })).toBe('target')
    })
  })
})

describe('exec()', () => {
  const exec = (routes: TestRoute[], method: string, path: string, host = 'domain.org') => createRouter(routes)(request(method, path, host))

  it('returns parsed upstream_url + upstream_uri', () => {
    const routes = [route('1', { id: `${ID}01`, paths: ['/my-route'] }), route('2', { id: `${ID}02`, paths: ['/my-route-2'] })]
    expect(exec(routes, 'GET', '/my-route')).toMatchObject({ route: { label: '1' }, path: '/' })
    expect(exec(routes, 'GET', '/my-route-2')).toMatchObject({ route: { label: '2' }, path: '/' })
  })

  it('returns matched_host + matched_uri + matched_method + matched_headers', () => {
    const routes = [
      route('1', { id: `${ID}01`, hosts: ['host.com'], methods: ['GET'], paths: ['/my-route'] }),
      route('2', { id: `${ID}02`, hosts: ['host.com'], paths: ['/my-route'] }),
      route('3', { id: `${ID}03`, hosts: ['*.host.com'], headers: { location: ['my-location-1', 'my-location-2'] } }),
      route('4', { id: `${ID}04`, paths: ['~/users/\\d+/profile'] }),
    ]
    const router = createRouter(routes)
    expect(router(request('GET', '/my-route', 'host.com'))?.route.label).toBe('1')
    expect(router(request('GET', '/my-route/prefix/match', 'host.com'))?.route.label).toBe('1')
    expect(router(request('POST', '/my-route', 'host.com'))?.route.label).toBe('2')
    expect(router(request('GET', '/', 'test.host.com', { headers: { location: 'my-location-1' } }))?.route.label).toBe('3')
    expect(router(request('GET', '/users/123/profile', 'domain.org'))?.route.label).toBe('4')
  })

  it('uri_captures works well with the optional capture group. Fix #13014', () => {
    const match = exec([route('1', { id: `${ID}01`, paths: ['~/(users/)?1984/(?<subpath>profile)$'] })], 'GET', '/1984/profile')
    expect(match?.captures).toEqual({ subpath: 'profile' })
  })

  it('returns uri_captures from a [uri regex]', () => {
    const routes = [route('1', { id: `${ID}01`, paths: ['~/users/(?P<user_id>\\d+)/profile/?(?P<scope>[a-z]*)'] })]
    expect(exec(routes, 'GET', '/users/1984/profile')?.captures).toEqual({ user_id: '1984', scope: '' })
    expect(exec(routes, 'GET', '/users/1984/profile/email')?.captures).toEqual({ user_id: '1984', scope: 'email' })
  })

  it('returns uri_captures normalized, fix #7913', () => {
    const routes = [route('1', { id: `${ID}01`, paths: ['~/users/(?P<fullname>[a-zA-Z\\s\\d%]+)/profile/?(?P<scope>[a-z]*)'] })]
    expect(exec(routes, 'GET', '/users/%6aohn%20doe/profile')?.captures).toEqual({ fullname: 'john doe', scope: '' })
  })

  it('returns no uri_captures from a [uri prefix] match', () => {
    const match = exec([route('1', { id: `${ID}01`, paths: ['/hello'], stripPath: true })], 'GET', '/hello/world')
    expect(match?.path).toBe('/world')
    expect(match?.captures).toEqual({})
  })

  it('returns no uri_captures from a [uri regex] match without groups', () => {
    expect(exec([route('1', { id: `${ID}01`, paths: ['~/users/\\d+/profile'] })], 'GET', '/users/1984/profile')?.captures).toEqual({})
  })

  it('allows url encoded paths if they are reserved characters', () => {
    const match = exec([route('1', { id: `${ID}01`, paths: ['/endel%2Fst'] })], 'GET', '/endel%2Fst')
    expect(match?.route.label).toBe('1')
    expect(match?.path).toBe('/')
  })

  describe('stripped paths #strip', () => {
    const routes = [
      route('strip', { id: '00000000-0000-4000-8000-000000000001', paths: ['/my-route', '/xx-route'], stripPath: true }),
      route('keep', { id: '00000000-0000-4000-8000-000000000002', methods: ['POST'], paths: ['/my-route', '/xx-route'], stripPath: false }),
    ]
    const router = createRouter(routes)

    it('strips the specified paths from the given uri if matching', () => {
      expect(router(request('GET', '/my-route/hello/world', 'domain.org'))).toMatchObject({ route: { label: 'strip' }, path: '/hello/world' })
    })
    it('strips if matched URI is plain (not a prefix)', () => {
      expect(router(request('GET', '/my-route', 'domain.org'))).toMatchObject({ route: { label: 'strip' }, path: '/' })
    })
    it("doesn't strip if 'strip_uri' is not enabled", () => {
      expect(router(request('POST', '/my-route/hello/world', 'domain.org'))).toMatchObject({ route: { label: 'keep' }, path: '/my-route/hello/world' })
    })
    it('does not strips root / URI', () => {
      const match = createRouter([route('root', { id: `${ID}01`, paths: ['/'], stripPath: true })])(request('POST', '/my-route/hello/world', 'domain.org'))
      expect(match?.path).toBe('/my-route/hello/world')
    })
    it('can proxy an route with stripped URI with different URIs in a row', () => {
      for (const path of ['/my-route', '/xx-route', '/my-route', '/xx-route']) {
        expect(router(request('GET', path, 'domain.org'))).toMatchObject({ route: { label: 'strip' }, path: '/' })
      }
    })
    it('strips url encoded paths', () => {
      const match = createRouter([route('1', { id: `${ID}01`, paths: ['/endel%2Fst'], stripPath: true })])(request('GET', '/endel%2Fst', 'domain.org'))
      expect(match?.path).toBe('/')
    })
    it('strips a [uri regex]', () => {
      const match = createRouter([route('1', { id: `${ID}01`, paths: ['~/users/\\d+/profile'] })])(
        request('GET', '/users/123/profile/hello/world', 'domain.org'),
      )
      expect(match?.path).toBe('/hello/world')
    })
    it('strips a [uri regex] with a capture group', () => {
      const match = createRouter([route('1', { id: `${ID}01`, paths: ['~/users/(\\d+)/profile'] })])(
        request('GET', '/users/123/profile/hello/world', 'domain.org'),
      )
      expect(match?.path).toBe('/hello/world')
    })
  })

  it("works with special characters('\"','\\')", () => {
    const routes = [route('1', { id: `${ID}01`, paths: ['/\\d'] }), route('2', { id: `${ID}02`, paths: ['~/\\d+"'] })]
    expect(exec(routes, 'GET', '/\\d')).toMatchObject({ route: { label: '1' }, path: '/' })
    expect(exec(routes, 'GET', '/123"')).toMatchObject({ route: { label: '2' }, path: '/' })
  })

  it('gracefully handles invalid utf-8 sequences', () => {
    expect(exec([route('1', { id: `${ID}01`, paths: ['/hello'] })], 'GET', '/%FC%80%80%80%80%AF')).toBeUndefined()
  })
})

describe('[both regex and prefix with regex_priority]', () => {
  it('[prefix matching ignore regex_priority]', () => {
    const select = selector([
      route('1', { id: `${ID}01`, paths: ['/.*'], hosts: ['domain-1.org'] }),
      route('2', { id: `${ID}02`, paths: ['/'], hosts: ['domain-2.org'], regexPriority: 5 }),
      route('3', { id: `${ID}03`, paths: ['/v1'], hosts: ['domain-2.org'] }),
    ])
    expect(select('GET', '/v1', 'domain-2.org')).toBe('3')
  })
})

describe('[both regex and prefix]', () => {
  it('[assigns different priorities to regex and non-regex path]', () => {
    const select = selector([
      route('1', { id: `${ID}01`, paths: ['~/some/thing/else', '/foo'], hosts: ['domain-1.org'] }),
      route('2', { id: `${ID}02`, paths: ['/foo/bar'], hosts: ['domain-1.org'] }),
    ])
    expect(select('GET', '/some/thing/else', 'domain-1.org')).toBe('1')
    expect(select('GET', '/foo/bar', 'domain-1.org')).toBe('2')
  })
})

describe('[overlapping prefixes]', () => {
  it('[assigns different priorities to each path]', () => {
    const select = selector([
      route('1', { id: `${ID}01`, paths: ['/foo', '/foo/bar/baz'], hosts: ['domain-1.org'] }),
      route('2', { id: `${ID}02`, paths: ['/foo/bar'], hosts: ['domain-1.org'] }),
    ])
    expect(select('GET', '/foo', 'domain-1.org')).toBe('1')
    expect(select('GET', '/foo/bar', 'domain-1.org')).toBe('2')
    expect(select('GET', '/foo/bar/baz', 'domain-1.org')).toBe('1')
  })

  it('[can create route with multiple paths and no service]', () => {
    expect(selector([route('1', { id: `${ID}01`, paths: ['/foo', '/foo/bar/baz'] })])('GET', '/foo/bar/baz')).toBe('1')
  })
})

describe('[cache hit should be case sensitive] (here: no cache; matching is case-insensitive each time)', () => {
  it('matches header values whatever their case', () => {
    const select = selector([route('1', { id: `${ID}01`, paths: ['/foo'], headers: { test1: ['Quote'] } })])
    expect(select('GET', '/foo', '', { headers: { test1: 'QUOTE' } })).toBe('1')
    expect(select('GET', '/foo', '', { headers: { test1: 'QuoTe' } })).toBe('1')
  })
})
