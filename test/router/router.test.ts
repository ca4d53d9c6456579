// createRouter: Kong's route ordering (regex first by priority, then longest prefix, ties to
// the route with more conditions, then file order) and its host, method and strip_path rules.

import { describe, expect, it } from 'vitest'
import { createRouter, type RoutableRoute, routingHost } from '../../src/router/router.ts'

interface TestRoute extends RoutableRoute {
  name: string
}

function route(name: string, fields: Partial<RoutableRoute> = {}): TestRoute {
  return { name, paths: [], methods: [], hosts: [], stripPath: true, regexPriority: 0, ...fields }
}

function matchName(routes: TestRoute[], path: string, method = 'GET', host = 'example.com'): string | undefined {
  return createRouter(routes)(method, host, path)?.route.name
}

describe('createRouter ordering', () => {
  it('tries regex paths before prefixes, even a longer prefix', () => {
    const routes = [route('prefix', { paths: ['/users/123/profile'] }), route('regex', { paths: ['~/users/\\d+'] })]
    expect(matchName(routes, '/users/123/profile')).toBe('regex')
    expect(matchName(routes, '/users/abc')).toBeUndefined()
  })

  it('tries the higher regex_priority first, then file order', () => {
    const routes = [
      route('low', { paths: ['~/a'], regexPriority: 1 }),
      route('high', { paths: ['~/a/b'], regexPriority: 5 }),
      route('first-zero', { paths: ['~/a/b/c'] }),
      route('second-zero', { paths: ['~/a/b/c'] }),
    ]
    expect(matchName(routes, '/a/b/c')).toBe('high')
    expect(matchName(routes, '/a/x')).toBe('low')
    expect(matchName(routes.slice(2), '/a/b/c')).toBe('first-zero')
    expect(matchName([routes[3], routes[2]], '/a/b/c')).toBe('second-zero')
  })

  it('picks the longest prefix whatever the file order', () => {
    const routes = [route('short', { paths: ['/api'] }), route('long', { paths: ['/api/v1'] }), route('root', { paths: ['/'] })]
    expect(matchName(routes, '/api/v1/users')).toBe('long')
    expect(matchName(routes, '/api/v2')).toBe('short')
    expect(matchName(routes, '/other')).toBe('root')
  })

  it('matches prefixes as plain strings, as Kong does', () => {
    const routes = [route('prefix', { paths: ['/prefix'] })]
    expect(matchName(routes, '/prefixed')).toBe('prefix')
    expect(matchName(routes, '/prefix')).toBe('prefix')
    expect(matchName(routes, '/pre')).toBeUndefined()
    expect(matchName(routes, '/x/prefix')).toBeUndefined()
  })

  it('gives equal prefixes to the route with hosts or methods, then to the earlier route', () => {
    const plain = route('plain', { paths: ['/same'] })
    const withHost = route('with-host', { paths: ['/same'], hosts: ['example.com'] })
    const withMethod = route('with-method', { paths: ['/same'], methods: ['GET'] })
    const withBoth = route('with-both', { paths: ['/same'], hosts: ['example.com'], methods: ['GET'] })
    expect(matchName([plain, withHost], '/same')).toBe('with-host')
    expect(matchName([plain, withMethod], '/same')).toBe('with-method')
    expect(matchName([withHost, withBoth], '/same')).toBe('with-both')
    expect(matchName([withHost, withMethod], '/same')).toBe('with-host')
    expect(matchName([withMethod, withHost], '/same')).toBe('with-method')
    const plain2 = route('plain-2', { paths: ['/same'] })
    expect(matchName([plain, plain2], '/same')).toBe('plain')
    expect(matchName([plain2, plain], '/same')).toBe('plain-2')
    // A condition that does not match passes the path on to the next candidate.
    expect(matchName([plain, withBoth], '/same', 'POST')).toBe('plain')
  })

  it('lets a route without paths match any path but lose to a longer prefix', () => {
    const routes = [route('any', { hosts: ['example.com'] }), route('prefix', { paths: ['/api'] })]
    expect(matchName(routes, '/api/x')).toBe('prefix')
    expect(matchName(routes, '/')).toBe('any')
    expect(matchName(routes, '/whatever/else')).toBe('any')
    const match = createRouter(routes)('GET', 'example.com', '/whatever/else')
    expect(match?.path).toBe('/whatever/else')
    expect(match?.matchedPath).toBeNull()
  })
})

describe('createRouter conditions', () => {
  it('filters on methods', () => {
    const routes = [route('get', { paths: ['/r'], methods: ['GET', 'HEAD'] }), route('post', { paths: ['/r'], methods: ['POST'] })]
    expect(matchName(routes, '/r', 'GET')).toBe('get')
    expect(matchName(routes, '/r', 'HEAD')).toBe('get')
    expect(matchName(routes, '/r', 'POST')).toBe('post')
    expect(matchName(routes, '/r', 'DELETE')).toBeUndefined()
  })

  it('matches exact hosts case-insensitively and ignores the request port', () => {
    const routes = [route('exact', { hosts: ['api.example.com'] })]
    expect(matchName(routes, '/', 'GET', 'api.example.com')).toBe('exact')
    expect(matchName(routes, '/', 'GET', 'API.Example.COM')).toBe('exact')
    expect(matchName(routes, '/', 'GET', 'api.example.com:8443')).toBe('exact')
    expect(matchName(routes, '/', 'GET', 'other.example.com')).toBeUndefined()
    expect(matchName(routes, '/', 'GET', 'api.example.com.evil')).toBeUndefined()
    expect(matchName(routes, '/', 'GET', 'apixexample.com')).toBeUndefined()
  })

  it('matches leading and trailing wildcard hosts', () => {
    const leading = [route('leading', { hosts: ['*.example.com'] })]
    expect(matchName(leading, '/', 'GET', 'api.example.com')).toBe('leading')
    expect(matchName(leading, '/', 'GET', 'API.EXAMPLE.COM:80')).toBe('leading')
    expect(matchName(leading, '/', 'GET', 'example.com')).toBeUndefined()
    expect(matchName(leading, '/', 'GET', 'api.example.org')).toBeUndefined()
    const trailing = [route('trailing', { hosts: ['example.*'] })]
    expect(matchName(trailing, '/', 'GET', 'example.org')).toBe('trailing')
    expect(matchName(trailing, '/', 'GET', 'example.co.uk:9000')).toBe('trailing')
    expect(matchName(trailing, '/', 'GET', 'example')).toBeUndefined()
    expect(matchName(trailing, '/', 'GET', 'www.example.org')).toBeUndefined()
  })

  it('matches a route host with a port only on that port', () => {
    const routes = [route('port', { hosts: ['example.com:8080'] })]
    expect(matchName(routes, '/', 'GET', 'example.com:8080')).toBe('port')
    expect(matchName(routes, '/', 'GET', 'EXAMPLE.com:8080')).toBe('port')
    expect(matchName(routes, '/', 'GET', 'example.com:9090')).toBeUndefined()
    expect(matchName(routes, '/', 'GET', 'example.com')).toBeUndefined()
  })

  it('matches when any of several hosts matches', () => {
    const routes = [route('many', { hosts: ['a.test', 'b.test'] })]
    expect(matchName(routes, '/', 'GET', 'b.test')).toBe('many')
    expect(matchName(routes, '/', 'GET', 'c.test')).toBeUndefined()
  })
})

describe('createRouter strip_path', () => {
  it('strips a prefix and keeps a leading slash', () => {
    const router = createRouter([route('p', { paths: ['/api'] })])
    expect(router('GET', 'h', '/api/users')?.path).toBe('/users')
    expect(router('GET', 'h', '/api')?.path).toBe('/')
    expect(router('GET', 'h', '/apixyz')?.path).toBe('/xyz')
    expect(router('GET', 'h', '/api/users')?.matchedPath).toBe('/api')
    const trailing = createRouter([route('p', { paths: ['/api/'] })])
    expect(trailing('GET', 'h', '/api/users')?.path).toBe('/users')
  })

  it('keeps the whole path without strip_path', () => {
    const router = createRouter([route('p', { paths: ['/api'], stripPath: false })])
    expect(router('GET', 'h', '/api/users')?.path).toBe('/api/users')
    const regex = createRouter([route('r', { paths: ['~/api/\\d+'], stripPath: false })])
    expect(regex('GET', 'h', '/api/42/x')?.path).toBe('/api/42/x')
  })

  it('strips what a regex matched', () => {
    const router = createRouter([route('r', { paths: ['~/items/\\d+'] })])
    expect(router('GET', 'h', '/items/42/detail')?.path).toBe('/detail')
    expect(router('GET', 'h', '/items/42')?.path).toBe('/')
    expect(router('GET', 'h', '/items/42abc')?.path).toBe('/abc')
    expect(router('GET', 'h', '/items/42')?.matchedPath).toBe('/items/\\d+')
  })
})

describe('createRouter regex paths', () => {
  it('returns named captures only', () => {
    const router = createRouter([route('r', { paths: ['~/users/(?<user>[^/]+)/(\\d+)(?<opt>/x)?'] })])
    const match = router('GET', 'h', '/users/alice/7')
    expect(match?.captures).toEqual({ user: 'alice' })
    expect(Object.keys(match?.captures ?? {})).not.toContain('0')
    expect(Object.keys(match?.captures ?? {})).not.toContain('1')
    expect(router('GET', 'h', '/users/bob/8/x')?.captures).toEqual({ user: 'bob', opt: '/x' })
  })

  it('accepts PCRE (?P<name>...) groups', () => {
    const router = createRouter([route('r', { paths: ['~/orders/(?P<order>\\d+)'] })])
    expect(router('GET', 'h', '/orders/99/lines')?.captures).toEqual({ order: '99' })
  })

  it('anchors regexes at the start of the path only', () => {
    const router = createRouter([route('r', { paths: ['~/users/\\d+'] })])
    expect(router('GET', 'h', '/api/users/1')).toBeUndefined()
    expect(router('GET', 'h', '/users/1/more')?.route.name).toBe('r')
    const alternation = createRouter([route('alt', { paths: ['~/a|/b'] })])
    expect(alternation('GET', 'h', '/b')?.route.name).toBe('alt')
    expect(alternation('GET', 'h', '/x/b')).toBeUndefined()
  })

  it('returns no captures for prefix routes', () => {
    const router = createRouter([route('p', { paths: ['/p'] })])
    expect(router('GET', 'h', '/p/1')?.captures).toEqual({})
  })
})

describe('createRouter matches the normalised path (Kong: normalize(path, true))', () => {
  it('decodes percent-encoded unreserved characters before matching: /%61dmin is /admin', () => {
    const router = createRouter([route('admin', { paths: ['/admin'] }), route('root', { paths: ['/'] })])
    const match = router('GET', 'h', '/%61dmin/%75sers')
    expect(match?.route.name).toBe('admin')
    expect(match?.requestPath).toBe('/admin/users')
    expect(match?.path).toBe('/users')
    expect(router('GET', 'h', '/x/../admin//users')?.requestPath).toBe('/admin/users')
  })

  it('keeps reserved characters encoded: %2F is no separator', () => {
    const router = createRouter([route('nested', { paths: ['/a/b'] }), route('root', { paths: ['/'] })])
    expect(router('GET', 'h', '/a%2fb')?.route.name).toBe('root')
    expect(router('GET', 'h', '/a%2fb')?.requestPath).toBe('/a%2Fb')
    const regex = createRouter([route('reserved', { paths: ['~/regex-reserved%2Fabc'] })])
    expect(regex('GET', 'h', '/regex-reserved/abc')).toBeUndefined()
    expect(regex('GET', 'h', '/regex-reserved%2fabc')?.route.name).toBe('reserved')
  })

  it('gives regexes the decoded path and its captures (Kong: returns uri_captures normalized, fix #7913)', () => {
    const router = createRouter([route('r', { paths: ['~/users/(?P<fullname>[a-zA-Z\\s\\d%]+)/profile/?(?P<scope>[a-z]*)'], stripPath: false })])
    const match = router('GET', 'domain.org', '/users/%6aohn%20doe/profile')
    expect(match?.captures).toEqual({ fullname: 'john doe', scope: '' })
    expect(match?.path).toBe('/users/john doe/profile')
  })

  it('matches no route with a path whose decoded bytes are not UTF-8, as Kong 3', () => {
    const router = createRouter([route('any', { hosts: ['h'] }), route('root', { paths: ['/'] })])
    expect(router('GET', 'h', '/%FF')).toBeUndefined()
    expect(router('GET', 'h', '/%C3%A9')?.requestPath).toBe('/é')
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
    expect(routingHost(new URL('http://a.test/'), 'a.test, b.test')).toBe('')
    const router = createRouter([route('a', { hosts: ['a.test'] }), route('b', { hosts: ['b.test'] })])
    expect(router('GET', routingHost(new URL('http://a.test/'), 'a.test, b.test'), '/')).toBeUndefined()
    expect(createRouter([route('any', { paths: ['/'] })])('GET', '', '/')?.route.name).toBe('any')
  })

  it('lets a route host with the default port match a request that leaves it out, and the reverse', () => {
    const router = createRouter([route('port', { hosts: ['example.com:80'] }), route('plain', { hosts: ['plain.test'] })])
    expect(router('GET', routingHost(new URL('http://example.com/'), undefined), '/')?.route.name).toBe('port')
    expect(router('GET', routingHost(new URL('http://example.com:8080/'), undefined), '/')).toBeUndefined()
    expect(router('GET', routingHost(new URL('http://plain.test:80/'), undefined), '/')?.route.name).toBe('plain')
  })
})
