// The first stateless plugins, end to end: Kong's access specs of cors
// (spec/03-plugins/13-cors/01-access_spec.lua), request-termination
// (spec/03-plugins/14-request-termination/02-access_spec.lua) and request-size-limiting
// (spec/03-plugins/12-request-size-limiting/01-access_spec.lua), on the routes of the
// plugins-a block of test/support/gateway-config.ts. Kong's upstream is the mock Lambda here.

import { CORS_REGEX_ORIGINS } from '../support/gateway-config.ts'
import { type Case, type ClientRequest, type E2E, json } from './harness.ts'

const CORS_DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT'
type Request = ClientRequest & { host?: string }

const preflight = (host: string, origin: string, headers: Record<string, string> = {}): Request => ({
  host,
  path: '/',
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'GET', ...headers },
})
const withOrigin = (host: string, origin?: string, method = 'GET'): Request => ({ host, path: '/', method, headers: origin === undefined ? {} : { origin } })

/** Each header, by its lower-case name, as the answer has it (null: absent). */
function headersOf(response: Response, names: string[]): Record<string, string | null> {
  return Object.fromEntries(names.map((name) => [name, response.headers.get(name)]))
}

const ACAO = 'access-control-allow-origin'
const CORS_HEADERS = [
  ACAO,
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'access-control-allow-credentials',
  'access-control-max-age',
  'vary',
]
/** Kong's regex cases do not say whether Vary is there: each of these and the rest. */
const BUT_VARY = CORS_HEADERS.filter((name) => name !== 'vary')
/** Each of `names` null but those given. */
const only = (set: Record<string, string>, names = CORS_HEADERS) => ({ ...Object.fromEntries(names.map((name) => [name, null])), ...set })

async function expectCors(t: E2E, request: Request, status: number, expected: Record<string, string | null>) {
  const response = await t.send(request)
  t.equal(response.status, status, `status of ${request.method ?? 'GET'} ${request.host}`)
  t.equal(headersOf(response, Object.keys(expected)), expected, 'CORS headers')
  return response
}

/** The origins of Kong's regex cases. */
const KONG_ORIGINS = [
  'http://evil.test',
  'http://foo.test',
  'http://foo.test.evil.test',
  'http://something.foo.test',
  'http://evilfoo.test',
  'http://foo.test:80',
  'http://foo.test:8000',
  'https://foo.test:8000',
  'http://foo.test:90',
  'http://foobtest',
  'https://bar.test:1234',
]

/** Every origin answered with the one configured: a single origin that is not a regex. */
const answeredWith = (allowed: string) => Object.fromEntries(KONG_ORIGINS.map((origin) => [origin, allowed]))
/** `foo\.test` against the host: any scheme and port. */
type Allowed = Record<string, true | string>
const FOO_HOST: Allowed = {
  'http://foo.test': true,
  'http://foo.test:80': 'http://foo.test',
  'http://foo.test:8000': true,
  'https://foo.test:8000': true,
  'http://foo.test:90': true,
}
const FOO_PORT_8000: Allowed = { 'http://foo.test:8000': true, 'https://foo.test:8000': true }

/**
 * Kong's regex cases, for each origins list of CORS_REGEX_ORIGINS: the origins allowed, as sent
 * (`true`) or as the origin answered; every other one of KONG_ORIGINS gets no
 * Access-Control-Allow-Origin. (Kong leaves out a few origins of some lists, whose answer these
 * rules decide alike.)
 */
const REGEX_ALLOWED: readonly Allowed[] = [
  answeredWith('foo.test'),
  answeredWith('https://bar.test:1234'),
  FOO_HOST,
  { ...FOO_HOST, 'http://something.foo.test': true },
  FOO_PORT_8000,
  { 'https://foo.test:8000': true },
  { 'http://foo.test': true, 'http://something.foo.test': true, 'http://foo.test:80': 'http://foo.test', 'http://foo.test:90': true },
  {},
  { 'http://foo.test': true, 'http://foo.test:80': 'http://foo.test', 'https://bar.test:1234': true },
  FOO_HOST,
  { ...FOO_HOST, 'http://something.foo.test': true },
  FOO_PORT_8000,
  { 'https://foo.test:8000': true },
]

const corsRegexCases: Case[] = CORS_REGEX_ORIGINS.map((origins, i) => ({
  name: `cors: a preflight from each of Kong's origins, against origins ${JSON.stringify(origins)}`,
  async run(t) {
    for (const origin of KONG_ORIGINS) {
      const allowed = REGEX_ALLOWED[i][origin]
      const response = await t.send(preflight(`cors-regex-${i + 1}.test`, origin))
      t.equal(response.status, 200, `${origin}: status`)
      if (allowed === undefined) t.equal(response.headers.get(ACAO), null, `${origin}: refused`)
      else {
        t.equal(
          headersOf(response, BUT_VARY),
          only({ [ACAO]: allowed === true ? origin : allowed, 'access-control-allow-methods': CORS_DEFAULT_METHODS }, BUT_VARY),
          `${origin}: allowed`,
        )
      }
    }
  },
}))

const corsPreflightCases: Case[] = [
  {
    name: 'cors: a preflight gets the defaults, an empty 200 answered by the plugin (the function is not invoked)',
    async run(t) {
      const response = await expectCors(
        t,
        preflight('cors1.test', 'origin1.test'),
        200,
        only({ [ACAO]: '*', 'access-control-allow-methods': CORS_DEFAULT_METHODS }),
      )
      t.equal(response.headers.get('content-length'), '0', 'Content-Length')
      t.equal(await response.text(), '', 'no body')
    },
  },
  {
    name: 'cors: * when origins is empty',
    async run(t) {
      await expectCors(
        t,
        preflight('cors-empty-origins.test', 'empty-origin.test'),
        200,
        only({ [ACAO]: '*', 'access-control-allow-methods': CORS_DEFAULT_METHODS }),
      )
    },
  },
  {
    name: 'cors: origins * with credentials allows the request origin, with Vary: Origin',
    async run(t) {
      await expectCors(
        t,
        preflight('cors5.test', 'origin5.test'),
        200,
        only({
          [ACAO]: 'origin5.test',
          'access-control-allow-methods': CORS_DEFAULT_METHODS,
          'access-control-allow-credentials': 'true',
          vary: 'Origin',
        }),
      )
    },
  },
  {
    name: 'cors: * when origins has several entries, * among them',
    async run(t) {
      const response = await t.send(preflight('cors14.test', 'http://www.example.net'))
      t.equal(response.status, 200, 'status')
      t.equal(response.headers.get('content-length'), '0', 'Content-Length')
      t.equal(headersOf(response, BUT_VARY), only({ [ACAO]: '*', 'access-control-allow-methods': CORS_DEFAULT_METHODS }, BUT_VARY), 'CORS headers')
    },
  },
  {
    name: 'cors: a preflight gets the configured origin, methods, headers, max age and credentials',
    async run(t) {
      await expectCors(
        t,
        preflight('cors2.test', 'origin5.test'),
        200,
        only({
          [ACAO]: 'example.test',
          'access-control-allow-methods': 'GET',
          'access-control-allow-headers': 'origin,type,accepts',
          'access-control-max-age': '23',
          'access-control-allow-credentials': 'true',
          vary: 'Origin',
        }),
      )
    },
  },
  {
    name: 'cors: with preflight_continue, an OPTIONS request reaches the function',
    async run(t) {
      const response = await t.send({ host: 'cors3.test', path: '/status/201', method: 'OPTIONS' })
      t.equal(response.status, 200, 'status')
      t.equal(await json(response), { request_method: 'OPTIONS' }, 'the function got it')
    },
  },
  {
    name: 'cors: with preflight_continue, a preflight reaches the function and its answer gets no CORS header',
    async run(t) {
      const response = await t.send(preflight('cors3.test', 'example.test'))
      t.equal(response.status, 200, 'status')
      t.equal(await json(response), { request_method: 'OPTIONS' }, 'the function got it')
      t.equal(headersOf(response, CORS_HEADERS), only({}), 'no CORS header')
    },
  },
  {
    name: 'cors: a preflight without configured headers allows the requested ones',
    async run(t) {
      const response = await t.send(preflight('cors5.test', 'origin5.test', { 'access-control-request-headers': 'origin,accepts' }))
      t.equal(response.status, 200, 'status')
      t.equal(response.headers.get('content-length'), '0', 'Content-Length')
      t.equal(response.headers.get('access-control-allow-headers'), 'origin,accepts', 'Access-Control-Allow-Headers')
    },
  },
  {
    name: 'cors: flat origins are compared whole (an OPTIONS request without Access-Control-Request-Method is no preflight)',
    async run(t) {
      for (const [origin, allowed] of [
        ['http://my-site.test', 'http://my-site.test'],
        ['http://bad-guys.test', null],
        ['http://my-site.test.bad-guys.test', null],
      ]) {
        const response = await t.send(withOrigin('cors10.test', origin as string, 'OPTIONS'))
        t.equal(response.status, 200, `${origin}: status`)
        t.equal(response.headers.get(ACAO), allowed, `${origin}: allowed origin`)
      }
    },
  },
  {
    name: 'cors: private_network allows a private network preflight',
    async run(t) {
      const response = await t.send({
        ...preflight('cors13.test', 'allowed-domain.test', { 'access-control-request-private-network': 'true' }),
        headers: { origin: 'allowed-domain.test', 'access-control-request-method': 'PUT', 'access-control-request-private-network': 'true' },
      })
      t.equal(response.status, 200, 'status')
      t.equal(response.headers.get('access-control-allow-private-network'), 'true', 'Access-Control-Allow-Private-Network')
    },
  },
]

const corsResponseCases: Case[] = [
  {
    name: "cors: the function's answer gets the default headers",
    async run(t) {
      await expectCors(t, withOrigin('cors1.test'), 200, only({ [ACAO]: '*' }))
    },
  },
  {
    name: 'cors: a non-preflight OPTIONS request reaches the function, and its answer gets the headers',
    async run(t) {
      const response = await expectCors(t, withOrigin('cors1.test', undefined, 'OPTIONS'), 200, only({ [ACAO]: '*' }))
      t.equal(await json(response), { request_method: 'OPTIONS' }, 'the function got it')
    },
  },
  {
    name: "cors: the function's answer gets the configured origin, exposed headers and credentials",
    async run(t) {
      await expectCors(
        t,
        withOrigin('cors2.test'),
        200,
        only({ [ACAO]: 'example.test', 'access-control-expose-headers': 'x-auth-token', 'access-control-allow-credentials': 'true', vary: 'Origin' }),
      )
    },
  },
  ...[
    ['a function that outlasts timeout', 'cors-timeout.test', 500],
    ['a Lambda that refuses the connection', 'cors-error.test', 500],
  ].map(
    ([what, host, status]): Case => ({
      name: `cors: the gateway's error answer to ${what} gets the headers`,
      async run(t) {
        await expectCors(
          t,
          withOrigin(host as string),
          status as number,
          only({ [ACAO]: 'example.test', 'access-control-expose-headers': 'x-auth-token', vary: 'Origin' }),
        )
      },
    }),
  ),
  {
    name: 'cors: a 404 answer gets the headers',
    async run(t) {
      await expectCors(t, withOrigin('cors-404.test'), 404, only({ [ACAO]: '*' }))
    },
  },
  {
    name: "cors: another plugin's 4xx answer gets the headers (request-size-limiting's 411)",
    async run(t) {
      await expectCors(t, withOrigin('cors4.test'), 411, only({ [ACAO]: '*' }))
    },
  },
  {
    name: "cors: request-termination's answer gets the headers",
    async run(t) {
      const response = await expectCors(t, withOrigin('cors-terminated.test', 'http://evil.test'), 503, only({ [ACAO]: 'example.test', vary: 'Origin' }))
      t.equal(await json(response), { message: 'Service unavailable' }, 'body')
    },
  },
  {
    name: "cors: Kong's 503 of a route without a service gets the headers",
    async run(t) {
      const response = await expectCors(t, withOrigin('cors-no-service.test'), 503, only({ [ACAO]: 'example.test', vary: 'Origin' }))
      t.equal(await json(response), { message: 'no Service found with those values', request_id: response.headers.get('x-request-id') }, 'body')
    },
  },
  {
    name: 'cors: an origin is allowed by its host, and by regex',
    async run(t) {
      await expectCors(t, withOrigin('cors6.test', 'example.test'), 200, { [ACAO]: 'example.test', vary: 'Origin' })
      for (const [domain, allowed] of [
        ['example.test', true],
        ['www.example.test', true],
        ['example-foo.test', true],
        ['www.example-foo.test', true],
        ['www.example-fo0.test', false],
      ] as const) {
        await expectCors(t, withOrigin('cors9.test', domain), 200, { [ACAO]: allowed ? domain : null, vary: 'Origin' })
      }
    },
  },
  {
    name: "cors: Vary: Origin is added to the function's own Vary",
    async run(t) {
      const response = await t.send({
        host: 'cors-upstream.test',
        path: '/response-headers',
        method: 'POST',
        headers: { origin: 'example.test', 'content-type': 'text/plain' },
        body: JSON.stringify({ statusCode: 200, headers: { Vary: 'Accept-Encoding' }, body: 'ok' }),
      })
      t.equal(response.status, 200, 'status')
      t.equal(response.headers.get('vary'), 'Accept-Encoding, Origin', 'Vary')
    },
  },
  {
    name: 'cors: an origin with a scheme is not a host',
    async run(t) {
      for (const origin of ['http://example.test', 'https://example.test']) await expectCors(t, withOrigin('cors6.test', origin), 200, { [ACAO]: null })
    },
  },
  {
    name: 'cors: flat origins are compared with their scheme and port (the default port left out)',
    async run(t) {
      for (const [origin, allowed] of [
        ['http://my-site.test', 'http://my-site.test'],
        ['http://my-site.test:80', 'http://my-site.test'],
        ['http://my-site.test:8000', null],
        ['https://my-site.test', null],
        ['https://my-other-site.test:9000', 'https://my-other-site.test:9000'],
        ['https://my-other-site.test:9001', null],
      ]) {
        await expectCors(t, withOrigin('cors11.test', origin as string), 200, { [ACAO]: allowed })
      }
    },
  },
  {
    name: 'cors: an origin not listed gets no Access-Control-Allow-Origin',
    async run(t) {
      await expectCors(t, withOrigin('cors6.test', 'http://www.example.net'), 200, { [ACAO]: null })
    },
  },
  {
    name: 'cors: with credentials, * allows the request origin (its port included)',
    async run(t) {
      for (const origin of ['http://www.example.net', 'http://www.example.net:3000']) {
        await expectCors(t, withOrigin('cors5.test', origin), 200, { [ACAO]: origin, 'access-control-allow-credentials': 'true', vary: 'Origin' })
      }
    },
  },
  {
    name: 'cors: without credentials, * is *',
    async run(t) {
      await expectCors(t, withOrigin('cors7.test', 'http://www.example.net'), 200, { [ACAO]: '*', 'access-control-allow-credentials': null, vary: null })
    },
  },
  {
    name: 'cors: * among several origins is *',
    async run(t) {
      await expectCors(t, withOrigin('cors14.test', 'http://www.example.net'), 200, { [ACAO]: '*' })
    },
  },
  {
    name: "cors: the function's own Access-Control-Allow-Origin is replaced, or removed for an origin not allowed",
    async run(t) {
      const allowed = await expectCors(t, withOrigin('cors12.test', 'allowed-domain.test'), 200, {
        [ACAO]: 'allowed-domain.test',
        'access-control-allow-credentials': 'true',
        vary: 'Origin',
        age: '3600',
      })
      await allowed.text()
      await expectCors(t, withOrigin('cors12.test', 'disallowed-domain.test'), 200, { [ACAO]: null, 'access-control-allow-credentials': 'true', age: '3600' })
    },
  },
  ...[undefined, ''].flatMap((origin): Case[] => [
    {
      name: `cors: allow_origin_absent false, Origin ${origin === undefined ? 'absent' : 'empty'}: no CORS header`,
      async run(t) {
        await expectCors(t, withOrigin('cors15.test', origin), 200, {
          [ACAO]: null,
          'access-control-allow-credentials': null,
          'access-control-expose-headers': null,
        })
      },
    },
    {
      name: `cors: allow_origin_absent true, Origin ${origin === undefined ? 'absent' : 'empty'}: the headers`,
      async run(t) {
        await expectCors(t, withOrigin('cors16.test', origin), 200, {
          [ACAO]: 'foo.bar',
          'access-control-allow-credentials': 'true',
          'access-control-expose-headers': 'x-auth-token',
        })
      },
    },
  ]),
]

const SERVICE_UNAVAILABLE = { message: 'Service unavailable' }

const requestTerminationCases: Case[] = [
  {
    name: "request-termination: Kong's default status and message, on a service's route (the service is never contacted)",
    async run(t) {
      const response = await t.send({ host: 'api1.request-termination.test', path: '/status/200' })
      t.equal(response.status, 503, 'status')
      t.equal(response.headers.get('content-type'), 'application/json; charset=utf-8', 'Content-Type')
      t.equal(await json(response), SERVICE_UNAVAILABLE, 'body')
    },
  },
  {
    name: "request-termination: Kong's default status and message on a route without a service",
    async run(t) {
      const response = await t.send({ host: 'api7.request-termination.test', path: '/status/200' })
      t.equal([response.status, await json(response)], [503, SERVICE_UNAVAILABLE])
    },
  },
  ...[
    ['a status with its default message', 'api2', 404, { message: 'Not found' }],
    ['a status with a custom message', 'api3', 406, { message: 'Invalid' }],
    ['a status without a default message: no body', 'api11', 418, null],
  ].map(
    ([what, api, status, body]): Case => ({
      name: `request-termination: ${what}`,
      async run(t) {
        const response = await t.send({ host: `${api}.request-termination.test`, path: '/status/200' })
        t.equal(response.status, status, 'status')
        const text = await response.text()
        t.equal(text === '' ? null : JSON.parse(text), body, 'body')
      },
    }),
  ),
  {
    name: 'request-termination: 204 without a body or Content-Length',
    async run(t) {
      const response = await t.send({ host: 'api8.request-termination.test', path: '/status/204' })
      t.equal(response.status, 204, 'status')
      t.equal(response.headers.get('content-length'), null, 'Content-Length')
    },
  },
  {
    name: 'request-termination: the configured body, without a Content-Type unless one is configured',
    async run(t) {
      const maintenance = await t.send({ host: 'api4.request-termination.test', path: '/status/200' })
      t.equal(maintenance.status, 503, 'status')
      t.equal(maintenance.headers.get('content-type'), null, 'no Content-Type')
      t.equal(await maintenance.text(), '<html><body><h1>Service is down for maintenance</h1></body></html>', 'body')
      const infringement = await t.send({ host: 'api5.request-termination.test', path: '/status/200' })
      t.equal(infringement.status, 451, 'status')
      t.equal(infringement.headers.get('content-type'), 'text/html', 'Content-Type')
      t.equal(await infringement.text(), '<html><body><h1>Service is down due to content infringement</h1></body></html>', 'body')
      const json503 = await t.send({ host: 'api6.request-termination.test', path: '/status/200' })
      t.equal([json503.status, await json(json503)], [503, { code: 1, message: 'Service unavailable' }])
    },
  },
  {
    name: 'request-termination: echo answers the request back (POST: fetch runtimes carry no GET body)',
    async run(t) {
      const response = await t.send({
        host: 'api9.request-termination.test',
        path: '/status/200?hello=there',
        method: 'POST',
        headers: { 'content-length': '9' },
        body: 'cool body',
      })
      t.equal(response.status, 404, 'status')
      const echoed = await json(response)
      t.equal(echoed.message, 'Not found', 'message')
      t.ok(/^[0-9a-f-]{36}$/.test(echoed.kong.node_id), 'node_id')
      t.equal(echoed.matched_route.hosts, ['api9.request-termination.test'], 'matched_route.hosts')
      t.equal(echoed.matched_route.paths, ['~/(?<parameter>[^#?/]+)/200'], 'matched_route.paths')
      t.equal(echoed.matched_service, undefined, 'no service')
      const { headers, port, ...request } = echoed.request
      t.equal(headers.host, 'api9.request-termination.test', 'host header')
      t.equal(headers['content-length'], '9', 'content-length header')
      t.equal(port, 80, "port (the Host's, 80 when it names none)")
      t.equal(
        request,
        {
          host: 'api9.request-termination.test',
          method: 'POST',
          path: '/status/200',
          query: { hello: 'there' },
          raw_body: 'cool body',
          scheme: 'http',
          uri_captures: { named: { parameter: 'status' }, unnamed: ['status'] },
        },
        'request',
      )
    },
  },
  {
    name: 'request-termination: with a trigger, a request without it goes on (no service here: 503)',
    async run(t) {
      const response = await t.send({ host: 'api10.request-termination.test', path: '/status/200' })
      t.equal(
        [response.status, await json(response)],
        [503, { message: 'no Service found with those values', request_id: response.headers.get('x-request-id') }],
      )
    },
  },
  ...[
    ['a header', { 'Gimme-An-Echo': 'anything will do' }, '/status/200?hello=there'],
    ['a query argument', {}, '/status/200?hello=there&gimme-an-echo=anything%20will%20do'],
  ].map(
    ([what, headers, path]): Case => ({
      name: `request-termination: echo, triggered by ${what}`,
      async run(t) {
        const response = await t.send({
          host: 'api10.request-termination.test',
          path: path as string,
          method: 'POST',
          headers: { ...(headers as Record<string, string>), 'content-type': 'application/json' },
          body: '{"cool":"body"}',
        })
        t.equal(response.status, 404, 'status')
        const echoed = await json(response)
        t.equal(echoed.matched_route.hosts, ['api10.request-termination.test'], 'matched_route.hosts')
        const { query, body, raw_body, uri_captures, headers: seen } = echoed.request
        t.equal(query, { hello: 'there', ...(what === 'a header' ? {} : { 'gimme-an-echo': 'anything will do' }) }, 'query')
        t.equal(seen['gimme-an-echo'], what === 'a header' ? 'anything will do' : undefined, 'the trigger header')
        t.equal([body, raw_body], [{ cool: 'body' }, '{"cool":"body"}'], 'body, parsed and raw')
        t.equal(uri_captures, { named: {}, unnamed: [] }, 'uri_captures')
      },
    }),
  ),
  {
    name: 'request-termination never runs on a route where aws-lambda answers (priority 2 < 750), as in Kong',
    async run(t) {
      for (const host of ['lambda.request-termination.test', 'lambda-trigger.request-termination.test']) {
        const response = await t.send({ host, path: '/', headers: { stop: 'now' } })
        t.equal(response.status, 200, `${host}: the function answered`)
        t.equal((await json(response)).method, 'POST', `${host}: the Invoke call`)
      }
    },
  },
]

const KB = 1024
const MB = 1024 * KB
const UNITS = { bytes: 1, kilobytes: KB, megabytes: MB } as const
const LIMIT_EXCEEDED = 'Request size limit exceeded'

const sized = (host: string, size: number, headers: Record<string, string> = {}): Request => ({
  host,
  path: '/request',
  method: 'POST',
  headers: { 'content-length': String(size), ...headers },
  body: 'a'.repeat(size),
})
const chunked = (host: string, size: number, headers: Record<string, string> = {}): Request => ({
  host,
  path: '/request',
  method: 'POST',
  headers: { 'transfer-encoding': 'chunked', ...headers },
  body: 'a'.repeat(size),
})

async function expectRefused(t: E2E, request: Request, status: number, message = LIMIT_EXCEEDED) {
  const response = await t.send(request)
  t.equal(response.status, status, 'status')
  const body = await json(response)
  t.equal(body.message, message, 'message')
  t.ok(typeof body.request_id === 'string' && body.request_id.length > 0, 'request_id')
}

const requestSizeLimitingCases: Case[] = [
  ...(['bytes', 'kilobytes'] as const).flatMap((unit): Case[] => [
    {
      name: `request-size-limiting (${unit}): by Content-Length, at the limit passes, past it 413 (417 with Expect: 100-continue)`,
      async run(t) {
        const host = `limit_${unit}.test`
        const limit = 2 * UNITS[unit]
        t.equal((await t.send(sized(host, limit))).status, 200, 'at the limit')
        t.equal((await t.send(sized(host, limit - 1, { expect: '100-continue' }))).status, 200, 'under the limit, Expect')
        await expectRefused(t, sized(host, limit + 1), 413)
        await expectRefused(t, sized(host, limit + 1, { expect: '100-continue' }), 417)
      },
    },
    {
      name: `request-size-limiting (${unit}): a chunked body is counted as read: at the limit passes, past it 413 (417 with Expect: 100-continue)`,
      async run(t) {
        const host = `limit_${unit}.test`
        const limit = 2 * UNITS[unit]
        const passed = await t.send(chunked(host, limit))
        t.equal(passed.status, 200, 'at the limit')
        t.equal((await json(passed)).request_body, 'a'.repeat(limit), 'the function got the whole body')
        t.equal((await t.send(chunked(host, limit, { expect: '100-continue' }))).status, 200, 'at the limit, Expect')
        await expectRefused(t, chunked(host, limit + 1), 413)
        await expectRefused(t, chunked(host, limit + 1, { expect: '100-continue' }), 417)
      },
    },
  ]),
  {
    name: 'request-size-limiting (megabytes): a body under the limit passes',
    async run(t) {
      t.equal((await t.send(sized('limit_megabytes.test', KB))).status, 200, 'Content-Length')
      t.equal((await t.send(chunked('limit_megabytes.test', KB))).status, 200, 'chunked')
    },
  },
  {
    name: "request-size-limiting: a chunked body past CLIENT_MAX_BODY_SIZE (64k here) is this plugin's 413 when its limit is lower, the gateway's when it is higher",
    async run(t) {
      await expectRefused(t, chunked('limit_kilobytes.test', 64 * KB + 1), 413)
      const response = await t.send(chunked('limit_megabytes.test', 64 * KB + 1))
      t.equal([response.status, await json(response)], [413, { message: 'Request body too large' }])
    },
  },
  {
    name: 'request-size-limiting: require_content_length refuses a request without Content-Length with 411; a chunked one is counted',
    async run(t) {
      await expectRefused(t, { host: 'required.test', path: '/request' }, 411, 'A valid Content-Length header is required')
      t.equal((await t.send(chunked('required.test', 10))).status, 200, 'chunked')
      await expectRefused(t, chunked('required.test', 2 * KB + 1), 413)
      t.equal((await t.send(sized('required.test', 10))).status, 200, 'Content-Length')
    },
  },
]

export const pluginsACases: Case[] = [...corsRegexCases, ...corsPreflightCases, ...corsResponseCases, ...requestTerminationCases, ...requestSizeLimitingCases]
