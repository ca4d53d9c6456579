// Kong's `#slash handling` cases (spec/01-unit/08-router_spec.lua over
// https://github.com/Kong/kong/blob/master/spec/fixtures/router_path_handling_tests.lua): the
// service's path, the route's path (or none: the route matches on its host), strip_path and
// the request give the path the request goes on with. traditional_compatible runs the `v0`
// rows only: it joins paths the v0 way whatever `path_handling` says. Each row also runs with
// the route path turned into the regex `~/[0]?<path>`, as the spec does.

import { describe, expect, it } from 'vitest'
import { createRouter } from '../../src/router/router.ts'
import { escapeUpstreamPath, upstreamPath } from '../../src/router/upstream-path.ts'
import { request, route } from './routes.ts'

type Many<T> = T | T[]
/** service path, route path (null: none), strip_path, path_handling, request path, expected path. */
type Row = [string, string | null, Many<boolean>, Many<'v0' | 'v1'>, string, string]

// biome-ignore format: the fixture's table, row for row
const ROWS: Row[] = [
  ['/', '/', [false, true], ['v0', 'v1'], '/', '/'],
  ['/', '/', [false, true], ['v0', 'v1'], '/route', '/route'],
  ['/', '/', [false, true], ['v0', 'v1'], '/route/', '/route/'],
  ['/', '/', [false, true], ['v0', 'v1'], '/routereq', '/routereq'],
  ['/', '/', [false, true], ['v0', 'v1'], '/route/req', '/route/req'],
  ['/', '/route', false, ['v0', 'v1'], '/route', '/route'],
  ['/', '/route', false, ['v0', 'v1'], '/route/', '/route/'],
  ['/', '/route', false, ['v0', 'v1'], '/routereq', '/routereq'],
  ['/', '/route', true, ['v0', 'v1'], '/route', '/'],
  ['/', '/route', true, ['v0', 'v1'], '/route/', '/'],
  ['/', '/route', true, ['v0', 'v1'], '/routereq', '/req'],
  ['/', '/route/', false, ['v0', 'v1'], '/route/', '/route/'],
  ['/', '/route/', false, ['v0', 'v1'], '/route/req', '/route/req'],
  ['/', '/route/', true, ['v0', 'v1'], '/route/', '/'],
  ['/', '/route/', true, ['v0', 'v1'], '/route/req', '/req'],
  ['/srv', '/rou', false, 'v0', '/roureq', '/srv/roureq'],
  ['/srv', '/rou', false, 'v1', '/roureq', '/srvroureq'],
  ['/srv', '/rou', true, 'v0', '/roureq', '/srv/req'],
  ['/srv', '/rou', true, 'v1', '/roureq', '/srvreq'],
  ['/srv/', '/rou', false, ['v0', 'v1'], '/rou', '/srv/rou'],
  ['/srv/', '/rou', true, 'v0', '/rou', '/srv'],
  ['/srv/', '/rou', true, 'v1', '/rou', '/srv/'],
  ['/service', '/', [false, true], ['v0', 'v1'], '/', '/service'],
  ['/service', '/', [false, true], 'v0', '/route', '/service/route'],
  ['/service', '/', [false, true], 'v1', '/route', '/serviceroute'],
  ['/service', '/', [false, true], 'v0', '/route/', '/service/route/'],
  ['/service', '/', [false, true], 'v1', '/route/', '/serviceroute/'],
  ['/service', '/', [false, true], 'v0', '/routereq', '/service/routereq'],
  ['/service', '/', [false, true], 'v1', '/routereq', '/serviceroutereq'],
  ['/service', '/', [false, true], 'v0', '/route/req', '/service/route/req'],
  ['/service', '/', [false, true], 'v1', '/route/req', '/serviceroute/req'],
  ['/service', '/route', false, 'v0', '/route', '/service/route'],
  ['/service', '/route', false, 'v1', '/route', '/serviceroute'],
  ['/service', '/route', false, 'v0', '/route/', '/service/route/'],
  ['/service', '/route', false, 'v1', '/route/', '/serviceroute/'],
  ['/service', '/route', false, 'v0', '/routereq', '/service/routereq'],
  ['/service', '/route', false, 'v1', '/routereq', '/serviceroutereq'],
  ['/service', '/route', true, ['v0', 'v1'], '/route', '/service'],
  ['/service', '/route', true, ['v0', 'v1'], '/route/', '/service/'],
  ['/service', '/route', true, 'v0', '/routereq', '/service/req'],
  ['/service', '/route', true, 'v1', '/routereq', '/servicereq'],
  ['/service', '/route/', false, 'v0', '/route/', '/service/route/'],
  ['/service', '/route/', false, 'v1', '/route/', '/serviceroute/'],
  ['/service', '/route/', false, 'v0', '/route/req', '/service/route/req'],
  ['/service', '/route/', false, 'v1', '/route/req', '/serviceroute/req'],
  ['/service', '/route/', true, 'v0', '/route/', '/service/'],
  ['/service', '/route/', true, 'v1', '/route/', '/service'],
  ['/service', '/route/', true, 'v0', '/route/req', '/service/req'],
  ['/service', '/route/', true, 'v1', '/route/req', '/servicereq'],
  ['/service/', '/', [false, true], 'v0', '/route/', '/service/route/'],
  ['/service/', '/', [false, true], 'v1', '/route/', '/service/route/'],
  ['/service/', '/', [false, true], ['v0', 'v1'], '/', '/service/'],
  ['/service/', '/', [false, true], ['v0', 'v1'], '/route', '/service/route'],
  ['/service/', '/', [false, true], ['v0', 'v1'], '/routereq', '/service/routereq'],
  ['/service/', '/', [false, true], ['v0', 'v1'], '/route/req', '/service/route/req'],
  ['/service/', '/route', false, ['v0', 'v1'], '/route', '/service/route'],
  ['/service/', '/route', false, ['v0', 'v1'], '/route/', '/service/route/'],
  ['/service/', '/route', false, ['v0', 'v1'], '/routereq', '/service/routereq'],
  ['/service/', '/route', true, 'v0', '/route', '/service'],
  ['/service/', '/route', true, 'v1', '/route', '/service/'],
  ['/service/', '/route', true, ['v0', 'v1'], '/route/', '/service/'],
  ['/service/', '/route', true, ['v0', 'v1'], '/routereq', '/service/req'],
  ['/service/', '/route/', false, ['v0', 'v1'], '/route/', '/service/route/'],
  ['/service/', '/route/', false, ['v0', 'v1'], '/route/req', '/service/route/req'],
  ['/service/', '/route/', true, ['v0', 'v1'], '/route/', '/service/'],
  ['/service/', '/route/', true, ['v0', 'v1'], '/route/req', '/service/req'],
  ['/', null, [false, true], ['v0', 'v1'], '/', '/'],
  ['/', null, [false, true], ['v0', 'v1'], '/route', '/route'],
  ['/', null, [false, true], ['v0', 'v1'], '/route/', '/route/'],
  ['/service', null, [false, true], ['v0', 'v1'], '/', '/service'],
  ['/service', null, [false, true], 'v0', '/route', '/service/route'],
  ['/service', null, [false, true], 'v1', '/route', '/serviceroute'],
  ['/service', null, [false, true], 'v0', '/route/', '/service/route/'],
  ['/service', null, [false, true], 'v1', '/route/', '/serviceroute/'],
  ['/service/', null, [false, true], ['v0', 'v1'], '/', '/service/'],
  ['/service/', null, [false, true], ['v0', 'v1'], '/route', '/service/route'],
  ['/service/', null, [false, true], ['v0', 'v1'], '/route/', '/service/route/'],
  ['/service', '/route', true, 'v0', '/route./req', '/service/req'],
  ['/service', '/route', true, 'v1', '/route./req', '/servicereq'],
  ['/service/', '/route', true, ['v0', 'v1'], '/route./req', '/service/req'],
  ['/service', '/route', true, 'v0', '/route%2E/req', '/service/req'],
  ['/service', '/route', true, 'v1', '/route%2E/req', '/servicereq'],
  ['/service/', '/route', true, ['v0', 'v1'], '/route%2E/req', '/service/req'],
  ['/service', '/route', true, 'v0', '/route%2e/req', '/service/req'],
  ['/service', '/route', true, 'v1', '/route%2e/req', '/servicereq'],
  ['/service/', '/route', true, ['v0', 'v1'], '/route%2e/req', '/service/req'],
  ['/service', '/route', true, 'v0', '/route../req', '/service/req'],
  ['/service', '/route', true, 'v1', '/route../req', '/servicereq'],
  ['/service/', '/route', true, ['v0', 'v1'], '/route../req', '/service/req'],
  ['/service', '/route', true, 'v0', '/route%2E%2E/req', '/service/req'],
  ['/service', '/route', true, 'v1', '/route%2E%2E/req', '/servicereq'],
  ['/service/', '/route', true, ['v0', 'v1'], '/route%2E%2E/req', '/service/req'],
  ['/service', '/route', true, 'v0', '/route%2e%2E/req', '/service/req'],
  ['/service', '/route', true, 'v1', '/route%2e%2E/req', '/servicereq'],
  ['/service/', '/route', true, ['v0', 'v1'], '/route%2e%2E/req', '/service/req'],
  ['/service', '/route', false, 'v0', '/route./req', '/service/route./req'],
  ['/service', '/route', false, 'v1', '/route./req', '/serviceroute./req'],
  ['/service/', '/route', false, ['v0', 'v1'], '/route./req', '/service/route./req'],
  ['/service', '/route', false, 'v0', '/route%2E/req', '/service/route./req'],
  ['/service', '/route', false, 'v1', '/route%2E/req', '/serviceroute./req'],
  ['/service/', '/route', false, ['v0', 'v1'], '/route%2E/req', '/service/route./req'],
  ['/service', '/route', false, 'v0', '/route%2e/req', '/service/route./req'],
  ['/service', '/route', false, 'v1', '/route%2e/req', '/serviceroute./req'],
  ['/service/', '/route', false, ['v0', 'v1'], '/route%2e/req', '/service/route./req'],
  ['/service', '/route', false, 'v0', '/route../req', '/service/route../req'],
  ['/service', '/route', false, 'v1', '/route../req', '/serviceroute../req'],
  ['/service/', '/route', false, ['v0', 'v1'], '/route../req', '/service/route../req'],
  ['/service', '/route', false, 'v0', '/route%2E%2E/req', '/service/route../req'],
  ['/service', '/route', false, 'v1', '/route%2E%2E/req', '/serviceroute../req'],
  ['/service/', '/route', false, ['v0', 'v1'], '/route%2E%2E/req', '/service/route../req'],
  ['/service', '/route', false, 'v0', '/route%2e%2E/req', '/service/route../req'],
  ['/service', '/route', false, 'v1', '/route%2e%2E/req', '/serviceroute../req'],
  ['/service/', '/route', false, ['v0', 'v1'], '/route%2e%2E/req', '/service/route../req'],
]

const cases = ROWS.flatMap(([servicePath, routePath, strip, handling, requestPath, expected], row) =>
  [strip]
    .flat()
    .filter(() => [handling].flat().includes('v0'))
    .map((stripPath) => ({ row: row + 1, servicePath, routePath, stripPath, requestPath, expected })),
)

describe('#slash handling (v0)', () => {
  it.each(cases)(
    '($row) plain, service $servicePath, route $routePath, strip $stripPath: $requestPath → $expected',
    ({ servicePath, routePath, stripPath, requestPath, expected }) => {
      const host = 'localbin.test'
      const routes = [route('r', { stripPath, service: { path: servicePath }, ...(routePath === null ? { hosts: [host] } : { paths: [routePath] }) })]
      const match = createRouter(routes)(request('GET', requestPath, `${host}:80`))
      expect(match?.route.label).toBe('r')
      expect(match?.path).toBe(expected)
    },
  )

  it.each(cases.filter((c) => c.routePath !== null))(
    '($row) regex, service $servicePath, route ~/[0]?$routePath, strip $stripPath: $requestPath → $expected',
    ({ servicePath, routePath, stripPath, requestPath, expected }) => {
      const routes = [route('r', { stripPath, service: { path: servicePath }, hosts: ['localbin.test'], paths: [`~/[0]?${routePath!.slice(1)}`] })]
      const match = createRouter(routes)(request('GET', requestPath, 'localbin.test:80'))
      expect(match?.route.label).toBe('r')
      expect(match?.path).toBe(expected)
    },
  )
})

describe('upstreamPath', () => {
  it('drops a leading `.` or `..` segment left by the prefix, as Kong sanitises it', () => {
    expect(upstreamPath('/route./req', '/route')).toBe('/req')
    expect(upstreamPath('/route../req', '/route')).toBe('/req')
    expect(upstreamPath('/route..', '/route')).toBe('/')
    expect(upstreamPath('/route.x', '/route')).toBe('/.x')
  })

  it('keeps the service path alone for a route without paths and strip_path (the prefix is `/`)', () => {
    expect(upstreamPath('/', '/', '/service')).toBe('/service')
    expect(upstreamPath('/x/', '/', '/service')).toBe('/service/x/')
  })
})

describe('escapeUpstreamPath', () => {
  it('percent-encodes what the router decoded and no request line may carry raw, as UTF-8 (Kong escapes upstream_uri so)', () => {
    expect(escapeUpstreamPath('/base/foo bar')).toBe('/base/foo%20bar')
    expect(escapeUpstreamPath('/base/café/日/😀')).toBe('/base/caf%C3%A9/%E6%97%A5/%F0%9F%98%80')
    expect(escapeUpstreamPath('/a/"|{}`^<>')).toBe('/a/%22%7C%7B%7D%60%5E%3C%3E')
  })

  it('sends a decoded backslash encoded, so that no URL parser takes it for a separator and walks out of the service path', () => {
    expect(escapeUpstreamPath('/base/x\\..\\..\\admin')).toBe('/base/x%5C..%5C..%5Cadmin')
    expect(new URL(`http://up.test${escapeUpstreamPath('/base/x\\..\\..\\admin')}`).pathname).toBe('/base/x%5C..%5C..%5Cadmin')
  })

  it('leaves reserved and unreserved characters and kept triplets alone (nothing is encoded twice)', () => {
    const path = "/ok/!#$&'()*+,:;=?@[]-_.~%2F%25"
    expect(escapeUpstreamPath(path)).toBe(path)
  })

  it('sends a lone surrogate (which a configured path may hold) as U+FFFD', () => {
    expect(escapeUpstreamPath('/\ud800x')).toBe('/%EF%BF%BDx')
  })
})
