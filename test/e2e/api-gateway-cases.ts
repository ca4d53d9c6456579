// API Gateway events and proxy-integration responses: each event is checked field by
// field against what AWS documents for the same request, and against AWS's published event
// schema (test/support/aws-event-schema.ts), on every runtime. The echo function returns the
// event it received as `body`; the binary echo returns the event's body as its own.

import { awsSchemaProblems, bodyKeys, NO_BODY } from '../support/aws-event-schema.ts'
import { type Case, type E2E, expectSanitised, json, post, withLogs } from './harness.ts'

const QUERY = 'single-query=hello%20world&multi-query=first&multi-query=second&flag'
const REQUEST = {
  path: `/123/strip/more?${QUERY}`,
  headers: { 'user-agent': 'curl/7.54.0', 'single-header': 'hello world', cookie: 'a=1; b=2' },
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ')

/** The event the echo function received, which AWS's published schema must accept. */
export async function eventIn(t: E2E, response: Response): Promise<Record<string, any>> {
  const event = JSON.parse((await json(response)).body)
  t.equal(awsSchemaProblems(event), [], `AWS's event schema (${event.version})`)
  return event
}

/** The event the echo function received for `request`. */
export async function eventFor(t: E2E, request: Parameters<E2E['send']>[0]): Promise<Record<string, any>> {
  const response = await t.send(request)
  t.equal(response.status, 200, 'status')
  return eventIn(t, response)
}

/** API Gateway's `dd/Mon/yyyy:HH:MM:SS +0000` for an epoch in ms, from toISOString's fields. */
function clf(ms: number): string {
  const [, year, month, day, time] = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})/.exec(new Date(ms).toISOString())!
  return `${day}/${MONTHS[Number(month) - 1]}/${year}:${time} +0000`
}

/**
 * Checks the fields only the runtime and the moment decide (request id, time, headers), then
 * removes them so that the rest can be compared with AWS's literal shape.
 */
function takeVaryingFields(t: E2E, event: Record<string, any>, context: Record<string, any>, time: 'requestTime' | 'time', before: number) {
  const epochKey = time === 'requestTime' ? 'requestTimeEpoch' : 'timeEpoch'
  const epoch = context[epochKey]
  t.ok(typeof epoch === 'number' && epoch >= before && epoch <= Date.now(), `${epochKey} ${epoch}`)
  t.equal(context[time], clf(epoch), time)
  t.ok(UUID.test(context.requestId), `requestId ${context.requestId}`)
  for (const [name, value] of Object.entries(REQUEST.headers)) {
    if (name !== 'cookie' || event.version === '1.0') t.equal(event.headers[name], value, `header ${name}`)
  }
  t.equal(event.headers.host, context.domainName, 'host header')
  const varying = { requestId: context.requestId, headers: event.headers }
  delete context[time]
  delete context[epochKey]
  delete context.requestId
  delete event.headers
  return varying
}

const IDENTITY_NULLS = {
  accessKey: null,
  accountId: null,
  apiKey: null,
  apiKeyId: null,
  caller: null,
  cognitoAuthenticationProvider: null,
  cognitoAuthenticationType: null,
  cognitoIdentityId: null,
  cognitoIdentityPoolId: null,
  principalOrgId: null,
  user: null,
  userArn: null,
}

export const apiGatewayCases: Case[] = [
  {
    name: 'API Gateway 1.0 (Z1): the event AWS documents, field by field',
    async run(t) {
      const before = Date.now()
      const event = await eventFor(t, { host: 'apigw1.test', ...REQUEST })
      const { requestId, headers } = takeVaryingFields(t, event, event.requestContext, 'requestTime', before)
      t.equal(event.requestContext.extendedRequestId, requestId, 'extendedRequestId')
      delete event.requestContext.extendedRequestId
      t.equal(Object.keys(event.multiValueHeaders).sort(), Object.keys(headers).sort(), 'multiValueHeaders names')
      for (const [name, value] of Object.entries(REQUEST.headers)) t.equal(event.multiValueHeaders[name], [value], `multiValueHeaders ${name}`)
      delete event.multiValueHeaders
      t.equal(event, {
        version: '1.0',
        resource: '/{version}/strip',
        path: '/123/strip/more',
        httpMethod: 'GET',
        queryStringParameters: { 'single-query': 'hello world', 'multi-query': 'second', flag: '' },
        multiValueQueryStringParameters: { 'single-query': ['hello world'], 'multi-query': ['first', 'second'], flag: [''] },
        pathParameters: { version: '123' },
        stageVariables: null,
        requestContext: {
          accountId: 'anonymous',
          apiId: 'lambda-gateway',
          domainName: 'apigw1.test',
          domainPrefix: 'apigw1',
          httpMethod: 'GET',
          identity: { ...IDENTITY_NULLS, sourceIp: t.sourceIp, userAgent: 'curl/7.54.0' },
          path: '/123/strip/more',
          protocol: 'HTTP/1.1',
          resourceId: null,
          resourcePath: '/{version}/strip',
          stage: '$default',
        },
        body: null,
        isBase64Encoded: false,
      })
    },
  },
  {
    name: 'API Gateway 2.0: the event AWS documents, field by field',
    async run(t) {
      const before = Date.now()
      const event = await eventFor(t, { host: 'apigw2.test', ...REQUEST })
      const { headers } = takeVaryingFields(t, event, event.requestContext, 'time', before)
      t.equal(headers.cookie, undefined, 'cookies are not repeated as a header')
      t.equal(event, {
        version: '2.0',
        routeKey: 'GET /{version}/strip',
        rawPath: '/123/strip/more',
        rawQueryString: QUERY,
        cookies: ['a=1', 'b=2'],
        queryStringParameters: { 'single-query': 'hello world', 'multi-query': 'first,second', flag: '' },
        pathParameters: { version: '123' },
        requestContext: {
          accountId: 'anonymous',
          apiId: 'lambda-gateway',
          domainName: 'apigw2.test',
          domainPrefix: 'apigw2',
          http: { method: 'GET', path: '/123/strip/more', protocol: 'HTTP/1.1', sourceIp: t.sourceIp, userAgent: 'curl/7.54.0' },
          routeKey: 'GET /{version}/strip',
          stage: '$default',
        },
        isBase64Encoded: false,
      })
      t.ok(!('body' in event), 'no body key without a body (AWS sends none, never null)')
    },
  },
  {
    name: 'API Gateway 1.0 (Z2/Z3): a prefix route, no query, no captures: nulls where AWS sends null',
    async run(t) {
      const event = await eventFor(t, { host: 'apigw1.test', path: '/plain/strip/more' })
      t.equal(event.resource, '/plain', 'resource')
      t.equal(event.requestContext.resourcePath, '/plain', 'resourcePath')
      t.equal(event.path, '/plain/strip/more', 'path (strip_path false)')
      t.equal(event.queryStringParameters, null, 'queryStringParameters')
      t.equal(event.multiValueQueryStringParameters, null, 'multiValueQueryStringParameters')
      t.equal(event.pathParameters, null, 'pathParameters')
    },
  },
  {
    name: 'API Gateway 1.0: path follows strip_path, resource is the route path',
    async run(t) {
      const event = await eventFor(t, { host: 'apigw1-strip.test', path: '/prefix/rest?x=1' })
      t.equal([event.path, event.requestContext.path, event.resource], ['/rest', '/rest', '/prefix'])
    },
  },
  {
    name: 'API Gateway 2.0: no query, cookies or captures: the optional keys are absent; a route without methods is ANY',
    async run(t) {
      const event = await eventFor(t, { host: 'apigw2-any.test', path: '/any/thing' })
      t.equal(event.routeKey, 'ANY /any', 'routeKey')
      t.equal(event.rawPath, '/thing', 'rawPath (strip_path)')
      t.equal(event.rawQueryString, '', 'rawQueryString')
      for (const key of ['cookies', 'queryStringParameters', 'pathParameters']) t.ok(!(key in event), `${key} absent`)
    },
  },
  {
    name: 'API Gateway 2.0: a route of several methods has the matched one in its routeKey',
    async run(t) {
      const event = await eventFor(t, { ...post('apigw2.test', 'x'), path: '/plain' })
      t.equal(event.routeKey, 'POST /plain')
    },
  },
  {
    name: 'API Gateway (Z4/Z5): every non-empty body is base64, JSON or unknown type alike',
    async run(t) {
      for (const [host, type] of [
        ['apigw1.test', 'application/json'],
        ['apigw1.test', 'some-unknown-type-description'],
        ['apigw2.test', 'text/plain'],
      ]) {
        const body = type === 'application/json' ? '{ "text": "some text" }' : 'text'
        const event = await eventFor(t, { ...post(host, body, type), path: '/plain' })
        t.equal([event.body, event.isBase64Encoded], [btoa(body), true], `${host} ${type}`)
        t.equal(event.headers['content-type'], type, 'content-type header')
      }
    },
  },
  {
    name: 'API Gateway with base64_encode_body false sends the raw text',
    async run(t) {
      const event = await eventFor(t, post('apigw1-raw.test', 'donotencodemeplease', 'text/plain'))
      t.equal([event.body, event.isBase64Encoded], ['donotencodemeplease', false])
    },
  },
  {
    name: 'R5 API Gateway, skip_large_bodies: a large body is dropped and logged',
    async run(t) {
      for (const host of ['apigw1-skip.test', 'apigw2-skip.test']) {
        const [response, logged] = await withLogs(t, () => t.send(post(host, 'a'.repeat(32 * 1024))))
        const event = await eventIn(t, response)
        t.equal(bodyKeys(event), NO_BODY[host.startsWith('apigw1') ? '1.0' : '2.0'], host)
        t.ok(logged.includes('request body was buffered to disk, too large'), `${host} logged`)
      }
    },
  },
  {
    name: 'R6-R8 API Gateway: small bodies, and large ones without skip_large_bodies, are kept',
    async run(t) {
      const small = 'a'.repeat(1024)
      const large = 'a'.repeat(32 * 1024)
      for (const [host, body] of [
        ['apigw1-skip.test', small],
        ['apigw1-noskip.test', large],
        ['apigw1-noskip.test', small],
      ]) {
        const [response, logged] = await withLogs(t, () => t.send(post(host, body)))
        t.equal((await eventIn(t, response)).body, btoa(body), `${host} ${body.length}`)
        t.ok(!logged.includes('too large'), 'nothing logged')
      }
    },
  },
  {
    name: 'R11 API Gateway on a route without a service answers with the Invoke headers',
    async run(t) {
      const response = await t.send(post('apigw1-raw.test', 'encodemeplease'))
      t.equal(response.status, 200)
      t.equal(response.headers.get('x-amzn-requestid'), 'foo')
    },
  },
  {
    name: 'a binary body round-trips byte for byte (base64 in the event, base64 in the response), 1.0 and 2.0',
    async run(t) {
      const bytes = new Uint8Array(256)
      for (let i = 0; i < bytes.length; i++) bytes[i] = i
      for (const host of ['apigw1-binary.test', 'apigw2-binary.test']) {
        const response = await t.send(post(host, bytes, 'application/octet-stream'))
        t.equal(response.status, 200, host)
        t.equal(response.headers.get('content-type'), 'application/octet-stream', 'content-type')
        t.equal([...new Uint8Array(await response.arrayBuffer())], [...bytes], `${host} bytes`)
      }
    },
  },
  {
    name: 'API Gateway 2.0 response: a JSON result without statusCode is a 200 application/json body',
    async run(t) {
      const response = await t.send({ host: 'apigw2-inferred.test', path: '/inferred?a=1' })
      t.equal(response.status, 200)
      t.equal(response.headers.get('content-type'), 'application/json')
      t.equal((await eventIn(t, response)).queryStringParameters, { a: '1' }, 'the result, as the body')
    },
  },
  {
    name: 'API Gateway 2.0 response: each cookie is one Set-Cookie; 1.0 has no cookies key',
    async run(t) {
      const response = await t.send({ host: 'apigw2-cookies.test', path: '/' })
      t.equal(response.status, 201)
      t.equal(response.headers.getSetCookie(), ['session=abc; Path=/; HttpOnly', 'theme=dark'])
      t.equal(response.headers.get('x-version'), '2.0')
      t.equal(await response.text(), 'with cookies')
      const v1 = await t.send({ host: 'apigw1-cookies.test', path: '/' })
      t.equal([v1.status, v1.headers.getSetCookie()], [201, []], '1.0 ignores cookies')
    },
  },
  {
    name: 'API Gateway 2.0 response: invalid JSON, an Event invocation and a function error are bad gateways; a function error on 1.0 is said to be one',
    async run(t) {
      for (const [host, reason] of [
        ['apigw2-bad-json.test', 'response is not valid JSON'],
        ['apigw2-event.test', 'proxy response must be json format'],
        ['apigw2-error.test', 'the function failed'],
        ['apigw1-error.test', 'the function failed'],
      ]) {
        const response = await t.send({ host, path: '/' })
        t.equal(response.status, 502, host)
        t.equal(await response.text(), JSON.stringify({ message: 'Bad Gateway', error: `could not JSON decode Lambda function response: ${reason}` }), host)
      }
    },
  },
  {
    name: 'a proxy response with headers: null (aws-lambda-go) is accepted',
    async run(t) {
      const response = await t.send({ host: 'apigw1-null-headers.test', path: '/' })
      t.equal([response.status, await response.text()], [200, 'no headers'])
    },
  },
  {
    name: 'API Gateway 2.0: cookies are split on ";" whatever the spacing, empty ones dropped',
    async run(t) {
      const event = await eventFor(t, { host: 'apigw2.test', path: '/plain', headers: { cookie: 'a=1;b=2; ;  c=3 ' } })
      t.equal(event.cookies, ['a=1', 'b=2', 'c=3'])
    },
  },
  {
    name: 'API Gateway (Z3): a body without Content-Type is base64',
    async run(t) {
      // Bytes, because a fetch Request with a string body gets a text/plain Content-Type.
      const event = await eventFor(t, { ...post('apigw1.test', new TextEncoder().encode('text') as Uint8Array<ArrayBuffer>), path: '/plain' })
      t.equal([event.body, event.isBase64Encoded, event.headers['content-type']], [btoa('text'), true, undefined])
    },
  },
  {
    name: 'a function header with CR/LF is a 502, never a header injection',
    async run(t) {
      const response = await t.send({ host: 'crlf.proxy.test', path: '/' })
      await expectSanitised(
        t,
        response,
        502,
        '{"message":"Bad Gateway","error":"could not JSON decode Lambda function response: headers contain an invalid name or value"}',
      )
      t.equal(response.headers.get('set-cookie'), null, 'no injected cookie')
      t.equal(response.headers.get('x-evil'), null, 'no header')
    },
  },
]
