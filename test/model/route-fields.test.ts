// A route's matching fields as Kong 3 (traditional_compatible) validates them
// (kong/db/schema/entities/routes.lua, routes_subschemas.lua, typedefs.lua) and what the
// gateway keeps of them.

import { describe, expect, it } from 'vitest'
import { buildGatewayConfig } from '../../src/model/declarative.ts'
import { ConfigError, type ConfigProblem } from '../../src/model/validate.ts'

const LAMBDA = { name: 'aws-lambda', config: { aws_region: 'us-east-1', function_name: 'f' } }

/** The problems of a document with the one route `fields` (its plugin added). */
function problemsOf(fields: Record<string, unknown>, document: Record<string, unknown> = {}): ConfigProblem[] {
  try {
    buildGatewayConfig({ _format_version: '3.0', routes: [{ ...fields, plugins: [LAMBDA] }], ...document }, {})
    return []
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
}

function routeOf(fields: Record<string, unknown>) {
  return buildGatewayConfig({ _format_version: '3.0', routes: [{ ...fields, plugins: [LAMBDA] }] }, {}).routes[0]
}

describe('route fields kept for the router', () => {
  it('keeps headers, snis, protocols, https_redirect_status_code, path_handling, preserve_host, the buffering flags, id and name', () => {
    const route = routeOf({
      id: 'E8FB37F1-102D-461E-9C51-6608A6BB8101',
      name: 'r',
      paths: ['/'],
      headers: { 'X-Version': ['v1', '~*^v\\d$'] },
      snis: ['api.example.com'],
      protocols: ['https'],
      https_redirect_status_code: 308,
      path_handling: 'v1',
      preserve_host: true,
      request_buffering: false,
      response_buffering: false,
    })
    expect(route).toMatchObject({
      id: 'E8FB37F1-102D-461E-9C51-6608A6BB8101',
      name: 'r',
      headers: { 'X-Version': ['v1', '~*^v\\d$'] },
      snis: ['api.example.com'],
      protocols: ['https'],
      httpsRedirectStatusCode: 308,
      pathHandling: 'v1',
      preserveHost: true,
      requestBuffering: false,
      responseBuffering: false,
    })
  })

  it('tells hosts given empty from hosts not given (Kong ranks `hosts: []` as "plain hosts only")', () => {
    expect(routeOf({ paths: ['/'], hosts: [] }).hosts).toEqual([])
    expect(routeOf({ paths: ['/'] }).hosts).toBeUndefined()
  })

  it("gives a service's routes its path, from `path` or its url", () => {
    const { routes } = buildGatewayConfig(
      {
        _format_version: '3.0',
        services: [
          { name: 'by-url', url: 'http://upstream.test:8080/api/v2', plugins: [LAMBDA], routes: [{ name: 'a', paths: ['/a'] }] },
          { name: 'no-path', url: 'http://upstream.test', plugins: [LAMBDA], routes: [{ name: 'b', paths: ['/b'] }] },
        ],
      },
      {},
    )
    expect(routes.map((r) => r.service?.path)).toEqual(['/api/v2', undefined])
  })
})

describe("Kong's checks of a route", () => {
  it.each<[string, Record<string, unknown>, ConfigProblem[]]>([
    ['headers that are not a map', { paths: ['/'], headers: ['x'] }, [{ path: 'routes[0].headers', message: 'expected a map' }]],
    [
      'a header name with a character Kong refuses',
      { headers: { 'x:y': ['1'] } },
      [{ path: 'routes[0].headers.x:y', message: "bad header name 'x:y', allowed characters are A-Z, a-z, 0-9, '_', and '-'" }],
    ],
    [
      'a Host header',
      { headers: { Host: ['a.test'] } },
      [{ path: 'routes[0].headers.Host', message: "cannot contain 'host' header, which must be specified in the 'hosts' attribute" }],
    ],
    ['a header with no value', { paths: ['/'], headers: { x: [] } }, [{ path: 'routes[0].headers.x', message: 'must have at least one value' }]],
    [
      'a `~*` header regex Rust would refuse',
      { headers: { x: ['~*(a)\\1'] } },
      [{ path: 'routes[0].headers.x[0]', message: "invalid regex: '(a)\\1' (backreferences are not supported)" }],
    ],
    [
      'snis on an http-only route',
      { paths: ['/'], protocols: ['http'], snis: ['a.test'] },
      [{ path: 'routes[0].snis', message: "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'" }],
    ],
    ['an sni with a wildcard inside', { snis: ['a.*.test'] }, [{ path: 'routes[0].snis[0]', message: 'wildcard must be leftmost or rightmost character' }]],
    ['an sni that is an IP address', { snis: ['10.0.0.1'] }, [{ path: 'routes[0].snis[0]', message: 'must not be an IP' }]],
    ['an sni with a port', { snis: ['a.test:443'] }, [{ path: 'routes[0].snis[0]', message: 'must not have a port' }]],
    ['no protocols', { paths: ['/'], protocols: [] }, [{ path: 'routes[0].protocols', message: 'length must be at least 1' }]],
    [
      'an http-only route with only snis',
      { protocols: ['http'] },
      [{ path: 'routes[0]', message: "must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http'" }],
    ],
    [
      'an https_redirect_status_code Kong does not send',
      { paths: ['/'], https_redirect_status_code: 303 },
      [{ path: 'routes[0].https_redirect_status_code', message: 'expected one of: 426, 301, 302, 307, 308' }],
    ],
    ['a path_handling other than v0 and v1', { paths: ['/'], path_handling: 'v2' }, [{ path: 'routes[0].path_handling', message: 'expected one of: v0, v1' }]],
    [
      'a regex path without a slash after ~',
      { paths: ['~abc'] },
      [{ path: 'routes[0].paths[0]', message: 'should start with: / (fixed path) or ~/ (regex path)' }],
    ],
    ['an empty segment in a regex path', { paths: ['~/a//b'] }, [{ path: 'routes[0].paths[0]', message: 'must not have empty segments' }]],
    ['two wildcards in a host', { hosts: ['*.a.*'] }, [{ path: 'routes[0].hosts[0]', message: 'invalid wildcard: must have at most one wildcard' }]],
    [
      'a wildcard inside a host',
      { hosts: ['a.*.test'] },
      [{ path: 'routes[0].hosts[0]', message: 'invalid wildcard: must be placed at leftmost or rightmost label' }],
    ],
    [
      'a port after a rightmost wildcard',
      { hosts: ['a.*:80'] },
      [{ path: 'routes[0].hosts[0]', message: 'invalid wildcard: must be placed at leftmost or rightmost label' }],
    ],
  ])('%s', (_, fields, expected) => {
    expect(problemsOf(fields)).toEqual(expected)
  })

  it("refuses the expressions flavour's `priority` and `expression`, as Kong's default flavour does, saying why", () => {
    const why = (field: string) =>
      `unknown field: '${field}' is the 'expressions' router flavour's; Kong's default flavour (traditional_compatible, followed here) refuses it`
    expect(problemsOf({ paths: ['/'], priority: 10 })).toEqual([{ path: 'routes[0].priority', message: why('priority') }])
    expect(problemsOf({ paths: ['/'], priority: 0 })).toEqual([{ path: 'routes[0].priority', message: why('priority') }])
    expect(problemsOf({ expression: 'http.path == "/"' })).toContainEqual({ path: 'routes[0].expression', message: why('expression') })
  })

  it('accepts what Kong accepts', () => {
    for (const fields of [
      { snis: ['*.example.com'] },
      { headers: { 'X-Api_Key': ['a'] } },
      { hosts: ['*.example.com:8443', 'example.*', 'a.test:80'] },
      { methods: ['GET'], protocols: ['https'], https_redirect_status_code: 301 },
      { paths: ['~/users/(?<id>\\d+)'], regex_priority: -3 },
    ]) {
      expect(problemsOf(fields), JSON.stringify(fields)).toEqual([])
    }
  })
})
