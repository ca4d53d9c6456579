// createRouter: Kong 3's traditional_compatible order (priority.ts, ties by route id), its
// conditions (methods, hosts, headers, snis), strip_path and the normalised path; and the
// index, checked against trying every route in priority order.

import fc from 'fast-check'
import { RE2JS } from 're2js'
import { describe, expect, it } from 'vitest'
import { normalizePath } from '../../src/router/normalize-path.ts'
import { kongPriority, pathParts } from '../../src/router/priority.ts'
import { partId, routeId } from '../../src/router/route-id.ts'
import { createRouter, type RoutedRequest, routingHost } from '../../src/router/router.ts'
import { request, route, selector, type TestRoute } from './routes.ts'

describe('createRouter order', () => {
  it('tries more matching fields first, among routes alike', () => {
    const select = selector([route('path', { paths: ['/same'] }), route('path+method', { paths: ['/same'], methods: ['GET'] })])
    expect(select('GET', '/same')).toBe('path+method')
    expect(select('POST', '/same')).toBe('path')
  })

  it('tries a route with plain hosts only before more fields, and a regex path before more fields (what Kong computes)', () => {
    const hosted = route('host+path', { hosts: ['example.com'], paths: ['/'] })
    const manyFields = route('method+header+path', { methods: ['GET'], headers: { x: ['1'] }, paths: ['/api'] })
    expect(selector([manyFields, hosted])('GET', '/api', 'example.com:80', { headers: { x: '1' } })).toBe('host+path')
    const regex = route('regex', { paths: ['~/users/\\d+'] })
    const methodAndPrefix = route('method+prefix', { methods: ['GET'], paths: ['/users'] })
    expect(selector([methodAndPrefix, regex])('GET', '/users/7')).toBe('regex')
  })

  it('tries a regex path before any prefix, the higher regex_priority first', () => {
    const select = selector([
      route('prefix', { paths: ['/users/123/profile'] }),
      route('low', { paths: ['~/users/\\d+'], regexPriority: 1 }),
      route('high', { paths: ['~/users/1'], regexPriority: 5 }),
    ])
    expect(select('GET', '/users/123/profile')).toBe('high')
    expect(select('GET', '/users/923/profile')).toBe('low')
  })

  it('lets the header count override regex_priority, as Kong does (Kong/kong#14457)', () => {
    const header = { 'environment-region': ['production-us'] }
    const generic = route('generic', { paths: ['~/webhook/([a-zA-Z0-9-]+)'], regexPriority: 1 })
    const specific = route('specific', { paths: ['~/(?i)webhook/foo/bar/?$'], regexPriority: 2 })
    expect(selector([generic, specific])('POST', '/webhook/foo/bar')).toBe('specific')
    const withHeaders = [generic, specific].map((r) => ({ ...r, headers: header }))
    expect(selector(withHeaders)('POST', '/webhook/foo/bar', '', { headers: { 'environment-region': 'production-us' } })).toBe('generic')
  })

  it('puts a route with four fields (or a negative regex_priority) before all others', () => {
    const select = selector([
      route('host+path', { hosts: ['a.test'], paths: ['/a/b/c'] }),
      route('four fields', { methods: ['GET'], hosts: ['*.test'], headers: { x: ['1'] }, paths: ['/'] }),
    ])
    expect(select('GET', '/a/b/c', 'a.test:80', { headers: { x: '1' } })).toBe('four fields')
    const negative = selector([route('plain host', { hosts: ['a.test'], paths: ['/'] }), route('negative', { paths: ['~/'], regexPriority: -1 })])
    expect(negative('GET', '/', 'a.test:80')).toBe('negative')
  })

  it('tries the longer prefix first, whatever the file order; prefixes are plain strings', () => {
    const select = selector([route('short', { paths: ['/api'] }), route('long', { paths: ['/api/v1'] }), route('root', { paths: ['/'] })])
    expect(select('GET', '/api/v1/users')).toBe('long')
    expect(select('GET', '/api/v2')).toBe('short')
    expect(select('GET', '/apix')).toBe('short')
    expect(select('GET', '/other')).toBe('root')
    expect(select('GET', '/x/api')).toBe('root')
  })

  it('gives each path length of a route its own priority (Kong splits the route)', () => {
    const select = selector([route('both', { paths: ['/a', '/a/b/c'] }), route('middle', { paths: ['/a/b'] })])
    expect(select('GET', '/a/b/c/d')).toBe('both')
    expect(select('GET', '/a/b/x')).toBe('middle')
    expect(select('GET', '/a/x')).toBe('both')
  })

  it('breaks ties by the larger route id: the id as given, else the one Kong derives from the name', () => {
    const a = route('a', { id: '00000000-0000-4000-8000-00000000000a', paths: ['~/x'] })
    const b = route('b', { id: '00000000-0000-4000-8000-00000000000b', paths: ['~/x'] })
    expect(selector([a, b])('GET', '/x')).toBe('b')
    expect(selector([b, a])('GET', '/x')).toBe('b')
    // Kong's ids for these names: alpha dcf4252b-…, beta ce1342b2-…: alpha's is larger.
    const alpha = route('alpha', { name: 'alpha', paths: ['~/x'] })
    const beta = route('beta', { name: 'beta', paths: ['~/x'] })
    expect(selector([alpha, beta])('GET', '/x')).toBe('alpha')
    expect(selector([beta, alpha])('GET', '/x')).toBe('alpha')
  })

  it('puts routes with neither id nor name after the others of equal priority, in file order', () => {
    const keyed = route('keyed', { name: 'keyed', paths: ['~/x'] })
    expect(selector([route('first', { paths: ['~/x'] }), keyed])('GET', '/x')).toBe('keyed')
    expect(selector([route('first', { paths: ['~/x'] }), route('second', { paths: ['~/x'] })])('GET', '/x')).toBe('first')
    expect(selector([route('second', { paths: ['~/x'] }), route('first', { paths: ['~/x'] })])('GET', '/x')).toBe('second')
  })
})

describe('createRouter conditions', () => {
  it('filters on methods', () => {
    const select = selector([route('get', { paths: ['/r'], methods: ['GET', 'HEAD'] }), route('post', { paths: ['/r'], methods: ['POST'] })])
    expect(select('GET', '/r')).toBe('get')
    expect(select('HEAD', '/r')).toBe('get')
    expect(select('POST', '/r')).toBe('post')
    expect(select('DELETE', '/r')).toBeUndefined()
  })

  it('matches exact hosts case-insensitively, on any port', () => {
    const select = selector([route('exact', { hosts: ['api.example.com'] })])
    expect(select('GET', '/', 'api.example.com:80')).toBe('exact')
    expect(select('GET', '/', 'API.Example.COM:80')).toBe('exact')
    expect(select('GET', '/', 'api.example.com:8443')).toBe('exact')
    expect(select('GET', '/', 'other.example.com:80')).toBeUndefined()
    expect(select('GET', '/', 'api.example.com.evil:80')).toBeUndefined()
    expect(select('GET', '/', 'apixexample.com:80')).toBeUndefined()
  })

  it('matches leading wildcards as a suffix and trailing ones as a prefix', () => {
    const leading = selector([route('leading', { hosts: ['*.example.com'] })])
    expect(leading('GET', '/', 'api.example.com:80')).toBe('leading')
    expect(leading('GET', '/', 'a.b.example.com:80')).toBe('leading')
    expect(leading('GET', '/', 'example.com:80')).toBeUndefined()
    expect(leading('GET', '/', 'api.example.org:80')).toBeUndefined()
    const trailing = selector([route('trailing', { hosts: ['example.*'] })])
    expect(trailing('GET', '/', 'example.org:80')).toBe('trailing')
    expect(trailing('GET', '/', 'example.co.uk:9000')).toBe('trailing')
    expect(trailing('GET', '/', 'example:80')).toBeUndefined()
    expect(trailing('GET', '/', 'www.example.org:80')).toBeUndefined()
  })

  it('matches a route host with a port only on that port', () => {
    const select = selector([route('port', { hosts: ['example.com:8080'] })])
    expect(select('GET', '/', 'example.com:8080')).toBe('port')
    expect(select('GET', '/', 'EXAMPLE.com:8080')).toBe('port')
    expect(select('GET', '/', 'example.com:9090')).toBeUndefined()
    expect(select('GET', '/', 'example.com')).toBeUndefined()
  })

  it('matches headers: any line of each named header, values lower-cased; `_` and `-` alike in names', () => {
    const select = selector([route('h', { headers: { X_Version: ['V1', 'v2'], accept: ['application/json'] } })])
    expect(select('GET', '/', '', { headers: { 'x-version': 'v1', accept: 'Application/JSON' } })).toBe('h')
    expect(select('GET', '/', '', { headers: { 'x-version': ['v3', 'V2'], accept: 'application/json' } })).toBe('h')
    expect(select('GET', '/', '', { headers: { 'x-version': 'v1, v2', accept: 'application/json' } })).toBeUndefined()
    expect(select('GET', '/', '', { headers: { 'x-version': 'v1' } })).toBeUndefined()
  })

  it('searches `~*` header regexes unanchored in the lower-cased value, with the regex lower-cased as Kong does', () => {
    const select = selector([route('re', { headers: { 'user-agent': ['~*Firefox/\\d+'] } })])
    expect(select('GET', '/', '', { headers: { 'user-agent': 'Mozilla/5.0 Firefox/120.0' } })).toBe('re')
    expect(select('GET', '/', '', { headers: { 'user-agent': 'Mozilla/5.0 Chrome/120.0' } })).toBeUndefined()
    // Kong lower-cases the regex too: `\D` becomes `\d`.
    const quirk = selector([route('quirk', { headers: { x: ['~*^\\D+$'] } })])
    expect(quirk('GET', '/', '', { headers: { x: '123' } })).toBe('quirk')
    expect(quirk('GET', '/', '', { headers: { x: 'abc' } })).toBeUndefined()
  })

  it('compares header values as Kong does: the request value lower-cased fully, the route value in ASCII only', () => {
    const select = selector([route('upper', { headers: { x: ['ÉTÉ'] } }), route('lower', { headers: { y: ['été'] } })])
    expect(select('GET', '/', '', { headers: { x: 'ÉTÉ' } })).toBeUndefined()
    expect(select('GET', '/', '', { headers: { y: 'ÉTÉ' } })).toBe('lower')
  })

  it('checks snis on https requests only', () => {
    const select = selector([route('sni', { snis: ['api.example.com', '*.internal.test'], paths: ['/'] })])
    expect(select('GET', '/')).toBe('sni')
    expect(select('GET', '/', '', { scheme: 'https', sni: 'api.example.com' })).toBe('sni')
    expect(select('GET', '/', '', { scheme: 'https', sni: 'a.internal.test' })).toBe('sni')
    expect(select('GET', '/', '', { scheme: 'https', sni: 'other.example.com' })).toBeUndefined()
    expect(select('GET', '/', '', { scheme: 'https' })).toBeUndefined()
    expect(selector([route('fqdn', { snis: ['api.example.com.'] })])('GET', '/', '', { scheme: 'https', sni: 'api.example.com' })).toBe('fqdn')
  })
})

describe('createRouter strip_path and the path that goes on', () => {
  const router = (routes: TestRoute[]) => (path: string) => createRouter(routes)(request('GET', path, 'h:80'))

  it('strips a prefix and keeps a leading slash', () => {
    const match = router([route('p', { paths: ['/api'] })])
    expect(match('/api/users')?.path).toBe('/users')
    expect(match('/api')?.path).toBe('/')
    expect(match('/apixyz')?.path).toBe('/xyz')
    expect(match('/api/users')?.matchedPath).toBe('/api')
    expect(router([route('p', { paths: ['/api/'] })])('/api/users')?.path).toBe('/users')
  })

  it('keeps the whole path without strip_path', () => {
    expect(router([route('p', { paths: ['/api'], stripPath: false })])('/api/users')?.path).toBe('/api/users')
    expect(router([route('r', { paths: ['~/api/\\d+'], stripPath: false })])('/api/42/x')?.path).toBe('/api/42/x')
  })

  it('strips what a regex matched, from the start of the path', () => {
    const match = router([route('r', { paths: ['~/items/\\d+'] })])
    expect(match('/items/42/detail')?.path).toBe('/detail')
    expect(match('/items/42')?.path).toBe('/')
    expect(match('/items/42abc')?.path).toBe('/abc')
    expect(match('/items/42')?.matchedPath).toBe('/items/\\d+')
    // Kong removes as many characters as the match has from the start, wherever an unanchored
    // alternative matched: `/b` found in `/xy/b/c` removes `/x`.
    expect(router([route('alt', { paths: ['~/a|/b'] })])('/xy/b/c')?.path).toBe('/y/b/c')
  })

  it("puts the service's path first", () => {
    expect(router([route('s', { paths: ['/api'], service: { path: '/v2' } })])('/api/users')?.path).toBe('/v2/users')
  })

  it('lets a route without paths match any path', () => {
    const match = router([route('any', { hosts: ['h'] }), route('prefix', { paths: ['/api'] })])
    expect(match('/api/x')?.route.label).toBe('any')
    expect(match('/whatever/else')).toMatchObject({ path: '/whatever/else', matchedPath: null })
  })
})

describe('createRouter regex paths', () => {
  const match = (paths: string[], path: string) => createRouter([route('r', { paths })])(request('GET', path, 'h:80'))

  it('returns named captures only', () => {
    expect(match(['~/users/(?<user>[^/]+)/(\\d+)(?<opt>/x)?'], '/users/alice/7')?.captures).toEqual({ user: 'alice' })
    expect(match(['~/users/(?<user>[^/]+)/(\\d+)(?<opt>/x)?'], '/users/bob/8/x')?.captures).toEqual({ user: 'bob', opt: '/x' })
    expect(match(['~/orders/(?P<order>\\d+)'], '/orders/99/lines')?.captures).toEqual({ order: '99' })
  })

  it('anchors with `^` as Kong writes it', () => {
    expect(match(['~/users/\\d+'], '/api/users/1')).toBeUndefined()
    expect(match(['~/users/\\d+'], '/users/1/more')?.route.label).toBe('r')
    expect(match(['~/a|/b'], '/b')?.route.label).toBe('r')
    expect(match(['~/a|/b'], '/x/b')?.route.label).toBe('r')
  })

  it('gives the captures of the first regex that matches, in the order written', () => {
    expect(match(['~/(?<first>a)', '~/(?<second>a)'], '/a')?.captures).toEqual({ first: 'a' })
  })

  it('returns no captures for prefix routes', () => {
    expect(match(['/p'], '/p/1')?.captures).toEqual({})
  })
})

describe('createRouter matches the normalised path (Kong: normalize(path, true))', () => {
  const routed = (routes: TestRoute[], path: string) => createRouter(routes)(request('GET', path, 'h:80'))

  it('decodes percent-encoded unreserved characters before matching: /%61dmin is /admin', () => {
    const routes = [route('admin', { paths: ['/admin'] }), route('root', { paths: ['/'] })]
    expect(routed(routes, '/%61dmin/%75sers')).toMatchObject({ route: { label: 'admin' }, requestPath: '/admin/users', path: '/users' })
    expect(routed(routes, '/x/../admin//users')?.requestPath).toBe('/admin/users')
  })

  it('keeps reserved characters encoded: %2F is no separator', () => {
    const routes = [route('nested', { paths: ['/a/b'] }), route('root', { paths: ['/'] })]
    expect(routed(routes, '/a%2fb')).toMatchObject({ route: { label: 'root' }, requestPath: '/a%2Fb' })
    const regex = [route('reserved', { paths: ['~/regex-reserved%2Fabc'] })]
    expect(routed(regex, '/regex-reserved/abc')).toBeUndefined()
    expect(routed(regex, '/regex-reserved%2fabc')?.route.label).toBe('reserved')
  })

  it('matches no route with a path whose decoded bytes are not UTF-8, as Kong 3', () => {
    const routes = [route('any', { hosts: ['h'] }), route('root', { paths: ['/'] })]
    expect(routed(routes, '/%FF')).toBeUndefined()
    expect(routed(routes, '/%C3%A9')?.requestPath).toBe('/é')
  })
})

describe('routingHost', () => {
  it("is the URL's host, with the scheme's port written out", () => {
    expect(routingHost(new URL('http://Example.COM/x'), 'Example.COM')).toBe('example.com:80')
    expect(routingHost(new URL('https://example.com/x'), undefined)).toBe('example.com:443')
    expect(routingHost(new URL('http://example.com:8080/x'), undefined)).toBe('example.com:8080')
    expect(routingHost(new URL('http://[::1]:8000/'), undefined)).toBe('[::1]:8000')
  })

  it('is no host when Host came twice (fetch joins the lines): only routes without hosts can match', () => {
    const host = routingHost(new URL('http://a.test/'), 'a.test, b.test')
    expect(host).toBe('')
    expect(selector([route('a', { hosts: ['a.test'] }), route('b', { hosts: ['b.test'] })])('GET', '/', host)).toBeUndefined()
    expect(selector([route('any', { paths: ['/'] })])('GET', '/', host)).toBe('any')
  })

  it('lets a route host with the default port match a request that leaves it out, and the reverse', () => {
    const select = selector([route('port', { hosts: ['example.com:80'] }), route('plain', { hosts: ['plain.test'] })])
    expect(select('GET', '/', routingHost(new URL('http://example.com/'), undefined))).toBe('port')
    expect(select('GET', '/', routingHost(new URL('http://example.com:8080/'), undefined))).toBeUndefined()
    expect(select('GET', '/', routingHost(new URL('http://plain.test:80/'), undefined))).toBe('plain')
  })
})

describe('the index finds what trying every route in priority order finds', () => {
  /**
   * Every route part in Kong's order, tried one after the other: what the router must agree
   * with. Its path condition is RE2's own or a plain prefix, on the normalised path, without the
   * index or the literals checked before a regex; its other conditions are the router's, on the
   * route alone without paths.
   */
  function reference(routes: TestRoute[]) {
    const pathHolds = (paths: readonly string[], path: string) =>
      paths.length === 0 || paths.some((p) => (p.startsWith('~') ? RE2JS.compile(`^${p.slice(1).replaceAll('?<', '?P<')}`).test(path) : path.startsWith(p)))
    const parts = routes.flatMap((r, order) => {
      const id = routeId(r)
      const split = r.paths.length > 0 ? pathParts(r.paths) : [[]]
      const others = createRouter([{ ...r, paths: [] }])
      return split.map((paths, i) => ({
        route: r,
        alone: (req: RoutedRequest) => others(req) !== undefined && pathHolds(paths, normalizePath(req.path)!),
        priority: kongPriority({ ...r, headerNames: Object.keys(r.headers).length, paths }),
        id: id !== undefined && split.length > 1 ? partId(id, i + 1) : id,
        order,
      }))
    })
    parts.sort((a, b) => {
      if (a.priority !== b.priority) return a.priority > b.priority ? -1 : 1
      if (a.id !== b.id) return a.id === undefined ? 1 : b.id === undefined ? -1 : a.id > b.id ? -1 : 1
      return a.order - b.order
    })
    return (req: RoutedRequest) => parts.find((part) => part.alone(req))?.route
  }

  const arbitraryRoute = fc.record({
    id: fc.option(fc.constantFrom('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'), { nil: undefined }),
    name: fc.option(fc.constantFrom('alpha', 'beta', 'gamma'), { nil: undefined }),
    paths: fc.subarray([
      '/',
      '/a',
      '/ab',
      '/a/b',
      '/b',
      '~/a',
      '~/a/\\d+',
      '~/a|/b',
      '~/(?i)B',
      '~/.*',
      // Filed under a segment: a variable first, caseless, at the end.
      '~/(?<t>[a-z]+)/a/\\d+$',
      '~/[a-z]+/b/',
      '~(?i)/x/B$',
      '~(?i)/[0-9]+/s/',
      '~/\\d+/b$',
    ]),
    methods: fc.subarray(['GET', 'POST']),
    hosts: fc.option(fc.subarray(['a.test', 'b.test', '*.test', 'a.*', 'a.test:8080']), { nil: undefined }),
    headers: fc.constantFrom<Record<string, string[]>>({}, { x: ['1'] }, { x: ['2'], y: ['~*^z'] }, { X_Y: ['A', 'b'] }, { x: ['1', '2'], 'x-y': ['b'] }),
    regexPriority: fc.constantFrom(0, 1, 2, -1),
    stripPath: fc.boolean(),
  })
  const arbitraryRequest = fc.record({
    method: fc.constantFrom('GET', 'POST'),
    host: fc.constantFrom('a.test:80', 'b.test:80', 'c.test:8080', 'a.test:8080', 'a.example:80', ''),
    path: fc.constantFrom(
      '/',
      '/a',
      '/ab',
      '/a/b',
      '/a/12',
      '/b',
      '/x/b',
      '/B',
      '/c',
      '/q/a/7',
      '/x/a/1/',
      '/b/b/',
      '/X/b',
      '/x/B/',
      '/12/S/x',
      '/1/%C5%BF/',
      '/7/b',
      '/7/b/b',
    ),
    headers: fc.constantFrom<Record<string, string | string[]>>({}, { x: '1' }, { x: '2', y: 'zz' }, { 'x-y': 'a' }, { 'x-y': ['C', 'B'], x: ['1', '1'] }),
  })

  it('for random routes and requests', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryRoute, { minLength: 1, maxLength: 25 }),
        fc.array(arbitraryRequest, { minLength: 1, maxLength: 10 }),
        (fields, requests) => {
          const routes = fields.map(({ id, name, hosts, ...rest }, i) =>
            route(`r${i}`, {
              ...rest,
              ...(id === undefined ? {} : { id }),
              ...(name === undefined ? {} : { name }),
              ...(hosts === undefined ? {} : { hosts }),
            }),
          )
          const router = createRouter(routes)
          const expected = reference(routes)
          for (const r of requests) {
            const req = request(r.method, r.path, r.host, { headers: r.headers })
            expect(router(req)?.route.label).toBe(expected(req)?.label)
          }
        },
      ),
      { numRuns: 500 },
    )
  }, 60_000)
})
