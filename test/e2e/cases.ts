// Black-box cases, run through real HTTP against the Node entry and inside workerd against
// the Worker entry: Kong's access, request-util and proxy-integration specs (the A, R and P
// cases of docs/aws-lambda-plugin.md#spec-cases-ported-from-kong),
// our error sanitisation, and signing details checked by the mock's independent verifier.
// They take their assertions from the runner, so the same list runs under vitest and Deno.

import { aclCases } from './acl-cases.ts'
import { apiGatewayCases } from './api-gateway-cases.ts'
import { authCases } from './auth-cases.ts'
import { authReviewCases } from './auth-review-cases.ts'
import { authorizerCases } from './authorizer-cases.ts'
import { balancerCases } from './balancer-cases.ts'
import { eventSchemaCases } from './event-schema-cases.ts'
import { hardeningCases } from './hardening-cases.ts'
import { API_ERROR_BODY, type Case, countInvocations, expectSanitised, expectSuccess, FORM, get, json, post, postJson, withLogs } from './harness.ts'
import { invokeLimitsCases } from './invoke-limits-cases.ts'
import { ipRestrictionCases } from './ip-restriction-cases.ts'
import { jwtCases } from './jwt-cases.ts'
import { kongRouterCases } from './kong-router-cases.ts'
import { logsCases } from './logs-cases.ts'
import { otelCases } from './otel-cases.ts'
import { parityCases } from './parity-cases.ts'
import { pluginsACases } from './plugins-a-cases.ts'
import { pluginsBCases } from './plugins-b-cases.ts'
import { proxyCases } from './proxy-cases.ts'
import { rateLimitingCases } from './rate-limiting-cases.ts'
import { responseRlCases } from './response-rl-cases.ts'
import { routingCases } from './routing-cases.ts'
import { streamingCases } from './streaming-cases.ts'
import { tlsCases } from './tls-cases.ts'
import { webSocketCases } from './websocket-cases.ts'

export type { Case, ClientRequest, E2E, Invocation } from './harness.ts'

export const cases: Case[] = [
  // Basic invocation: the A cases of Kong's 99-access_spec.lua
  {
    name: 'A1/A24 query arguments become the payload (region from the config)',
    async run(t) {
      const response = await t.send(get('lambda1.test'))
      await expectSuccess(t, response)
      t.equal((await json(response)).key1, 'some_value1')
      t.equal(response.headers.get('x-amz-function-error'), null, 'no function error')
    },
  },
  {
    name: 'A2 a route of a service (the upstream is never contacted)',
    async run(t) {
      const response = await t.send(get('lambda2.test'))
      await expectSuccess(t, response)
      t.equal((await json(response)).key1, 'some_value1')
    },
  },
  {
    name: 'A3 form body arguments',
    async run(t) {
      const response = await t.send(post('lambda1.test', 'key1=some_value_post1&key2=some_value_post2&key3=some_value_post3', FORM))
      await expectSuccess(t, response)
      t.equal((await json(response)).key1, 'some_value_post1')
    },
  },
  {
    name: 'A4 JSON body arguments',
    async run(t) {
      const response = await t.send(postJson('lambda1.test', { key1: 'some_value_json1', key2: 'some_value_json2', key3: 'some_value_json3' }))
      await expectSuccess(t, response)
      t.equal((await json(response)).key1, 'some_value_json1')
    },
  },
  {
    name: 'A5 a JSON array body stays an array',
    async run(t) {
      const response = await t.send(post('lambda1.test', '[{}, []]', 'application/json'))
      await expectSuccess(t, response)
      t.equal((await response.text()).replaceAll('\n', ''), '[{},[]]')
    },
  },
  {
    name: 'A6 body and query arguments merge',
    async run(t) {
      const response = await t.send(post('lambda1.test', 'key2=some_value_post2&key3=some_value_post3', FORM, '/post?key1=from_querystring'))
      await expectSuccess(t, response)
      const body = await json(response)
      t.equal(body.key1, 'from_querystring')
      t.equal(body.key2, 'some_value_post2')
    },
  },
  {
    name: 'A7 forward_request_* with an XML body',
    async run(t) {
      const response = await t.send({
        host: 'lambda7.test',
        method: 'POST',
        path: '/post?key1=from_querystring',
        headers: { 'content-type': 'application/xml', 'custom-header': 'someheader' },
        body: '<xml/>',
      })
      await expectSuccess(t, response)
      const body = await json(response)
      t.equal(body.request_method, 'POST')
      t.equal(body.request_uri, '/post?key1=from_querystring')
      t.equal(JSON.stringify(body.request_uri_args), '{"key1":"from_querystring"}')
      t.equal(body.request_headers['custom-header'], 'someheader')
      t.equal(body.request_headers.host, 'lambda7.test')
      t.equal(body.request_body, '<xml/>')
      t.equal(JSON.stringify(body.request_body_args), '{}')
      t.equal(body.request_body_base64, undefined, 'request_body_base64')
    },
  },
  {
    name: 'A8 forward without the uri',
    async run(t) {
      const response = await t.send({ ...postJson('lambda8.test', { key2: 'some_value' }), path: '/post?key1=from_querystring' })
      await expectSuccess(t, response)
      const body = await json(response)
      t.equal(body.request_method, 'POST')
      t.equal('request_uri' in body || 'request_uri_args' in body, false, 'no uri fields')
      t.equal(body.request_headers.host, 'lambda8.test')
      t.equal(body.request_body_args.key2, 'some_value')
      t.equal(body.request_body, '{"key2":"some_value"}')
    },
  },
  {
    name: 'A9 forward a text/plain body as text',
    async run(t) {
      const body = await json(await t.send(post('lambda7.test', 'some text', 'text/plain')))
      t.equal(body.request_body, 'some text')
      t.equal(body.request_body_base64, undefined, 'request_body_base64')
      t.equal(JSON.stringify(body.request_body_args), '{}')
    },
  },
  {
    name: 'A10 forward an octet-stream body base64-encoded',
    async run(t) {
      const body = await json(await t.send(post('lambda7.test', '01234', 'application/octet-stream')))
      t.equal(body.request_body, btoa('01234'))
      t.equal(body.request_body_base64, true)
      t.equal(JSON.stringify(body.request_body_args), '{}')
    },
  },
  {
    name: 'A11 Event invocation answers 202',
    async run(t) {
      const response = await t.send(post('lambda3.test', 'key1=a', FORM))
      await expectSuccess(t, response, 202)
      t.equal(await response.text(), '')
    },
  },
  {
    name: 'A12 DryRun invocation answers 204',
    async run(t) {
      const response = await t.send(post('lambda4.test', 'key1=a', FORM))
      await expectSuccess(t, response, 204)
    },
  },
  {
    name: 'A13 a function slower than timeout gives 500',
    async run(t) {
      await expectSanitised(t, await t.send(get('lambda5.test')), 500)
    },
  },
  {
    name: 'A14 an unhandled function error is visible',
    async run(t) {
      const response = await t.send(get('lambda6.test'))
      await expectSuccess(t, response)
      t.equal(response.headers.get('x-amz-function-error'), 'Unhandled')
      t.equal((await json(response)).errorMessage, 'boom')
    },
  },
  {
    name: 'A15 unhandled error with Event',
    async run(t) {
      const response = await t.send(get('lambda15.test'))
      t.equal(response.status, 202)
      t.equal(response.headers.get('x-amz-function-error'), 'Unhandled')
    },
  },
  {
    name: 'A16 unhandled error with DryRun',
    async run(t) {
      const response = await t.send(get('lambda16.test'))
      t.equal(response.status, 204)
      t.equal(response.headers.get('x-amz-function-error'), 'Unhandled')
    },
  },
  {
    name: 'A17 unhandled_status replaces the status',
    async run(t) {
      const response = await t.send(get('lambda17.test'))
      t.equal(response.status, 412)
      t.equal(response.headers.get('x-amz-function-error'), 'Unhandled')
    },
  },
  {
    name: 'A18 the gateway adds Via',
    async run(t) {
      t.equal((await t.send(get('lambda1.test'))).headers.get('via'), '1.1 lambda-gateway')
    },
  },
  {
    name: 'A19 Content-Length is the exact body length',
    async run(t) {
      const response = await t.send(get('lambda1.test'))
      t.equal(response.headers.get('content-length'), '65')
      t.equal((await response.arrayBuffer()).byteLength, 65)
    },
  },
  {
    name: 'A20 a region without DNS gives 500',
    skipIn: ['workerd'],
    async run(t) {
      const [response, logged] = await withLogs(t, () => t.send(get('lambda20.test')))
      await expectSanitised(t, response, 500)
      t.ok(logged.includes('Lambda Invoke failed') && logged.includes('lambda.ab-cdef-1.amazonaws.com'), `DNS failure logged: ${logged}`)
    },
  },
  {
    name: 'A21 empty_arrays_mode legacy and correct',
    async run(t) {
      t.ok((await (await t.send(get('lambda21.test', '/get'))).text()).includes('"testbody":{}'), 'legacy gives {}')
      t.ok((await (await t.send(get('lambda21b.test', '/get'))).text()).includes('"testbody":[]'), 'correct keeps []')
    },
  },
  {
    name: 'A22 multi-value Content-Type in a proxy response',
    async run(t) {
      const response = await t.send(get('lambda22.test', '/get'))
      t.equal(response.status, 200)
      t.equal(response.headers.get('content-type'), 'application/json+test')
      t.equal(await response.text(), '{"key": "value", "key2": []}')
    },
  },
  {
    name: 'A23 a host without a region gives 500',
    async run(t) {
      const [response, logged] = await withLogs(t, () => t.send(get('lambda23.test')))
      await expectSanitised(t, response, 500)
      t.ok(logged.includes('no region specified: set aws_region, AWS_REGION or AWS_DEFAULT_REGION'), 'logged')
    },
  },
  {
    name: 'A25 a custom host is called and signed for the region',
    async run(t) {
      const response = await t.send(get('lambda25.test'))
      await expectSuccess(t, response)
      t.equal((await json(response)).key1, 'some_value1')
    },
  },

  // Request bodies: the R cases of Kong's 06-request-util_spec.lua. Kong's R1-R4 use GET with a
  // body; fetch-based runtimes cannot carry a GET body, so these send POST (a difference the README
  // states).
  {
    name: 'R1 a large body is dropped with skip_large_bodies',
    async run(t) {
      const [response, logged] = await withLogs(t, () => t.send(post('r1.test', 'a'.repeat(32 * 1024))))
      t.equal((await json(response)).request_body, '')
      t.ok(logged.includes('request body was buffered to disk, too large'), 'logged')
    },
  },
  {
    name: 'R2 a small body is kept with skip_large_bodies',
    async run(t) {
      const small = 'a'.repeat(1024)
      const [response, logged] = await withLogs(t, () => t.send(post('r1.test', small)))
      t.equal((await json(response)).request_body, btoa(small))
      t.ok(!logged.includes('too large'), 'nothing logged')
    },
  },
  {
    name: 'the client body buffer is 8192 bytes: 8192 kept, 8193 dropped',
    async run(t) {
      const at = 'a'.repeat(8192)
      t.equal((await json(await t.send(post('r1.test', at)))).request_body, btoa(at))
      t.equal((await json(await t.send(post('r1.test', `${at}a`)))).request_body, '')
    },
  },
  {
    name: 'a body over CLIENT_MAX_BODY_SIZE is refused with 413, never invoked',
    async run(t) {
      const before = (await t.invocations()).length
      const response = await t.send(post('r3.test', 'a'.repeat(64 * 1024 + 1)))
      t.equal(response.status, 413)
      t.equal(await response.text(), '{"message":"Request body too large"}')
      t.equal((await t.invocations()).length, before, 'invocations')
      t.equal((await t.send(post('r3.test', 'a'.repeat(64 * 1024)))).status, 200, 'at the limit')
    },
  },
  {
    name: 'A3 a large form body is not parsed into the legacy payload',
    async run(t) {
      const [response, logged] = await withLogs(t, () => t.send(post('echo.test', `big=${'a'.repeat(9000)}`, FORM, '/post?q=1')))
      t.equal(JSON.parse((await json(response)).body), { q: '1' })
      t.ok(logged.includes('not parsed'), 'logged')
    },
  },
  {
    name: 'A3 multipart form fields become arguments',
    async run(t) {
      const boundary = 'XyZ'
      const body = [
        `--${boundary}`,
        'Content-Disposition: form-data; name="a"',
        '',
        '1',
        `--${boundary}`,
        'Content-Disposition: form-data; name="f"; filename="f.txt"',
        'Content-Type: text/plain',
        '',
        'file text',
        `--${boundary}--`,
        '',
      ].join('\r\n')
      const response = await t.send(post('echo.test', body, `multipart/form-data; boundary=${boundary}`))
      t.equal(JSON.parse((await json(response)).body), { a: '1', f: 'file text' })
    },
  },
  {
    name: 'R3 a large body is kept without skip_large_bodies',
    async run(t) {
      const large = 'a'.repeat(32 * 1024)
      t.equal((await json(await t.send(post('r3.test', large)))).request_body, btoa(large))
    },
  },
  {
    name: 'R4 a small body without skip_large_bodies',
    async run(t) {
      const small = 'a'.repeat(1024)
      t.equal((await json(await t.send(post('r3.test', small)))).request_body, btoa(small))
    },
  },
  {
    name: 'R9 base64_encode_body by default',
    async run(t) {
      t.equal((await json(await t.send(post('r1.test', 'encodemeplease')))).request_body, btoa('encodemeplease'))
    },
  },
  {
    name: 'R10 base64_encode_body false sends the raw body',
    async run(t) {
      t.equal((await json(await t.send(post('r10.test', 'donotencodemeplease')))).request_body, 'donotencodemeplease')
    },
  },

  // Proxy integration: P1-P14 and A27 of Kong's 99-access_spec.lua
  {
    name: 'P1 statusCode only',
    async run(t) {
      const response = await t.send(postJson('proxy.test', { statusCode: 201 }))
      t.equal(response.status, 201)
      t.equal(response.headers.get('content-length'), '0')
      t.equal(response.headers.get('x-custom-header'), null, 'no custom header')
      t.equal(await response.text(), '')
    },
  },
  {
    name: 'P2 body and headers',
    async run(t) {
      const inner = '{"key1":"some_value_post1","key2":"some_value_post2","key3":"some_value_post3"}'
      const response = await t.send(postJson('proxy.test', { statusCode: 201, body: inner, headers: { 'X-Custom-Header': 'Hello world!' } }))
      t.equal(response.status, 201)
      t.equal(response.headers.get('content-length'), '79')
      t.equal(response.headers.get('x-custom-header'), 'Hello world!')
      t.equal(await response.text(), inner)
    },
  },
  {
    name: 'P3 function headers override the Invoke API headers',
    async run(t) {
      const response = await t.send(postJson('proxy.test', { statusCode: 201, headers: { 'x-amzn-RequestId': 'bar' } }))
      t.equal(response.status, 201)
      t.equal(response.headers.get('x-amzn-requestid'), 'bar')
    },
  },
  ...(
    [
      ['P4 a non-numeric statusCode', { statusCode: 'hello' }],
      ['P5 headers that are not an object', { headers: 'hello' }],
      ['P6 a body that is not a string', { statusCode: 201, body: 1234 }],
    ] as const
  ).map(
    ([name, result]): Case => ({
      name: `${name} is a bad gateway`,
      async run(t) {
        const response = await t.send(postJson('proxy.test', result))
        t.equal(response.status, 502)
        t.equal((await json(response)).message, 'Bad Gateway')
      },
    }),
  ),
  {
    name: 'P7 multiValueHeaders null is ignored',
    async run(t) {
      const response = await t.send(postJson('proxy.test', { statusCode: 201, body: 'test', multiValueHeaders: null }))
      t.equal(response.status, 201)
      t.equal(await response.text(), 'test')
    },
  },
  ...['functionWithBadJSON', 'functionWithNoResponse'].map(
    (name): Case => ({
      name: `P8/P9 ${name} is a bad gateway`,
      async run(t) {
        const response = await t.send(get(`${name}.proxy.test`))
        t.equal(response.status, 502)
        t.equal((await json(response)).message, 'Bad Gateway')
      },
    }),
  ),
  {
    name: 'P11 a base64-encoded body is decoded',
    async run(t) {
      const response = await t.send(get('functionWithBase64EncodedResponse.proxy.test'))
      t.equal(response.status, 200)
      t.equal(await response.text(), 'test')
    },
  },
  {
    name: 'P12 isBase64Encoded must be a boolean',
    async run(t) {
      const response = await t.send(get('functionWithIllegalBase64EncodedResponse.proxy.test'))
      t.equal(response.status, 502)
      t.ok((await response.text()).includes('isBase64Encoded must be a boolean'), 'reason in body')
    },
  },
  {
    name: 'P13 isBase64Encoded false returns the body as is',
    async run(t) {
      t.equal(await (await t.send(get('functionWithNotBase64EncodedResponse.proxy.test'))).text(), 'dGVzdA=')
    },
  },
  {
    name: 'P14 multiValueHeaders become repeated headers',
    async run(t) {
      const response = await t.send(get('functionWithMultiValueHeadersResponse.proxy.test'))
      t.equal(response.status, 200)
      t.equal(response.headers.get('age'), '3600')
      t.equal(response.headers.get('access-control-allow-origin'), 'site1.com, site2.com')
    },
  },
  {
    name: 'A27 Transfer-Encoding from the function is dropped',
    async run(t) {
      const response = await t.send(get('functionWithTransferEncodingHeader.proxy.test'))
      t.equal(response.status, 200)
      t.equal(response.headers.get('transfer-encoding'), null)
    },
  },

  // The Invoke request, as the mock's independent SigV4 verifier saw it
  {
    name: 'the Invoke request is signed over its x-amz headers',
    async run(t) {
      const echo = await json(await t.send(get('echo.test')))
      t.equal(echo.path, '/2015-03-31/functions/functionEcho/invocations')
      t.equal(echo.headers['x-amz-invocation-type'], 'RequestResponse')
      t.equal(echo.headers['x-amz-log-type'], 'Tail')
      const signed = /SignedHeaders=([^,]+)/.exec(echo.headers.authorization)?.[1]
      t.equal(signed, 'host;x-amz-content-sha256;x-amz-date;x-amz-invocation-type;x-amz-log-type')
      t.ok(
        echo.headers.authorization.includes('Credential=mock-key/') && echo.headers.authorization.includes('/us-east-1/lambda/aws4_request'),
        'credential scope',
      )
    },
  },
  {
    name: 'qualifier is sent as the Qualifier query parameter',
    async run(t) {
      const echo = await json(await t.send(get('qualifier.test')))
      t.equal(echo.query.Qualifier, 'prod')
    },
  },
  {
    name: 'a function ARN is sent encoded and verifies',
    async run(t) {
      const echo = await json(await t.send(get('arn.test')))
      t.equal(echo.path, '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3AfunctionEcho/invocations')
    },
  },
  {
    name: 'a name:alias function verifies',
    async run(t) {
      const echo = await json(await t.send(get('alias.test')))
      t.equal(echo.path, '/2015-03-31/functions/functionEcho%3Alive/invocations')
    },
  },
  {
    name: 'environment credentials with a session token',
    async run(t) {
      const echo = await json(await t.send(get('env-credentials.test')))
      t.ok(echo.headers.authorization.includes('Credential=AKIDENV/'), 'env key id')
      t.equal(echo.headers['x-amz-security-token'], 'env-session-token')
      t.ok(/SignedHeaders=[^,]*x-amz-security-token/.test(echo.headers.authorization), 'token signed')
    },
  },
  {
    name: 'AssumeRole on top of the environment keys: the function sees the assumed key, with its session token, validly signed',
    async run(t) {
      const response = await t.send(get('assume-role.test'))
      t.equal(response.status, 200, 'status')
      const echo = await json(response)
      const keyId = /Credential=([^/]+)\//.exec(echo.headers.authorization)?.[1] ?? ''
      t.ok(keyId.startsWith('ASIASTS'), `an STS-issued key signs the call: ${keyId}`)
      t.ok(/SignedHeaders=[^,]*x-amz-security-token/.test(echo.headers.authorization), 'session token signed')
      const invocation = (await t.invocations()).findLast((i) => i.accessKeyId === keyId)
      t.ok(invocation?.signatureValid, 'signature valid')
      // Fetched once, not per request.
      const again = await json(await t.send(get('assume-role.test')))
      t.ok(again.headers.authorization.includes(`Credential=${keyId}/`), 'the same assumed key again')
    },
  },
  {
    name: 'AssumeRole on top of the plugin keys uses its own cache and session name',
    async run(t) {
      const [fromKeys, fromEnv] = await Promise.all([json(await t.send(get('assume-role-keys.test'))), json(await t.send(get('assume-role.test')))])
      const keyOf = (echo: Record<string, any>) => /Credential=([^/]+)\//.exec(echo.headers.authorization)?.[1]
      t.ok(keyOf(fromKeys)?.startsWith('ASIASTS'), 'assumed key')
      t.ok(keyOf(fromKeys) !== keyOf(fromEnv), "not the environment route's assumed key")
    },
  },
  {
    name: "AssumeRole refused by STS: sanitised 500, STS's reason in the log",
    async run(t) {
      const before = await countInvocations(t, 'functionEcho')
      const [response, logged] = await withLogs(t, () => t.send(get('assume-role-denied.test')))
      await expectSanitised(t, response, 500)
      t.ok(
        logged.includes('failed to get credentials: STS AssumeRole at') &&
          logged.includes('answered 403: AccessDenied: User: arn:aws:iam::123456789012:user/mock-key is not authorized'),
        `logged: ${logged}`,
      )
      t.ok(!logged.includes('mock-secret'), 'no secret logged')
      t.equal(await countInvocations(t, 'functionEcho'), before, 'not invoked')
    },
  },
  {
    name: "X-Request-Id: the client's is kept, else one is made; returned, and in the one log line per request",
    async run(t) {
      const [response, logged] = await withLogs(t, () => t.send({ ...get('echo.test', '/get?token=hidden'), headers: { 'x-request-id': 'trace-42.a:b' } }))
      t.equal(response.status, 200)
      t.equal(response.headers.get('x-request-id'), 'trace-42.a:b')
      const line = logged
        .split('\n')
        .map((l) => JSON.parse(l))
        .find((l) => l.msg === 'request')
      t.equal(
        { ...line, time: undefined, latency_ms: undefined, lambda_ms: undefined, gateway_request_id: undefined },
        {
          time: undefined,
          level: 'info',
          msg: 'request',
          request_id: 'trace-42.a:b',
          route: 'echo.test',
          function: 'functionEcho',
          invocation_type: 'RequestResponse',
          method: 'GET',
          path: '/get',
          status: 200,
          latency_ms: undefined,
          lambda_ms: undefined,
          gateway_request_id: undefined,
        },
      )
      t.ok(/^[0-9a-f]{32}$/.test(line.gateway_request_id), "the gateway's own id beside the client's")
      t.ok(Number.isInteger(line.latency_ms) && Number.isInteger(line.lambda_ms) && line.lambda_ms <= line.latency_ms, 'latencies in ms')
      t.ok(!logged.includes('hidden'), 'the query is not logged')
      const made = await t.send({ ...get('echo.test'), headers: { 'x-request-id': 'not acceptable\u00e9' } })
      t.ok(/^[0-9a-f]{32}$/.test(made.headers.get('x-request-id') ?? ''), 'an unusable id is replaced')
      // Functions count on an API Gateway requestId being unique: a client never chooses it.
      const chosen = '0123456789abcdef0123456789abcdef'
      const apigw = await t.send({ host: 'apigw1.test', path: '/plain', headers: { 'x-request-id': chosen } })
      t.equal(apigw.headers.get('x-request-id'), chosen)
      const event = JSON.parse((await json(apigw)).body)
      t.ok(event.requestContext.requestId !== '01234567-89ab-cdef-0123-456789abcdef', "not the client's id")
      t.ok(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(event.requestContext.requestId), 'a UUID')
    },
  },
  {
    name: 'a request no route matches is logged and carries its X-Request-Id too',
    async run(t) {
      const [response, logged] = await withLogs(t, () => t.send({ host: 'nowhere.test', path: '/nothing' }))
      t.equal(response.status, 404)
      const id = response.headers.get('x-request-id') ?? ''
      t.ok(/^[0-9a-f]{32}$/.test(id), 'request id')
      t.ok(logged.includes(`"request_id":"${id}","route":null,"method":"GET","path":"/nothing","status":404`), logged)
    },
  },
  {
    name: 'HEALTH_PATH answers before any route',
    async run(t) {
      const before = (await t.invocations()).length
      const response = await t.send({ host: 'lambda1.test', path: '/__health', headers: { 'x-request-id': 'probe-1' } })
      t.equal(response.status, 200)
      t.equal(response.headers.get('x-request-id'), 'probe-1')
      t.equal(await response.json(), { status: 'ok' })
      t.equal((await t.invocations()).length, before, 'nothing invoked')
    },
  },
  {
    name: 'vault references resolve from the environment',
    async run(t) {
      const echo = await json(await t.send(get('vault.test')))
      t.ok(echo.headers.authorization.includes('Credential=mock-key/'), 'key from TEST_LAMBDA_KEY')
    },
  },
  {
    name: 'the function log tail never reaches the client',
    async run(t) {
      const response = await t.send(get('lambda1.test'))
      t.equal(response.headers.get('x-amz-log-result'), null)
      t.ok(!(await response.text()).includes('secret-log-line'), 'no log in body')
    },
  },
  {
    name: 'a JSON string result is sent unquoted, as Kong does',
    async run(t) {
      t.equal(await (await t.send(get('json-string.test'))).text(), 'hello')
    },
  },

  {
    name: 'JSON number and null results pass through',
    async run(t) {
      t.equal(await (await t.send(get('json-number.test'))).text(), '42')
      t.equal(await (await t.send(get('json-null.test'))).text(), 'null')
    },
  },
  {
    name: 'hop-by-hop headers of the Invoke answer are not forwarded',
    async run(t) {
      const response = await t.send(get('hop-by-hop.test'))
      t.equal(await response.text(), '{"ok":true}')
      t.equal(response.headers.get('upgrade'), null, 'upgrade')
      t.equal(response.headers.get('proxy-connection'), null, 'proxy-connection')
      t.ok(response.headers.get('keep-alive') !== 'timeout=5', 'keep-alive')
    },
  },
  {
    name: 'a compressed Invoke answer (the gateway asks for none) is refused unread: a logged 502',
    async run(t) {
      const [response, logged] = await withLogs(t, () => t.send(get('gzip.test')))
      await expectSanitised(t, response, 502)
      t.ok(logged.includes('Lambda Invoke answer compressed (Content-Encoding: gzip) though the gateway asked for none: not read'), 'logged')
    },
  },

  // Errors (docs/aws-lambda-plugin.md#error-answers): sanitised, and never invoked twice
  ...[403, 404, 429, 500].flatMap((status): Case[] => [
    {
      name: `Invoke API ${status} gives a sanitised 500, invoked once`,
      async run(t) {
        const before = await countInvocations(t, `apiError${status}`)
        await expectSanitised(t, await t.send(get(`api${status}.test`)), 500, API_ERROR_BODY)
        t.equal(await countInvocations(t, `apiError${status}`), before + 1, 'invocations')
      },
    },
    {
      name: `Invoke API ${status} keeps its status with preserve_lambda_api_error_code`,
      async run(t) {
        const response = await t.send(get(`api${status}.preserve.test`))
        t.equal(response.headers.get('content-type'), 'application/json; charset=utf-8')
        await expectSanitised(t, response, status, API_ERROR_BODY)
      },
    },
  ]),
  {
    name: 'an invalid signature (403) keeps its status with preservation, sanitised',
    async run(t) {
      await expectSanitised(t, await t.send(get('bad-secret.test')), 403, API_ERROR_BODY)
    },
  },
  {
    name: 'a timeout is 504 with preserve_lambda_api_error_code',
    async run(t) {
      await expectSanitised(t, await t.send(get('timeout.preserve.test')), 504)
    },
  },
  {
    name: 'a refused connection is 500, or 502 with preserve_lambda_api_error_code',
    async run(t) {
      await expectSanitised(t, await t.send(get('refused.test')), 500)
      await expectSanitised(t, await t.send(get('refused.preserve.test')), 502)
    },
  },
  {
    name: 'a redirect from the Invoke endpoint is not followed: 500, or 502 preserved, invoked once',
    async run(t) {
      const before = await countInvocations(t, 'functionRedirect')
      const [response, logged] = await withLogs(t, () => t.send(get('redirect.test')))
      await expectSanitised(t, response, 500)
      await expectSanitised(t, await t.send(get('redirect.preserve.test')), 502)
      t.equal(await countInvocations(t, 'functionRedirect'), before + 2, 'invocations')
      t.ok(logged.includes('redirect, not followed: status code: 307'), 'logged')
    },
  },
  {
    name: 'no route matched',
    async run(t) {
      const response = await t.send(get('nowhere.test', '/nowhere'))
      t.equal(response.status, 404)
      t.equal(await response.text(), `{"message":"no Route matched with those values","request_id":"${response.headers.get('x-request-id')}"}`)
    },
  },

  // Routing
  {
    name: 'a prefix path is a string prefix, as in Kong',
    async run(t) {
      t.equal((await t.send(get('any.test', '/prefix/x'))).status, 200)
      t.equal((await t.send(get('any.test', '/prefixed'))).status, 200)
    },
  },
  {
    name: 'a regex path matches from the start',
    async run(t) {
      const echo = await json(await t.send(get('any.test', '/123/strip/more?a=1')))
      t.equal(JSON.parse(echo.body).request_uri, '/123/strip/more?a=1')
      t.equal((await t.send(get('any.test', '/x/123/strip'))).status, 404)
    },
  },
  {
    name: 'methods must match',
    async run(t) {
      t.equal((await t.send(get('any.test', '/methods'))).status, 404)
      t.equal((await t.send(post('any.test', 'a=1', FORM, '/methods'))).status, 200)
    },
  },
  ...apiGatewayCases,
  ...streamingCases,
  ...eventSchemaCases,
  ...hardeningCases,
  ...parityCases,
  ...invokeLimitsCases,
  ...kongRouterCases,
  ...routingCases,
  ...pluginsACases,
  ...pluginsBCases,
  ...jwtCases,
  ...ipRestrictionCases,
  ...authCases,
  ...aclCases,
  ...rateLimitingCases,
  ...authReviewCases,
  ...authorizerCases,
  ...proxyCases,
  ...tlsCases,
  ...balancerCases,
  ...webSocketCases,
  ...responseRlCases,
  ...otelCases,
  ...logsCases,
]
