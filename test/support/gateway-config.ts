// The declarative config the end-to-end cases run against: the routes of Kong's specs
// (docs/aws-lambda-plugin.md#spec-cases-ported-from-kong), matched by host as in Kong's suite, all
// pointing at the mock Lambda.

import {
  ED448_PRIVATE_KEY,
  ED448_PUBLIC_KEY,
  ED25519_PRIVATE_KEY,
  ED25519_PUBLIC_KEY,
  ES256_PRIVATE_KEY,
  ES256_PUBLIC_KEY,
  ES384_PRIVATE_KEY,
  ES384_PUBLIC_KEY,
  ES512_PRIVATE_KEY,
  ES512_PUBLIC_KEY,
  RSA_1024_PRIVATE_KEY,
  RSA_1024_PUBLIC_KEY,
  RSA_PRIVATE_KEY,
  RSA_PUBLIC_KEY,
} from './jwt-keys.ts'
import { FILE_LOG_PATH } from './log-collector-types.ts'

export const TEST_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDENV',
  AWS_SECRET_ACCESS_KEY: 'env-secret',
  AWS_SESSION_TOKEN: 'env-session-token',
  TEST_LAMBDA_KEY: 'mock-key',
  TEST_LAMBDA_SECRET: 'mock-secret',
  // Small, so that the 413 case needs no multi-megabyte body.
  CLIENT_MAX_BODY_SIZE: '64k',
  HEALTH_PATH: '/__health',
  // ip-restriction's X-Forwarded-For cases: a client connecting from 127.0.0.2 (CF-Connecting-IP on
  // Workers) is a trusted proxy. The addresses the cases forward (127.0.0.3, ::3, ::4) are trusted too,
  // so that a recursive walk reaches the leftmost as in Kong's spec, which trusts every address. The
  // other cases connect from elsewhere, so their client is their peer.
  TRUSTED_IPS: '127.0.0.2/31, ::/125',
  REAL_IP_HEADER: 'X-Forwarded-For',
  REAL_IP_RECURSIVE: 'on',
} as const

/** The role the AssumeRole routes assume (the mock STS accepts any role ARN). */
export const TEST_ROLE_ARN = 'arn:aws:iam::123456789012:role/lambda-gateway-test'

/** A role whose credentials the mock STS issues for four minutes: inside the five-minute refresh window. */
export const SHORT_LIVED_ROLE_ARN = 'arn:aws:iam::123456789012:role/expires-in-240s'

/** The loopback upstreams of test/support/upstream-servers.ts the proxied routes go to. */
export interface UpstreamPorts {
  echo: number
  /** The https upstreams of test/support/tls-upstreams.ts (none: no TLS services). */
  tls?: TlsUpstreams
  /** The balancer targets' ports (startBalancerTargets(4)); without them, no balancer routes. */
  targets?: number[]
  /** The WebSocket echo server (default: the closed port). */
  webSocket?: number
  /** Leave out what the Worker refuses at load (preserve_host: fetch sends the URL's host). */
  workers?: boolean
  /** The test redis-server (test/support/redis-server.ts) of the redis policy's routes; none: they name the closed port. */
  redis?: { port: number; tlsPort: number }
}

/**
 * The gateway config for the mock Lambda on `mockPort` and the mock STS at `stsUrl`;
 * `closedPort` is a port on which nothing listens (a connection failure); `upstreams` the
 * proxied services' servers (default: the closed port).
 */
export function gatewayConfig(mockPort: number, closedPort: number, stsUrl: string, upstreams: UpstreamPorts = { echo: closedPort }): Record<string, unknown> {
  const mock = {
    aws_key: 'mock-key',
    aws_secret: 'mock-secret',
    aws_region: 'us-east-1',
    host: '127.0.0.1',
    port: mockPort,
    disable_https: true,
  }
  const route = (host: string, config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
    name: host,
    hosts: [host],
    ...extra,
    plugins: [{ name: 'aws-lambda', config: { ...mock, function_name: 'kongLambdaTest', ...config } }],
  })
  const apiGateway = (version: '1.0' | '2.0') => ({ awsgateway_compatible: true, awsgateway_compatible_payload_version: version })
  const streaming = { response_streaming: true }
  const forwardAll = { forward_request_method: true, forward_request_uri: true, forward_request_headers: true, forward_request_body: true }
  const responseRl = responseRlEntities(mock, upstreams, closedPort)
  return {
    _format_version: '3.0',
    services: [
      {
        name: 'ignored-upstream',
        url: 'http://upstream.invalid:8080/never',
        plugins: [{ name: 'aws-lambda', config: { ...mock, function_name: 'kongLambdaTest' } }],
        routes: [{ name: 'lambda2.test', hosts: ['lambda2.test'] }],
      },
      // Kong's router: the path a function sees under a service with a path (kong-router-cases.ts).
      {
        name: 'router-upstream',
        url: 'http://upstream.invalid/base',
        plugins: [{ name: 'aws-lambda', config: { ...mock, function_name: 'functionEcho', ...apiGateway('1.0') } }],
        routes: [
          { name: 'router-strip', hosts: ['path.router.test'], paths: ['/strip'] },
          { name: 'router-keep', hosts: ['path.router.test'], paths: ['/keep'], strip_path: false },
        ],
      },
      ...pluginsAServices(),
      precedenceService(mock, forwardAll),
      ...proxyServices(upstreams, closedPort),
      ...tlsServices(upstreams.tls),
      ...balancerServices(upstreams),
      ...webSocketServices(upstreams.webSocket ?? closedPort, closedPort),
      rateLimitingService(mock),
      ...responseRl.services,
    ],
    ...tlsEntities(upstreams.tls),
    upstreams: balancerUpstreams(upstreams, closedPort),
    plugins: [precedenceRouteAndService, ...authPlugins(), ...responseRl.plugins],
    routes: [
      route('lambda1.test'),
      route('lambda3.test', { invocation_type: 'Event' }),
      route('lambda4.test', { invocation_type: 'DryRun' }),
      route('lambda5.test', { function_name: 'functionSlow', timeout: 100 }),
      route('lambda6.test', { function_name: 'functionWithUnhandledError' }),
      route('lambda7.test', forwardAll),
      route('lambda8.test', { ...forwardAll, forward_request_uri: false }),
      route('lambda15.test', { function_name: 'functionWithUnhandledError', invocation_type: 'Event' }),
      route('lambda16.test', { function_name: 'functionWithUnhandledError', invocation_type: 'DryRun' }),
      route('lambda17.test', { function_name: 'functionWithUnhandledError', unhandled_status: 412 }),
      route('lambda20.test', { aws_region: 'ab-cdef-1', host: null, port: 443, disable_https: false }),
      route('lambda21.test', { function_name: 'functionWithEmptyArray', empty_arrays_mode: 'legacy' }),
      route('lambda21b.test', { function_name: 'functionWithEmptyArray', empty_arrays_mode: 'correct' }),
      route('lambda22.test', { function_name: 'functionWithArrayCTypeInMVHAndEmptyArray', is_proxy_integration: true }),
      route('lambda23.test', { aws_region: null, host: 'custom.lambda.endpoint', is_proxy_integration: true }),
      route('lambda25.test', { host: 'localhost' }),
      route('proxy.test', { is_proxy_integration: true }),
      ...[
        'functionWithBadJSON',
        'functionWithNoResponse',
        'functionWithBase64EncodedResponse',
        'functionWithNotBase64EncodedResponse',
        'functionWithIllegalBase64EncodedResponse',
        'functionWithMultiValueHeadersResponse',
        'functionWithTransferEncodingHeader',
      ].map((name) => route(`${name}.proxy.test`, { function_name: name, is_proxy_integration: true })),
      route('r1.test', { forward_request_body: true, skip_large_bodies: true }),
      route('r3.test', { forward_request_body: true, skip_large_bodies: false }),
      route('r10.test', { forward_request_body: true, base64_encode_body: false }),
      route('echo.test', { function_name: 'functionEcho' }),
      route('qualifier.test', { function_name: 'functionEcho', qualifier: 'prod' }),
      route('arn.test', { function_name: 'arn:aws:lambda:us-east-1:123456789012:function:functionEcho' }),
      route('alias.test', { function_name: 'functionEcho:live' }),
      route('env-credentials.test', { function_name: 'functionEcho', aws_key: null, aws_secret: null }),
      route('assume-role.test', {
        function_name: 'functionEcho',
        aws_key: null,
        aws_secret: null,
        aws_assume_role_arn: TEST_ROLE_ARN,
        aws_sts_endpoint_url: stsUrl,
      }),
      route('assume-role-keys.test', {
        function_name: 'functionEcho',
        aws_assume_role_arn: TEST_ROLE_ARN,
        aws_role_session_name: 'keys-session',
        aws_sts_endpoint_url: stsUrl,
      }),
      route('assume-role-denied.test', {
        function_name: 'functionEcho',
        aws_assume_role_arn: 'arn:aws:iam::123456789012:role/denied',
        aws_sts_endpoint_url: stsUrl,
      }),
      route('vault.test', { function_name: 'functionEcho', aws_key: '{vault://env/test-lambda-key}', aws_secret: '{vault://env/test-lambda-secret}' }),
      // API Gateway events: the echo function returns the event it received.
      route('apigw1.test', { ...apiGateway('1.0'), function_name: 'functionEcho' }, { paths: ['~/(?<version>\\d+)/strip', '/plain'], strip_path: false }),
      route(
        'apigw2.test',
        { ...apiGateway('2.0'), function_name: 'functionEcho' },
        { paths: ['~/(?<version>\\d+)/strip', '/plain'], strip_path: false, methods: ['GET', 'POST'] },
      ),
      route('apigw1-strip.test', { ...apiGateway('1.0'), function_name: 'functionEcho' }, { paths: ['/prefix'] }),
      route('apigw2-any.test', { ...apiGateway('2.0'), function_name: 'functionEcho' }, { paths: ['/any'] }),
      route('apigw1-raw.test', { ...apiGateway('1.0'), function_name: 'functionEcho', base64_encode_body: false }),
      route('apigw1-skip.test', { ...apiGateway('1.0'), function_name: 'functionEcho', skip_large_bodies: true }),
      route('apigw1-noskip.test', { ...apiGateway('1.0'), function_name: 'functionEcho', skip_large_bodies: false }),
      route('apigw2-skip.test', { ...apiGateway('2.0'), function_name: 'functionEcho', skip_large_bodies: true }),
      route('apigw1-binary.test', { ...apiGateway('1.0'), function_name: 'functionBinaryEcho', is_proxy_integration: true }),
      route('apigw2-binary.test', { ...apiGateway('2.0'), function_name: 'functionBinaryEcho', is_proxy_integration: true }),
      route('apigw2-inferred.test', { ...apiGateway('2.0'), function_name: 'functionEcho', is_proxy_integration: true }),
      route('apigw2-cookies.test', { ...apiGateway('2.0'), function_name: 'functionWithCookies', is_proxy_integration: true }),
      route('apigw1-cookies.test', { ...apiGateway('1.0'), function_name: 'functionWithCookies', is_proxy_integration: true }),
      route('apigw2-bad-json.test', { ...apiGateway('2.0'), function_name: 'functionWithBadJSON', is_proxy_integration: true }),
      route('apigw2-event.test', { ...apiGateway('2.0'), function_name: 'functionEcho', is_proxy_integration: true, invocation_type: 'Event' }),
      route('apigw2-error.test', { ...apiGateway('2.0'), function_name: 'functionWithUnhandledError', is_proxy_integration: true }),
      route('apigw1-error.test', { ...apiGateway('1.0'), function_name: 'functionWithUnhandledError', is_proxy_integration: true }),
      route('apigw1-null-headers.test', { ...apiGateway('1.0'), function_name: 'functionHeadersNull', is_proxy_integration: true }),
      route('crlf.proxy.test', { function_name: 'functionWithCrlfHeader', is_proxy_integration: true }),
      route('json-string.test', { function_name: 'functionWithString' }),
      route('json-number.test', { function_name: 'functionWithNumber' }),
      route('json-null.test', { function_name: 'functionWithNull' }),
      route('hop-by-hop.test', { function_name: 'functionWithHopByHop' }),
      route('gzip.test', { function_name: 'functionGzipped' }),
      route('redirect.test', { function_name: 'functionRedirect' }),
      route('redirect.preserve.test', { function_name: 'functionRedirect', preserve_lambda_api_error_code: true }),
      ...[403, 404, 429, 500].flatMap((status) => [
        route(`api${status}.test`, { function_name: `apiError${status}` }),
        route(`api${status}.preserve.test`, { function_name: `apiError${status}`, preserve_lambda_api_error_code: true }),
      ]),
      route('timeout.preserve.test', { function_name: 'functionSlow', timeout: 99.5, preserve_lambda_api_error_code: true }),
      route('refused.test', { port: closedPort }),
      route('refused.preserve.test', { port: closedPort, preserve_lambda_api_error_code: true }),
      route('bad-secret.test', { function_name: 'signedWithWrongSecret', aws_secret: 'wrong-secret', preserve_lambda_api_error_code: true }),
      // response_streaming: the streaming functions of mock-streaming-functions.ts.
      route('stream.test', { ...streaming, function_name: 'streamGated', qualifier: 'prod' }),
      route('stream-http.test', { ...streaming, function_name: 'streamHttp', is_proxy_integration: true }),
      route('stream-sse.test', { ...streaming, function_name: 'streamSse', is_proxy_integration: true }),
      route('stream-crlf.test', { ...streaming, function_name: 'streamCrlf', is_proxy_integration: true }),
      route('stream-mid-error.test', { ...streaming, function_name: 'streamMidError' }),
      route('stream-error-first.test', { ...streaming, function_name: 'streamErrorFirst' }),
      route('stream-error-first.proxy.test', { ...streaming, function_name: 'streamErrorFirst', is_proxy_integration: true }),
      route('stream-bad-crc.test', { ...streaming, function_name: 'streamBadCrc' }),
      route('stream-bad-crc-late.test', { ...streaming, function_name: 'streamBadCrcAfterStart' }),
      route('stream-hang.test', { ...streaming, function_name: 'streamHang' }),
      route('stream-idle.test', { ...streaming, function_name: 'streamHang', timeout: 200 }),
      route('stream-api404.test', { ...streaming, function_name: 'apiError404' }),
      route('stream-api404.preserve.test', { ...streaming, function_name: 'apiError404', preserve_lambda_api_error_code: true }),
      // Headers a function chooses: the function answers what the client sent, so a test chooses its status and header bytes.
      ...(['1.0', '2.0'] as const).map((version) =>
        route(`reply-${version}.test`, {
          ...apiGateway(version),
          function_name: 'functionReplyFromBody',
          is_proxy_integration: true,
          base64_encode_body: false,
        }),
      ),
      route('stream-flood.test', { ...streaming, function_name: 'streamFlood' }),
      route('stream-late.test', { ...streaming, function_name: 'streamLateStart' }),
      route('slow.test', { function_name: 'functionSlow' }),
      // unhandled_status does not apply with proxy integration, LAMBDA_ERROR_DETAILS=hide or not.
      route('apigw2-error.status.test', {
        ...apiGateway('2.0'),
        function_name: 'functionWithUnhandledError',
        is_proxy_integration: true,
        unhandled_status: 412,
      }),
      // An Invoke API error whose body stops halfway: `timeout` must still end the call.
      route('api-stall.test', { function_name: 'apiError403Stalled', timeout: 300 }),
      route('stream-api-stall.test', { ...streaming, function_name: 'apiError403Stalled', timeout: 300 }),
      route('reply-stream.test', {
        ...apiGateway('1.0'),
        ...streaming,
        function_name: 'streamPreludeFromBody',
        is_proxy_integration: true,
        base64_encode_body: false,
      }),
      // Caps on what the gateway reads; Invoke API errors whose body is not JSON.
      route('over-cap.test', { function_name: 'functionOverCap' }),
      route('gzip-bomb.test', { function_name: 'functionGzipBomb' }),
      route('stream-over-cap.test', { ...streaming, function_name: 'streamOverCap' }),
      route('stream-gzip-bomb.test', { ...streaming, function_name: 'functionGzipBomb' }),
      route('api-xml.test', { function_name: 'xmlError403' }),
      route('api-html.preserve.test', { function_name: 'htmlError502', preserve_lambda_api_error_code: true }),
      route('api-empty.test', { function_name: 'emptyError403' }),
      route('stream-api-xml.test', { ...streaming, function_name: 'xmlError403' }),
      // Routing: a regex that backtracks exponentially, normalised paths, absolute-form targets.
      route('redos.test', { function_name: 'functionEcho' }, { paths: ['~/re/(a+)+$'] }),
      route('normalize.test', { function_name: 'functionEcho', forward_request_uri: true }, { paths: ['/admin'], strip_path: false }),
      route('normalize-apigw1.test', { ...apiGateway('1.0'), function_name: 'functionEcho' }, { paths: ['~/admin/(?P<user>[^/]+)'], strip_path: false }),
      route('normalize-apigw2.test', { ...apiGateway('2.0'), function_name: 'functionEcho' }, { paths: ['/admin'] }),
      route('absolute.test', { function_name: 'functionEcho', forward_request_uri: true }),
      route('paths', {}, { hosts: undefined, name: 'prefix', paths: ['/prefix'] }),
      route('regex', { function_name: 'functionEcho', forward_request_uri: true }, { hosts: undefined, name: 'regex', paths: ['~/(?<version>\\d+)/strip'] }),
      route('methods', {}, { hosts: undefined, name: 'methods', paths: ['/methods'], methods: ['POST'] }),
      // Kong's router, exactly (kong-router-cases.ts; the service `router-upstream` above too): every route
      // on a host of its own under router.test, so that none reaches another case's requests.
      ...routerRoutes((name, fields, config = {}) => ({
        name,
        ...fields,
        plugins: [{ name: 'aws-lambda', config: { ...mock, function_name: 'functionEcho', ...config } }],
      })),
      // Guarantees checked on every runtime (parity-cases.ts, streaming-cases.ts): a connection Lambda resets,
      // AssumeRole credentials that expire inside the five-minute refresh window, a bad prelude CRC.
      route('reset.test', { function_name: 'functionReset' }),
      route('reset.stream.test', { ...streaming, function_name: 'functionReset' }),
      route('assume-role-short.test', { function_name: 'functionEcho', aws_assume_role_arn: SHORT_LIVED_ROLE_ARN, aws_sts_endpoint_url: stsUrl }),
      route('stream-bad-prelude-crc.test', { ...streaming, function_name: 'streamBadPreludeCrc' }),
      route('stream-bad-prelude-crc-late.test', { ...streaming, function_name: 'streamBadPreludeCrcAfterStart' }),
      ...pluginsARoutes(mock, closedPort),
      ...pluginsBRoutes(route, { apiGateway, streaming, forwardAll }),
      ...jwtRoutes(route),
      ...ipRestrictionRoutes(route, apiGateway('1.0')),
      ...authRoutes(route, forwardAll),
      ...aclRoutes(route),
      ...authorizerRoutes(route, { apiGateway, forwardAll }),
      ...rateLimitingRoutes(route),
      ...responseRl.routes,
      ...otelRoutes(mock, mockPort, closedPort),
      ...logsRoutes(route, upstreams),
      // Rate limiting on Redis: Node and Deno only (a config error on Workers).
      ...(upstreams.workers ? [] : redisRoutes(route, upstreams.redis ?? { port: closedPort, tlsPort: closedPort }, closedPort)),
    ],
    consumers: [
      ...jwtConsumers(),
      ...authConsumers(),
      ...aclConsumers(),
      ...authorizerConsumers(),
      ...proxyConsumers(),
      ...rateLimitingConsumers(),
      ...responseRl.consumers,
    ],
  }
}

// --- jwt plugin (test/e2e/jwt-cases.ts): the routes and consumers of Kong's
// spec/03-plugins/16-jwt/03-access_spec.lua, hosts jwt<N>.jwt.test, in front of the echo
// function (forward payload: the headers the function got).

/** The jwt_secrets of the jwt cases: key, algorithm and the secret or public key, by name. */
export const JWT_CREDENTIALS = {
  hs256: { key: 'jwt-hs256-key', secret: 'jwt-hs256-secret-6c1d1f0e6d5b4a3c' },
  kid: { key: 'jwt-kid-key', secret: 'jwt-kid-secret-0f9e8d7c6b5a4938' },
  // Its secret is stored base64url-encoded (secret_is_base64); tokens are signed with the original.
  base64: { key: 'jwt-base64-key', secret: 'jwt-base64-original-secret-8a7b6c5d' },
  rs256: { key: 'jwt-rs256-key', algorithm: 'RS256', rsa_public_key: RSA_PUBLIC_KEY },
  rs256Other: { key: 'jwt-rs256-other-key', algorithm: 'RS256', rsa_public_key: RSA_PUBLIC_KEY },
  rs384: { key: 'jwt-rs384-key', algorithm: 'RS384', rsa_public_key: RSA_PUBLIC_KEY },
  rs512: { key: 'jwt-rs512-key', algorithm: 'RS512', rsa_public_key: RSA_PUBLIC_KEY },
  es256: { key: 'jwt-es256-key', algorithm: 'ES256', rsa_public_key: ES256_PUBLIC_KEY },
  es384: { key: 'jwt-es384-key', algorithm: 'ES384', rsa_public_key: ES384_PUBLIC_KEY },
  es512: { key: 'jwt-es512-key', algorithm: 'ES512', rsa_public_key: ES512_PUBLIC_KEY },
  ps256: { key: 'jwt-ps256-key', algorithm: 'PS256', rsa_public_key: RSA_PUBLIC_KEY },
  ps384: { key: 'jwt-ps384-key', algorithm: 'PS384', rsa_public_key: RSA_PUBLIC_KEY },
  ps512: { key: 'jwt-ps512-key', algorithm: 'PS512', rsa_public_key: RSA_PUBLIC_KEY },
  eddsa: { key: 'jwt-eddsa-key', algorithm: 'EdDSA', rsa_public_key: ED25519_PUBLIC_KEY },
  ed448: { key: 'jwt-ed448-key', algorithm: 'EdDSA', rsa_public_key: ED448_PUBLIC_KEY },
  rsa1024: { key: 'jwt-rsa1024-key', algorithm: 'RS256', rsa_public_key: RSA_1024_PUBLIC_KEY },
  hs384: { key: 'jwt-hs384-key', algorithm: 'HS384', secret: 'jwt-hs384-secret-1b2c3d4e5f6a7b8c9d0e' },
  hs512: { key: 'jwt-hs512-key', algorithm: 'HS512', secret: 'jwt-hs512-secret-9f8e7d6c5b4a39281706' },
} as const

/** The id of the anonymous consumer `no-body` (config.anonymous by id). */
export const JWT_ANONYMOUS_ID = '0a7e5c1e-7d3b-4c52-9a0f-3f1c2b6d8e41'

/** What the secret-in-logs check looks for beside the config's own secrets: the base64url form of a secret and a line of every private key. */
export const JWT_TEST_SECRETS: string[] = [
  base64url(JWT_CREDENTIALS.base64.secret),
  ...[RSA_PRIVATE_KEY, ES256_PRIVATE_KEY, ES384_PRIVATE_KEY, ES512_PRIVATE_KEY, ED25519_PRIVATE_KEY, ED448_PRIVATE_KEY, RSA_1024_PRIVATE_KEY].map(
    (pem) => pem.split('\n')[1],
  ),
]

function base64url(text: string): string {
  return btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

function jwtConsumers(): Record<string, unknown>[] {
  const c = JWT_CREDENTIALS
  const consumer = (username: string, ...secrets: Record<string, unknown>[]) => ({ username, jwt_secrets: secrets })
  return [
    consumer('jwt_tests_consumer', c.hs256),
    consumer('jwt_tests_base64_consumer', { ...c.base64, secret: base64url(c.base64.secret) }),
    consumer('jwt_tests_rsa_consumer_1', c.rs256),
    consumer('jwt_tests_rsa_consumer_2', c.rs256Other),
    consumer('jwt_tests_rsa_consumer_5', c.rs512),
    consumer('jwt_tests_consumer_6', c.kid),
    consumer('jwt_tests_hs_consumer_7', c.hs384),
    consumer('jwt_tests_hs_consumer_8', c.hs512),
    consumer('jwt_tests_rsa_consumer_9', c.rs384),
    consumer('jwt_tests_rsa_consumer_10', c.es384),
    consumer('jwt_tests_rsa_consumer_11', c.es512),
    consumer('jwt_tests_rsa_consumer_12', c.ps256),
    consumer('jwt_tests_rsa_consumer_13', c.ps384),
    consumer('jwt_tests_rsa_consumer_14', c.ps512),
    consumer('jwt_tests_rsa_consumer_15', c.eddsa),
    consumer('jwt_tests_rsa_consumer_16', c.ed448),
    consumer('jwt_tests_es256_consumer', c.es256),
    consumer('jwt_tests_rsa1024_consumer', c.rsa1024),
    { id: JWT_ANONYMOUS_ID, username: 'no-body', custom_id: 'anonymous-custom-id' },
  ]
}

function jwtRoutes(route: RouteMaker): Record<string, unknown>[] {
  const echo = { function_name: 'functionEcho', forward_request_method: true, forward_request_uri: true, forward_request_headers: true }
  const withJwt = (n: number | string, config: Record<string, unknown> = {}) => {
    const made = route(`jwt${n}.jwt.test`, echo)
    return { ...made, plugins: [{ name: 'jwt', config }, ...made.plugins] }
  }
  return [
    withJwt(1),
    withJwt(2, { uri_param_names: ['token', 'jwt'] }),
    withJwt(3, { claims_to_verify: ['nbf', 'exp'] }),
    withJwt(4, { key_claim_name: 'aud' }),
    withJwt(5, { secret_is_base64: true }),
    withJwt(6, { anonymous: JWT_ANONYMOUS_ID }),
    withJwt(8, { run_on_preflight: false }),
    withJwt(9, { cookie_names: ['silly', 'crumble'], realm: 'test-jwt' }),
    withJwt(10, { key_claim_name: 'kid' }),
    withJwt(11, { claims_to_verify: ['nbf', 'exp'], maximum_expiration: 300 }),
    withJwt(12, { header_names: ['CustomAuthorization'] }),
    withJwt(13, { anonymous: 'no-body' }),
  ]
}
// --- end of the jwt block

type RouterRoute = (name: string, fields: Record<string, unknown>, config?: Record<string, unknown>) => Record<string, unknown>

/** The routes of kong-router-cases.ts, each answered by functionEcho (`route` adds the plugin). */
function routerRoutes(route: RouterRoute): Record<string, unknown>[] {
  const on = (host: string) => ({ hosts: [host] })
  return [
    // A longer prefix first, whatever the file order.
    route('router-prefix-short', { ...on('prefix.router.test'), paths: ['/my-route'] }),
    route('router-prefix-long', { ...on('prefix.router.test'), paths: ['/my-route/hello'] }),
    // A regex path before a prefix, even one that matches the whole path.
    route('router-regex-plain', { ...on('regex.router.test'), paths: ['/route/fixture'] }),
    route('router-regex', { ...on('regex.router.test'), paths: ['~/route/(fixture)'] }),
    // More fields first.
    route('router-method-any', { ...on('method.router.test'), paths: ['/m'] }),
    route('router-method-post', { ...on('method.router.test'), paths: ['/m'], methods: ['POST'] }),
    // Headers: more names first; values case-insensitive; `~*` regexes.
    route('router-headers-none', on('headers.router.test')),
    route('router-headers-one', { ...on('headers.router.test'), headers: { location: ['my-location-1', 'my-location-2'] } }),
    route('router-headers-two', { ...on('headers.router.test'), headers: { location: ['my-location-1'], version: ['v1', 'v2'] } }),
    route('router-headers-regex', { ...on('headers.router.test'), headers: { user_agent: ['~*windows|linux|os\\s+x\\s*[\\d\\._]+|solaris|bsd'] } }),
    // Wildcard hosts, and a plain host before them.
    route('router-wild-left', { hosts: ['*.wild.router.test'] }),
    route('router-wild-right', { hosts: ['wild.router.*'] }),
    route('router-wild-plain', { hosts: ['plain.wild.router.test'] }),
    // A host with a port.
    route('router-port', { hosts: ['port.router.test:80'] }),
    // https only: 426, or the configured redirect.
    route('router-https-426', { ...on('https.router.test'), protocols: ['https'] }),
    route('router-https-308', { ...on('redirect.router.test'), protocols: ['https'], https_redirect_status_code: 308 }),
    // Kong/kong#14457: the header count OR-ed into regex_priority.
    ...[['webhook.router.test', { 'Environment-Region': ['production-us'] }] as const, ['webhook-plain.router.test', {}] as const].flatMap(
      ([host, headers]) => [
        route(`router-${host.split('.')[0]}-generic`, { ...on(host), headers, paths: ['~/webhook/([a-zA-Z0-9-]+)'], regex_priority: 1, strip_path: false }),
        route(`router-${host.split('.')[0]}-specific`, { ...on(host), headers, paths: ['~/(?i)webhook/foo/bar/?$'], regex_priority: 2, strip_path: false }),
      ],
    ),
    // Equal priorities: the larger id.
    route('router-tie-a', { id: '00000000-0000-4000-8000-00000000000a', ...on('tie.router.test'), paths: ['~/x'] }),
    route('router-tie-b', { id: '00000000-0000-4000-8000-00000000000b', ...on('tie.router.test'), paths: ['~/x'] }),
    // `^` binds to the first alternative only.
    route('router-alternation', { ...on('alt.router.test'), paths: ['~/a|/b'], strip_path: false }, { forward_request_uri: true }),
  ]
}

// The first stateless plugins: cors, request-termination, request-size-limiting
// (test/e2e/plugins-a-cases.ts), on the routes of Kong's specs for them. Where Kong's routes
// proxy to an upstream, these invoke the mock Lambda (aws-lambda answers in access, cors' headers
// are added to its answer); request-termination answers alone on routes without a service.

/** The origin lists of Kong's cors regex cases (spec/03-plugins/13-cors/01-access_spec.lua), route `cors-regex-<n>.test`. */
export const CORS_REGEX_ORIGINS: readonly (readonly string[])[] = [
  ['foo.test'],
  ['https://bar.test:1234'],
  ['foo\\.test'],
  ['(.*[./])?foo\\.test'],
  ['(.*[./])?foo\\.test:8000'],
  ['https://(.*[.])?foo\\.test:8000'],
  ['^http://(.*[.])?foo\\.test(:(80|90))?$'],
  ['foo.test', 'bar.test'],
  ['http://foo.test', 'https://bar.test:1234'],
  ['bar.test', 'foo\\.test'],
  ['bar.test', '(.*\\.)?foo\\.test'],
  ['bar.test', '(.*[./])?foo\\.test:8000'],
  ['bar.test', 'https://(.*\\.)?foo\\.test:8000'],
]

function pluginsARoutes(lambda: Record<string, unknown>, closedPort: number): Record<string, unknown>[] {
  const aws = (config: Record<string, unknown> = {}) => ({ name: 'aws-lambda', config: { ...lambda, function_name: 'kongLambdaTest', ...config } })
  const cors = (config: Record<string, unknown> = {}) => ({ name: 'cors', config })
  const onLambda = (host: string, plugins: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
    name: host,
    hosts: [host],
    ...extra,
    plugins: [...plugins, ...(plugins.some((p) => p.name === 'aws-lambda') ? [] : [aws()])],
  })
  const alone = (host: string, plugins: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({ name: host, hosts: [host], ...extra, plugins })
  const exampleTest = { origins: ['example.test'], methods: ['GET'], headers: ['origin', 'type', 'accepts'], exposed_headers: ['x-auth-token'] }
  const termination = (config: Record<string, unknown> = {}) => ({ name: 'request-termination', config })
  const sizeLimit = (config: Record<string, unknown>) => ({ name: 'request-size-limiting', config })
  return [
    // cors: the function echoes what it got (forward_request_method: the method it was called with).
    onLambda('cors1.test', [cors(), aws({ forward_request_method: true })]),
    onLambda('cors2.test', [cors({ ...exampleTest, max_age: 23, credentials: true })]),
    onLambda('cors3.test', [cors({ ...exampleTest, max_age: 23, preflight_continue: true }), aws({ forward_request_method: true })]),
    // Kong's cors4 has key-auth answer 401; here request-size-limiting answers 411.
    onLambda('cors4.test', [cors(), sizeLimit({ require_content_length: true })]),
    onLambda('cors5.test', [cors({ origins: ['*'], credentials: true })]),
    onLambda('cors6.test', [cors({ ...exampleTest, origins: ['example.test', 'example.org'], max_age: 23, preflight_continue: true })]),
    onLambda('cors7.test', [cors({ origins: ['*'], credentials: false })]),
    onLambda('cors-empty-origins.test', [cors({ origins: [] })]),
    onLambda('cors9.test', [cors({ origins: ['.*\\.?example(?:-foo)?.test'] })]),
    onLambda('cors10.test', [cors({ origins: ['http://my-site.test', 'http://my-other-site.test'] })]),
    onLambda('cors11.test', [cors({ origins: ['http://my-site.test', 'https://my-other-site.test:9000'] })]),
    // The function answers `Access-Control-Allow-Origin: site1.com, site2.com` and `Age: 3600`.
    onLambda('cors12.test', [
      cors({
        credentials: true,
        preflight_continue: false,
        max_age: 1728000,
        headers: [
          'DNT',
          'X-CustomHeader',
          'Keep-Alive',
          'User-Agent',
          'X-Requested-With',
          'If-Modified-Since',
          'Cache-Control',
          'Content-Type',
          'Authorization',
        ],
        methods: null,
        origins: ['a.xxx.test', 'allowed-domain.test'],
      }),
      aws({ function_name: 'functionWithMultiValueHeadersResponse', is_proxy_integration: true }),
    ]),
    onLambda('cors13.test', [cors({ preflight_continue: false, private_network: true, origins: ['allowed-domain.test'] })]),
    onLambda('cors14.test', [cors({ preflight_continue: false, origins: ['foo.bar', '*'] })]),
    onLambda('cors15.test', [cors({ allow_origin_absent: false, origins: ['foo.bar'], exposed_headers: ['x-auth-token'], credentials: true })]),
    onLambda('cors16.test', [cors({ allow_origin_absent: true, origins: ['foo.bar'], exposed_headers: ['x-auth-token'], credentials: true })]),
    // Kong's upstream that times out, and its runtime error: a function that outlasts `timeout`, a Lambda that refuses connections.
    onLambda('cors-timeout.test', [cors({ ...exampleTest, max_age: 10, preflight_continue: true }), aws({ function_name: 'functionSlow', timeout: 100 })]),
    onLambda('cors-error.test', [cors({ ...exampleTest, max_age: 10, preflight_continue: true }), aws({ port: closedPort })]),
    onLambda('cors-404.test', [cors(), aws({ function_name: 'apiError404', preserve_lambda_api_error_code: true })]),
    // The client's body is the function's proxy response: the test chooses the function's headers.
    onLambda('cors-upstream.test', [
      cors({ ...exampleTest, max_age: 10, preflight_continue: true }),
      aws({ function_name: 'functionReplyFromBody', is_proxy_integration: true, awsgateway_compatible: true, base64_encode_body: false }),
    ]),
    alone('cors-terminated.test', [cors({ origins: ['example.test'] }), termination()]),
    alone('cors-no-service.test', [cors({ origins: ['example.test'] })]),
    ...CORS_REGEX_ORIGINS.map((origins, i) => onLambda(`cors-regex-${i + 1}.test`, [cors({ origins })])),
    // request-termination: alone on routes without a service (api1 is a service's, see pluginsAServices).
    alone('api2.request-termination.test', [termination({ status_code: 404 })]),
    alone('api3.request-termination.test', [termination({ status_code: 406, message: 'Invalid' })]),
    alone('api4.request-termination.test', [termination({ body: '<html><body><h1>Service is down for maintenance</h1></body></html>' })]),
    alone('api5.request-termination.test', [
      termination({ status_code: 451, content_type: 'text/html', body: '<html><body><h1>Service is down due to content infringement</h1></body></html>' }),
    ]),
    alone('api6.request-termination.test', [termination({ status_code: 503, body: '{"code": 1, "message": "Service unavailable"}' })]),
    alone('api7.request-termination.test', [termination()]),
    alone('api8.request-termination.test', [termination({ status_code: 204 })]),
    alone('api9.request-termination.test', [termination({ echo: true, status_code: 404 })], { strip_path: false, paths: ['~/(?<parameter>[^#?/]+)/200'] }),
    alone('api10.request-termination.test', [termination({ echo: true, trigger: 'gimme-an-echo', status_code: 404 })]),
    alone('api11.request-termination.test', [termination({ status_code: 418 })]),
    // aws-lambda (750) answers before request-termination (2) could run, as in Kong.
    onLambda('lambda.request-termination.test', [termination(), aws({ function_name: 'functionEcho' })]),
    onLambda('lambda-trigger.request-termination.test', [termination({ trigger: 'stop' }), aws({ function_name: 'functionEcho' })]),
    // request-size-limiting: Kong's TEST_SIZE of 2 in each unit; CLIENT_MAX_BODY_SIZE is 64k here.
    ...(['bytes', 'kilobytes', 'megabytes'] as const).map((unit) =>
      onLambda(`limit_${unit}.test`, [sizeLimit({ allowed_payload_size: 2, size_unit: unit }), aws({ forward_request_body: true, base64_encode_body: false })]),
    ),
    onLambda('required.test', [sizeLimit({ allowed_payload_size: 2, size_unit: 'kilobytes', require_content_length: true })]),
  ]
}

function pluginsAServices(): Record<string, unknown>[] {
  return [
    {
      name: 'request-termination-upstream',
      url: 'http://upstream.invalid:8080/never',
      routes: [{ name: 'api1.request-termination.test', hosts: ['api1.request-termination.test'], plugins: [{ name: 'request-termination', config: {} }] }],
    },
  ]
}

type RouteMaker = (host: string, config?: Record<string, unknown>, extra?: Record<string, unknown>) => { plugins: unknown[] } & Record<string, unknown>

/**
 * correlation-id, request-transformer and response-transformer (test/e2e/plugins-b-cases.ts):
 * Kong's spec routes, in front of the echo function (whose event shows what the plugins changed)
 * or of no service at all (the gateway's own 503).
 */
function pluginsBRoutes(
  route: RouteMaker,
  modes: { apiGateway: (version: '1.0' | '2.0') => Record<string, unknown>; streaming: Record<string, unknown>; forwardAll: Record<string, unknown> },
) {
  const { apiGateway, streaming, forwardAll } = modes
  /** The echo function (forward payload unless `config` says otherwise) behind `plugins`. */
  const echo = (host: string, plugins: unknown[], config: Record<string, unknown> = forwardAll, extra: Record<string, unknown> = {}) => {
    const made = route(host, { function_name: 'functionEcho', ...config }, extra)
    return { ...made, plugins: [...plugins, ...made.plugins] }
  }
  /** A route without a service whose only plugins are `plugins`: the gateway answers its 503. */
  const bare = (host: string, plugins: unknown[]) => ({ name: host, hosts: [host], plugins })
  const correlation = (config?: Record<string, unknown>) => ({ name: 'correlation-id', ...(config ? { config } : {}) })
  const requestTransformer = (config: Record<string, unknown>) => ({ name: 'request-transformer', config })
  const responseTransformer = (config: Record<string, unknown>) => ({ name: 'response-transformer', config })
  const echoDownstream = { generator: 'uuid', echo_downstream: true }
  /** Every kind of request change at once, for each payload mode. */
  const everything = requestTransformer({
    http_method: 'PUT',
    replace: { uri: '/replaced/path' },
    remove: { headers: ['x-drop'], querystring: ['drop'], body: ['drop'] },
    add: { headers: ['x-added:yes'], querystring: ['added:yes'], body: ['added:yes'] },
  })
  return [
    // correlation-id (spec/03-plugins/11-correlation-id/01-access_spec.lua)
    echo('correlation1.test', [correlation()]),
    echo('correlation2.test', [correlation({ header_name: 'Foo-Bar-Id' })]),
    echo('correlation3.test', [correlation(echoDownstream)]),
    echo('correlation-tracker.test', [correlation({ generator: 'tracker' })]),
    bare('correlation5.test', [correlation(echoDownstream)]),
    echo('correlation-timeout.test', [correlation(echoDownstream)], { function_name: 'functionSlow', timeout: 100 }),
    echo('correlation-error.test', [correlation(echoDownstream)], { function_name: 'apiError404' }),
    echo('correlation-apigw1.test', [correlation()], apiGateway('1.0')),
    echo('correlation-apigw2.test', [correlation()], apiGateway('2.0')),
    // request-transformer (spec/03-plugins/36-request-transformer/02-access_spec.lua)
    echo('rt1.test', [requestTransformer({ add: { headers: ['h1:v1', 'h2:value:2'], querystring: ['q1:v1'], body: ['p1:v1'] } })]),
    echo('rt2.test', [requestTransformer({ add: { headers: ['host:mark'] } })]),
    echo('rt3.test', [
      requestTransformer({
        add: { headers: ['x-added:a1', 'x-added2:b1', 'x-added3:c2'], querystring: ['query-added:newvalue', 'p1:anything:1'], body: ['newformparam:newvalue'] },
        remove: { headers: ['x-to-remove'], querystring: ['toremovequery'] },
        append: { headers: ['x-added:a2', 'x-added:a3'], querystring: ['p1:a2', 'p2:b1'] },
        replace: { headers: ['x-to-replace:false'], querystring: ['toreplacequery:no'] },
      }),
    ]),
    echo('rt4.test', [requestTransformer({ remove: { headers: ['x-to-remove'], querystring: ['q1'], body: ['toremoveform'] } })]),
    echo('rt5.test', [requestTransformer({ replace: { headers: ['h1:v1'], querystring: ['q1:v1'], body: ['p1:v1'] } })]),
    echo('rt6.test', [
      requestTransformer({
        append: { headers: ['h1:v1', 'h1:v2', 'h2:v1'], querystring: ['q1:v1', 'q1:v2', 'q2:v1'], body: ['p1:v1', 'p1:v2', 'p2:value:1'] },
      }),
    ]),
    echo('rt7.test', [requestTransformer({ http_method: 'POST' })]),
    echo('rt8.test', [requestTransformer({ http_method: 'GET' })]),
    echo('rt9.test', [
      requestTransformer({
        rename: { headers: ['x-to-rename:x-is-renamed'], querystring: ['originalparam:renamedparam'], body: ['originalparam:renamedparam'] },
      }),
    ]),
    echo('rt20.test', [requestTransformer({ http_method: 'POST', add: { headers: ['Content-Type:application/json'], body: ['body:somecontent'] } })]),
    echo('rt22.test', [requestTransformer({ http_method: 'POST', remove: { headers: ['Authorization'] }, add: { headers: ['Authorization:Basic test'] } })]),
    echo('rt23.test', [requestTransformer({})]),
    echo('rt26.test', [
      requestTransformer({
        add: { headers: ['X-aDDed:a1', 'x-aDDed2:b1', 'x-Added3:c2'] },
        remove: { headers: ['X-To-Remove'] },
        append: { headers: ['X-aDDed:a2', 'X-aDDed:a3'] },
        replace: { headers: ['x-to-Replace:false'] },
      }),
    ]),
    echo('rt-uri.test', [requestTransformer({ replace: { uri: '/requests/user2/bar/user1/foo' } })], apiGateway('1.0'), {
      paths: ['~/requests/user1/(?<user1>\\w+)/user2/(?<user2>\\S+)'],
    }),
    echo('rt-rename.test', [requestTransformer({ rename: { headers: ['rename:Rename', 'identical:identical'], querystring: ['inexist:exist'] } })]),
    echo('rt-legacy.test', [everything], {}),
    echo('rt-forward.test', [everything]),
    echo('rt-apigw1.test', [everything], apiGateway('1.0')),
    echo('rt-apigw2.test', [everything], apiGateway('2.0')),
    // response-transformer (spec/03-plugins/15-response-transformer/04-filter_spec.lua, 05-big_response_body_spec.lua)
    echo('response.test', [responseTransformer({ remove: { headers: ['x-amzn-RequestId'], json: ['path'] } })]),
    echo('response2.test', [responseTransformer({ replace: { json: ['method:/hello/world', 'query:this is a / test', 'scheme:"wot"'] } })]),
    echo('response-big.test', [responseTransformer({ add: { json: ['p1:v1'] }, remove: { json: ['body'] } })]),
    echo('response-headers.test', [
      responseTransformer({
        rename: { headers: ['x-amzn-RequestId:x-request-origin'] },
        add: { headers: ['x-added:a1'], json: ['n:42', 'flag:true', 'text:a/b'], json_types: ['number', 'boolean'] },
        append: { headers: ['x-added:a2'] },
      }),
    ]),
    bare('response-503.test', [responseTransformer({ add: { json: ['hint:try later'], headers: ['retry-after:60'] } })]),
    echo('response-stream.test', [responseTransformer({ remove: { json: ['secret'] } })], { ...streaming, function_name: 'streamJson' }),
    echo('response-stream-flood.test', [responseTransformer({ remove: { json: ['secret'] } })], { ...streaming, function_name: 'streamJsonFlood' }),
    // Every plugin of this block at once: Kong's priority order runs them around the function.
    echo('plugins-b.test', [
      correlation(echoDownstream),
      requestTransformer({ add: { headers: ['x-from-transformer:yes'] } }),
      responseTransformer({ remove: { json: ['scheme'] }, add: { headers: ['x-transformed:yes'] } }),
    ]),
  ]
}

/**
 * Kong's precedence (plugins-b-cases.ts): each name's most specific instance. The service's
 * aws-lambda, request-transformer and response-transformer apply to its routes unless a route
 * has its own, and a top-level instance scoped to route and service wins over the route's. The
 * function's name (functionEcho or functionEchoRoute, both the echo) says which aws-lambda ran.
 */
function precedenceService(mock: Record<string, unknown>, forwardAll: Record<string, unknown>): Record<string, unknown> {
  const said = (scope: string) => ({ name: 'response-transformer', config: { add: { headers: [`x-precedence:${scope}`] } } })
  const on = (host: string, plugins: unknown[] = []) => ({ name: host, hosts: [host], plugins })
  return {
    name: 'precedence',
    url: 'http://upstream.invalid:8080/never',
    plugins: [
      { name: 'aws-lambda', config: { ...mock, function_name: 'functionEcho', ...forwardAll } },
      { name: 'request-transformer', config: { add: { headers: ['x-scope:service'] } } },
      said('service'),
    ],
    routes: [
      on('inherited.precedence.test'),
      on('route.precedence.test', [said('route')]),
      on('own.precedence.test', [said('route'), { name: 'aws-lambda', config: { ...mock, function_name: 'functionEchoRoute', ...forwardAll } }]),
    ],
  }
}

const precedenceRouteAndService = {
  name: 'response-transformer',
  route: 'own.precedence.test',
  service: 'precedence',
  config: { add: { headers: ['x-precedence:route+service'] } },
}

// Identity in API Gateway events (test/e2e/authorizer-cases.ts): consumers recognised by key-auth
// and jwt, as Kong declares them, in front of the echo function, whose event shows where the
// consumer went.

/** The consumers' ids and secrets, as the cases check them (the log check finds the secrets in the config). */
export const AUTHORIZER = {
  consumerId: '3a0d4c5e-6f70-4182-93a4-b5c6d7e8f901',
  guestId: '4b1e5d6f-7081-4293-a4b5-c6d7e8f9a012',
  keyId: '5c2f6e70-8192-43a4-b5c6-d7e8f9a0b123',
  key: 'authorizer-key-6d1f0b2c9e8a',
  jwtKey: 'authorizer-issuer',
  jwtSecret: 'authorizer-jwt-secret-7e2a1c3d',
} as const

export function authorizerConsumers(): Record<string, unknown>[] {
  return [
    {
      id: AUTHORIZER.consumerId,
      username: 'authorizer-ada',
      custom_id: 'crm-42',
      keyauth_credentials: [{ id: AUTHORIZER.keyId, key: AUTHORIZER.key }],
      jwt_secrets: [{ key: AUTHORIZER.jwtKey, secret: AUTHORIZER.jwtSecret, algorithm: 'HS256' }],
    },
    { id: AUTHORIZER.guestId, username: 'authorizer-guest' },
  ]
}

export function authorizerRoutes(
  route: RouteMaker,
  modes: { apiGateway: (version: '1.0' | '2.0') => Record<string, unknown>; forwardAll: Record<string, unknown> },
): Record<string, unknown>[] {
  const { apiGateway, forwardAll } = modes
  const echo = (host: string, auth: Record<string, unknown>, config: Record<string, unknown>) => {
    const made = route(`${host}.authorizer.test`, { function_name: 'functionEcho', ...config })
    return { ...made, plugins: [auth, ...made.plugins] }
  }
  const keyAuth = (config: Record<string, unknown> = {}) => ({ name: 'key-auth', config: { key_names: ['apikey'], ...config } })
  const jwt = { name: 'jwt', config: { claims_to_verify: ['exp'] } }
  return [
    echo('keyauth-apigw1', keyAuth(), apiGateway('1.0')),
    echo('keyauth-hidden-apigw1', keyAuth({ hide_credentials: true }), apiGateway('1.0')),
    echo('keyauth-hidden-apigw2', keyAuth({ hide_credentials: true }), apiGateway('2.0')),
    echo('keyauth-hidden-forward', keyAuth({ hide_credentials: true }), forwardAll),
    echo('keyauth-anonymous-apigw2', keyAuth({ anonymous: 'authorizer-guest' }), apiGateway('2.0')),
    echo('jwt-apigw1', jwt, apiGateway('1.0')),
    echo('jwt-apigw2', jwt, apiGateway('2.0')),
  ]
}

// ip-restriction (ip-restriction-cases.ts): the routes of Kong's spec/03-plugins/17-ip-restriction/02-access_spec.lua,
// each answered by the echo function as an API Gateway 1.0 event, so that a case sees the address the gateway
// saw (`requestContext.identity.sourceIp`).
function ipRestrictionRoutes(
  route: (host: string, config?: Record<string, unknown>, extra?: Record<string, unknown>) => Record<string, unknown>,
  apiGateway: Record<string, unknown>,
): Record<string, unknown>[] {
  const restricted = (n: string, config: Record<string, unknown>) => {
    const lambda = route(`ip-restriction${n}.test`, { ...apiGateway, function_name: 'functionEcho' }) as { plugins: unknown[] }
    return { ...lambda, plugins: [{ name: 'ip-restriction', config }, ...lambda.plugins] }
  }
  return [
    restricted('1', { deny: ['127.0.0.1', '127.0.0.2'] }),
    restricted('2', { deny: ['127.0.0.2'] }),
    restricted('3', { allow: ['127.0.0.2'] }),
    restricted('4', { allow: ['127.0.0.1'] }),
    restricted('5', { deny: ['127.0.0.0/24'] }),
    restricted('6', { allow: ['127.0.0.4'] }),
    restricted('7', { deny: ['127.0.0.4'] }),
    restricted('8', { allow: ['0.0.0.0/0'] }),
    restricted('9', { allow: ['127.0.0.1'], deny: ['127.0.0.1'] }),
    restricted('10', { allow: ['127.0.0.0/24'], deny: ['127.0.0.1'] }),
    restricted('11', { allow: ['127.0.0.0/24'], deny: ['127.0.0.0/24'] }),
    restricted('12', { deny: ['127.0.0.0/24'], status: 401, message: 'Forbidden' }),
    // Kong's IPv6 blocks.
    restricted('-v6-1', { deny: ['::1', '::2'] }),
    restricted('-v6-2', { deny: ['::2'] }),
    restricted('-v6-3', { deny: ['fe80::/8'] }),
    restricted('-v6-4', { allow: ['::2'] }),
    restricted('-v6-5', { allow: ['::1'] }),
    restricted('-v6-6', { allow: ['::/0'] }),
    restricted('-v6-7', { allow: ['::1'], deny: ['::1'] }),
    restricted('-v6-8', { allow: ['::1/128'], deny: ['::1'] }),
    restricted('-v6-9', { allow: ['::1/128'], deny: ['::1/128'] }),
    restricted('-v6-10', { deny: ['::4'] }),
    restricted('-v6-11', { allow: ['::4'] }),
  ]
}

// acl (acl-cases.ts): consumers recognised by key-auth, with their ACL groups, and the routes of Kong's
// spec/03-plugins/18-acl/02-access_spec.lua.
export const ACL_KEYS = ['acl-admin-key', 'acl-pro-key', 'acl-none-key'] as const

export function aclConsumers(): Record<string, unknown>[] {
  return [
    { username: 'acl-admin', keyauth_credentials: [{ key: ACL_KEYS[0] }], acls: [{ group: 'admin' }] },
    { username: 'acl-pro', keyauth_credentials: [{ key: ACL_KEYS[1] }], acls: [{ group: 'pro' }, { group: 'hello' }] },
    { username: 'acl-none', keyauth_credentials: [{ key: ACL_KEYS[2] }] },
    { username: 'acl-anonymous', acls: [{ group: 'anonymous' }] },
  ]
}

export function aclRoutes(route: (host: string, config?: Record<string, unknown>) => Record<string, unknown>): Record<string, unknown>[] {
  const guarded = (host: string, plugins: unknown[]) => {
    const lambda = route(`${host}.acl.test`, { function_name: 'functionEcho', forward_request_headers: true }) as { plugins: unknown[] }
    return { ...lambda, plugins: [...plugins, ...lambda.plugins] }
  }
  const acl = (config: Record<string, unknown>) => ({ name: 'acl', config })
  const keyAuth = (config: Record<string, unknown> = {}) => ({ name: 'key-auth', config })
  return [
    guarded('no-auth', [acl({ allow: ['admin'] })]),
    guarded('allow-admin', [keyAuth(), acl({ allow: ['admin'] })]),
    guarded('allow-admin-hidden', [keyAuth(), acl({ allow: ['admin'], hide_groups_header: true })]),
    guarded('deny-admin', [keyAuth(), acl({ deny: ['admin'] })]),
    guarded('allow-multi', [keyAuth(), acl({ allow: ['hello', 'other'] })]),
    guarded('deny-multi', [keyAuth(), acl({ deny: ['other', 'hello'] })]),
    guarded('anonymous', [keyAuth({ anonymous: 'acl-anonymous' }), acl({ allow: ['anonymous'] })]),
  ]
}

// key-auth and basic-auth (test/e2e/auth-cases.ts): the consumers and routes of Kong's access specs
// (spec/03-plugins/09-key-auth/02-access_spec.lua, 10-basic-auth/03-access_spec.lua), with
// secrets of their own (Kong's `kong` would match every `kongLambdaTest` in the logs), on hosts
// under keyauth.test, in front of the echo function (whose payload shows the consumer headers).
// Kong's anonymous consumer `no-body` is `no-body-keyauth` here: the jwt block has its own.

/** The keys and passwords of the auth consumers (the secret-in-logs check finds them in the config). */
export const AUTH_SECRETS = {
  bobKey: 'bob-key-7f3a9c',
  rightKey: 'right-key-5e21d4',
  mouseKey: 'mouse-key-4d2b80',
  bobPassword: 'bob-password-9c1e',
  user123Password: 'password123-b7e0',
  user321Password: 'password:123-a2f9',
  aladdinPassword: 'OpenSesame-63c1d',
  leiKey: 'clé-李-key-2f8c',
} as const

/** The ids the cases assert (X-Consumer-ID, X-Credential-Identifier). */
export const AUTH_IDS = {
  bob: '5f0a5c3e-8c1b-4d3e-9a53-6b1c2f0e7d41',
  bobKey: '0b7e0a8c-3f9d-4a51-8d6e-2c4b1a9f3e70',
  noBody: '9c1d7e2a-4b3f-4e8d-a1c6-5d2e8f0b7a13',
  anonymous: '1e4f8a2b-6c3d-4f9e-b7a5-8d0c2e6f4b19',
  mickey: '2a6c9e1f-7d4b-4a3e-8c5f-0b1d3e7a9c25',
  mouseKey: '4c0e2a6d-1f8b-4c9a-9e3d-7a5b1c0f2e48',
  aladdin: '3b8d0f2a-9e5c-4b7d-a6f1-2c4e6a8b0d37',
  lei: '6d2f9b4e-0a7c-4e1d-9b3f-8c5a2e0d6f51',
  leiKey: '7e3a0c5f-2b9d-4f6e-a1c8-9d4b6f1e3a62',
} as const

function authConsumers(): Record<string, unknown>[] {
  const s = AUTH_SECRETS
  return [
    {
      id: AUTH_IDS.bob,
      username: 'bob',
      keyauth_credentials: [{ id: AUTH_IDS.bobKey, key: s.bobKey }, { key: s.rightKey }],
      basicauth_credentials: [
        { username: 'bob', password: s.bobPassword },
        { username: 'user123', password: s.user123Password },
        { username: 'user321', password: s.user321Password },
      ],
    },
    { id: AUTH_IDS.noBody, username: 'no-body-keyauth' },
    { id: AUTH_IDS.anonymous, username: 'Anonymous' },
    { id: AUTH_IDS.mickey, username: 'Mickey', keyauth_credentials: [{ id: AUTH_IDS.mouseKey, key: s.mouseKey }] },
    { id: AUTH_IDS.aladdin, username: 'Aladdin', basicauth_credentials: [{ username: 'Aladdin', password: s.aladdinPassword }] },
    // Text beyond Latin-1 in a name and a key: Kong handles both as UTF-8 bytes.
    { id: AUTH_IDS.lei, username: '李雷', keyauth_credentials: [{ id: AUTH_IDS.leiKey, key: s.leiKey }] },
  ]
}

/** Kong's "logical OR" recipe: a request without any valid credential is the anonymous consumer's, which request-termination answers. */
function authPlugins(): Record<string, unknown>[] {
  return [{ name: 'request-termination', route: 'or-termination.keyauth.test', consumer: 'Anonymous', config: { status_code: 401, message: 'Unauthorized' } }]
}

function authRoutes(route: RouteMaker, forwardAll: Record<string, unknown>): Record<string, unknown>[] {
  const echo = (host: string, plugins: unknown[], extra: Record<string, unknown> = {}) => {
    const made = route(host, { function_name: 'functionEcho', ...forwardAll }, extra)
    return { ...made, plugins: [...plugins, ...made.plugins] }
  }
  const keyAuth = (config: Record<string, unknown> = {}) => ({ name: 'key-auth', config })
  const basicAuth = (config: Record<string, unknown> = {}) => ({ name: 'basic-auth', config })
  const combinations = ['ttt', 'ttf', 'tff', 'fff', 'fft', 'tft', 'ftf'].map((flags) =>
    echo(`${flags}.combo.keyauth.test`, [keyAuth({ key_in_header: flags[0] === 't', key_in_query: flags[1] === 't', key_in_body: flags[2] === 't' })]),
  )
  const anonymous = { anonymous: AUTH_IDS.anonymous }
  return [
    echo('key-auth1.keyauth.test', [keyAuth()]),
    echo('key-auth2.keyauth.test', [keyAuth({ hide_credentials: true, realm: 'test-realm' })]),
    echo('key-auth3.keyauth.test', [keyAuth({ anonymous: AUTH_IDS.noBody })]),
    echo('key-auth5.keyauth.test', [keyAuth({ key_in_body: true })]),
    echo('key-auth6.keyauth.test', [keyAuth({ key_in_body: true, hide_credentials: true })]),
    echo('key-auth7.keyauth.test', [keyAuth({ run_on_preflight: false })]),
    echo('key-auth8.keyauth.test', [keyAuth({ key_names: ['api_key'] })]),
    echo('key-auth10.keyauth.test', [keyAuth({ anonymous: 'no-body-keyauth' })]),
    ...combinations,
    echo('basic-auth1.keyauth.test', [basicAuth({ realm: 'test-realm' })]),
    echo('basic-auth2.keyauth.test', [basicAuth({ hide_credentials: true })]),
    echo('basic-auth3.keyauth.test', [basicAuth({ anonymous: AUTH_IDS.noBody })]),
    echo('basic-auth5.keyauth.test', [basicAuth({ anonymous: 'no-body-keyauth' })]),
    echo('logical-and.keyauth.test', [basicAuth(), keyAuth()]),
    echo('logical-or.keyauth.test', [basicAuth(anonymous), keyAuth(anonymous)]),
    // No function: a request that passes gets the gateway's 503 (no service), one without a valid credential request-termination's 401.
    { name: 'or-termination.keyauth.test', hosts: ['or-termination.keyauth.test'], plugins: [basicAuth(anonymous), keyAuth(anonymous)] },
  ]
}

// --- Proxying to services (test/e2e/proxy-cases.ts): services on the loopback echo server of
// test/support/upstream-servers.ts (and the closed port), routes by host under proxy.test.

/** The key of the consumer the proxied key-auth route knows. */
export const PROXY_KEY = 'proxy-consumer-key'
/** The key of a consumer whose name is beyond Latin-1. */
export const PROXY_KEY_LEI = 'proxy-consumer-lei-key'

function proxyServices(upstreams: UpstreamPorts, closedPort: number): Record<string, unknown>[] {
  const echo = `http://127.0.0.1:${upstreams.echo}`
  const host = (name: string, extra: Record<string, unknown> = {}) => ({ name, hosts: [name], ...extra })
  return [
    {
      name: 'proxy-echo',
      url: echo,
      routes: [
        host('echo.proxy.test'),
        ...(upstreams.workers ? [] : [host('preserve.proxy.test', { preserve_host: true })]),
        host('prefix.proxy.test', { paths: ['/prefix'] }),
        host('keep.proxy.test', { paths: ['/prefix'], strip_path: false }),
        host('regex.proxy.test', { paths: ['~/(?<version>v\\d+)/strip'] }),
        host('plugins.proxy.test', {
          plugins: [
            { name: 'key-auth', config: { hide_credentials: true } },
            { name: 'cors', config: { origins: ['http://example.test'] } },
            { name: 'request-transformer', config: { add: { headers: ['x-added:by-request-transformer'], querystring: ['added:1'] } } },
            { name: 'response-transformer', config: { add: { headers: ['x-answer-added:by-response-transformer'] } } },
          ],
        }),
        host('read-body.proxy.test', { plugins: [{ name: 'request-transformer', config: { add: { body: ['added:1'] } } }] }),
        host('host-set.proxy.test', { plugins: [{ name: 'request-transformer', config: { replace: { headers: ['host:replaced.test:8443'] } } }] }),
      ],
    },
    {
      name: 'proxy-base',
      url: `${echo}/base`,
      routes: [host('base.proxy.test', { paths: ['/prefix'] }), host('base-keep.proxy.test', { paths: ['/prefix'], strip_path: false })],
    },
    { name: 'proxy-slow', url: echo, read_timeout: 300, routes: [host('slow.proxy.test')] },
    { name: 'proxy-refused', url: `http://127.0.0.1:${closedPort}`, routes: [host('refused.proxy.test')] },
    { name: 'proxy-refused-once', url: `http://127.0.0.1:${closedPort}`, retries: 0, routes: [host('refused-no-retry.proxy.test')] },
    { name: 'proxy-named-port', host: 'localhost', port: upstreams.echo, routes: [host('localhost.proxy.test')] },
  ]
}

function proxyConsumers(): Record<string, unknown>[] {
  return [
    { username: 'proxy-consumer', keyauth_credentials: [{ key: PROXY_KEY }] },
    { username: 'proxy-李雷', custom_id: 'né-1', keyauth_credentials: [{ key: PROXY_KEY_LEI }] },
  ]
}

// --- TLS to upstreams (test/e2e/tls-cases.ts): https services on the loopback upstreams of
// test/support/tls-upstreams.ts, their CA certificate and client certificate; routes by host under tls.test.

/** The ports of test/support/tls-upstreams.ts's servers, and the PEM the services' `ca_certificates` and `client_certificate` take. */
export interface TlsUpstreams {
  trusted: number
  chained: number
  untrusted: number
  mtls: number
  ca: string
  /** The intermediate CA: a CA, but not the one that signed the upstreams' certificates. */
  intermediate: string
  client: { cert: string; key: string }
}

/** What those servers answer: the server name the gateway sent (null: none), the client certificate's CN, the Host header. */
export interface TlsEcho {
  sni: string | null
  client: string | null
  host: string | null
}

const TLS_CA_ID = '0b6c1a9e-5f6d-4c1e-9a8b-7d2e3f4a5b6c'
const TLS_INTERMEDIATE_ID = '3c9d8e7f-1a2b-4c3d-9e8f-7a6b5c4d3e2f'
const TLS_CLIENT_ID = '6f0e2d1c-3b4a-4e5f-8a9b-0c1d2e3f4a5b'

function tlsEntities(tls: TlsUpstreams | undefined): Record<string, unknown> {
  if (!tls) return {}
  return {
    ca_certificates: [
      { id: TLS_CA_ID, cert: tls.ca },
      { id: TLS_INTERMEDIATE_ID, cert: tls.intermediate },
    ],
    certificates: [{ id: TLS_CLIENT_ID, ...tls.client }],
  }
}

function tlsServices(tls: TlsUpstreams | undefined): Record<string, unknown>[] {
  if (!tls) return []
  const host = (name: string, extra: Record<string, unknown> = {}) => ({ name, hosts: [name], ...extra })
  const trusting = { ca_certificates: [TLS_CA_ID], retries: 0 }
  return [
    // Services name their CAs (Deno reads the system's store only with --allow-sys: the default roots are tested on Node).
    { name: 'tls-untrusted', url: `https://127.0.0.1:${tls.untrusted}`, ...trusting, routes: [host('untrusted.tls.test')] },
    { name: 'tls-other-ca', url: `https://127.0.0.1:${tls.trusted}`, ca_certificates: [TLS_INTERMEDIATE_ID], retries: 0, routes: [host('other-ca.tls.test')] },
    {
      name: 'tls-ca',
      url: `https://localhost:${tls.trusted}`,
      ...trusting,
      routes: [host('ca.tls.test'), host('upstream.tls.test', { preserve_host: true })],
    },
    { name: 'tls-ip', url: `https://127.0.0.1:${tls.trusted}`, ...trusting, routes: [host('ip.tls.test')] },
    { name: 'tls-mtls-none', url: `https://127.0.0.1:${tls.mtls}`, ...trusting, routes: [host('mtls-none.tls.test')] },
    { name: 'tls-mtls', url: `https://127.0.0.1:${tls.mtls}`, ...trusting, client_certificate: TLS_CLIENT_ID, routes: [host('mtls.tls.test')] },
    // A chain through the intermediate CA (18-upstream_tls_spec.lua: tls_verify_depth).
    { name: 'tls-depth-0', url: `https://127.0.0.1:${tls.chained}`, ...trusting, tls_verify_depth: 0, routes: [host('depth-0.tls.test')] },
    { name: 'tls-depth-1', url: `https://127.0.0.1:${tls.chained}`, ...trusting, tls_verify_depth: 1, routes: [host('depth-1.tls.test')] },
  ]
}

// --- Upstreams and load balancing (test/e2e/balancer-cases.ts): one upstream per case (health
// and wheel positions are each upstream's own), over the targets of startBalancerTargets(4) and
// the closed port; routes by host under balancer.test, each to the service of the same name.

/** The upstreams of the balancer cases: name → its fields; the route `<name>.balancer.test` goes to it. */
function balancerUpstreamFields(targets: number[], closedPort: number, workers = false): Record<string, Record<string, unknown>> {
  const target = (port: number, weight?: number) => ({ target: `127.0.0.1:${port}`, ...(weight === undefined ? {} : { weight }) })
  const all = targets.map((port) => target(port))
  const dead = target(closedPort)
  const passive = (unhealthy: Record<string, number>) => ({ passive: { unhealthy } })
  return {
    weighted: { targets: [target(targets[0], 30), target(targets[1], 10)] },
    zero: { targets: [target(targets[0], 0), target(targets[1], 10)] },
    header: { hash_on: 'header', hash_on_header: 'x-hash-key', targets: all },
    cookie: { hash_on: 'cookie', hash_on_cookie: 'hashme', hash_on_cookie_path: '/sticky', targets: all },
    ip: { hash_on: 'ip', targets: all },
    query: { hash_on: 'header', hash_on_header: 'x-absent', hash_fallback: 'query_arg', hash_fallback_query_arg: 'q', targets: all },
    retry: { targets: [dead, target(targets[0])] },
    passive: { healthchecks: passive({ tcp_failures: 1 }), targets: [dead, target(targets[1])] },
    'http-failures': { healthchecks: passive({ http_failures: 1 }), targets: [target(targets[0]), target(targets[1])] },
    down: { healthchecks: passive({ tcp_failures: 1 }), targets: [dead] },
    empty: {},
    zeros: { targets: [target(targets[0], 0)] },
    'plugin-answers': {
      healthchecks: { passive: { unhealthy: { http_statuses: [401, 500], http_failures: 1 } } },
      targets: [target(targets[0]), target(targets[1])],
    },
    // Refused on Workers, whose fetch sends the target's name as Host.
    ...(workers ? {} : { 'host-header': { host_header: 'named.balancer.test', targets: [target(targets[0])] } }),
    'least-connections': { algorithm: 'least-connections', targets: [target(targets[0]), target(targets[1])] },
  }
}

/** Services whose retries differ from Kong's 5: none, so a failed try is the client's answer. */
const BALANCER_NO_RETRIES = new Set(['passive', 'http-failures'])

function balancerUpstreams({ targets, workers }: UpstreamPorts, closedPort: number): Record<string, unknown>[] {
  if (!targets) return []
  return Object.entries(balancerUpstreamFields(targets, closedPort, workers)).map(([name, fields]) => ({ name: `${name}.upstream`, ...fields }))
}

function balancerServices({ targets, workers }: UpstreamPorts): Record<string, unknown>[] {
  if (!targets) return []
  return Object.keys(balancerUpstreamFields(targets, 0, workers)).map((name) => ({
    name: `balancer-${name}`,
    host: `${name}.upstream`,
    ...(BALANCER_NO_RETRIES.has(name) ? { retries: 0 } : {}),
    routes: [{ name: `balancer-${name}`, hosts: [`${name}.balancer.test`], ...(name === 'plugin-answers' ? { plugins: [{ name: 'key-auth' }] } : {}) }],
  }))
}

// WebSocket upgrades through the proxy (test/e2e/websocket-cases.ts), hosts *.ws.test, in front of
// the WebSocket echo server of test/support/websocket-echo.ts.
export const WS_KEY = PROXY_KEY

function webSocketServices(port: number, closedPort: number): Record<string, unknown>[] {
  const host = (name: string, extra: Record<string, unknown> = {}) => ({ name, hosts: [name], ...extra })
  return [
    {
      name: 'ws-echo',
      url: `http://127.0.0.1:${port}`,
      routes: [
        host('echo.ws.test'),
        host('prefix.ws.test', { paths: ['/chat'] }),
        host('auth.ws.test', { plugins: [{ name: 'key-auth', config: {} }] }),
        host('transformed.ws.test', { plugins: [{ name: 'response-transformer', config: { add: { headers: ['x-ws-added:by-response-transformer'] } } }] }),
      ],
    },
    { name: 'ws-idle', url: `http://127.0.0.1:${port}`, read_timeout: 1000, routes: [host('idle.ws.test')] },
    { name: 'ws-refusing', url: `http://127.0.0.1:${port}/refuse/404`, routes: [host('refused.ws.test')] },
    { name: 'ws-closed', url: `http://127.0.0.1:${closedPort}`, retries: 0, routes: [host('closed.ws.test')] },
  ]
}

// --- rate-limiting (test/e2e/rate-limiting-cases.ts): the routes of Kong's
// spec/03-plugins/23-rate-limiting/04-access_spec.lua for the local policy, hosts <name>.ratelimit.test, in
// front of the echo function: the plugin (priority 910) counts before aws-lambda (750) invokes.

/** The key-auth keys of the consumers the consumer and credential cases are counted for. */
export const RATE_LIMITING_KEYS = { bob: 'ratelimit-bob-key', alice: 'ratelimit-alice-key' } as const

export function rateLimitingConsumers(): Record<string, unknown>[] {
  return [
    { username: 'ratelimit-bob', keyauth_credentials: [{ key: RATE_LIMITING_KEYS.bob }] },
    { username: 'ratelimit-alice', keyauth_credentials: [{ key: RATE_LIMITING_KEYS.alice }] },
  ]
}

function rateLimitingRoutes(route: RouteMaker): Record<string, unknown>[] {
  const limited = (name: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}, before: unknown[] = []) => {
    const made = route(`${name}.ratelimit.test`, { function_name: 'functionEcho' }, extra)
    return { ...made, plugins: [...before, { name: 'rate-limiting', config }, ...made.plugins] }
  }
  const keyAuth = { name: 'key-auth', config: { key_names: ['test-key'] } }
  return [
    limited('ip', { minute: 6, limit_by: 'ip' }),
    limited('ip-multiple', { minute: 6, limit_by: 'ip' }),
    limited('header', { minute: 6, limit_by: 'header', header_name: 'test-header' }),
    limited('path', { minute: 6, limit_by: 'path', path: '/1-test' }, { paths: ['/1-test', '/2-test'] }),
    limited('consumer', { minute: 6, limit_by: 'consumer' }, {}, [keyAuth]),
    limited('credential', { minute: 6, limit_by: 'credential' }, {}, [keyAuth]),
    limited('hidden', { minute: 6, limit_by: 'ip', hide_client_headers: true }),
    limited('multiple-limits', { minute: 6, hour: 99999, limit_by: 'ip' }),
    limited('second', { second: 1, limit_by: 'ip' }),
    limited('error-code', { minute: 1, limit_by: 'ip', error_code: 404, error_message: 'Fake Not Found' }),
  ]
}

/** limit_by service on a service: its routes share one counter. */
function rateLimitingService(mock: Record<string, unknown>): Record<string, unknown> {
  return {
    name: 'ratelimit-service',
    url: 'http://upstream.invalid/never',
    plugins: [
      { name: 'aws-lambda', config: { ...mock, function_name: 'functionEcho' } },
      { name: 'rate-limiting', config: { minute: 6, limit_by: 'service' } },
    ],
    routes: [
      { name: 'service-1.ratelimit.test', hosts: ['service-1.ratelimit.test'] },
      { name: 'service-2.ratelimit.test', hosts: ['service-2.ratelimit.test'] },
    ],
  }
}

// --- response-ratelimiting (test/e2e/response-rl-cases.ts): the routes of Kong's
// spec/03-plugins/24-response-rate-limiting/04-access_spec.lua, with minute and hour windows for
// its second and minute ones, each twice: proxied to the echo upstream (`<name>.response-rl.test`,
// whose X-Kong-Limit the client asks for with x-test-answer-header), and answered by a function
// (`<name>.lambda.response-rl.test`, whose proxy response is the client's body). The consumers
// come once per attempt: a case that a window's end interrupts runs again as other consumers.

/** How many times a response-ratelimiting case may run (test/support/window-retry.ts: once more after a window's end). */
const RESPONSE_RL_ATTEMPTS = 2

export function responseRlEntities(mock: Record<string, unknown>, upstreams: UpstreamPorts, closedPort: number) {
  const echo = `http://127.0.0.1:${upstreams.echo}`
  const limits = (config: Record<string, unknown>) => ({ name: 'response-ratelimiting', config })
  const video = (minute: number) => limits({ limits: { video: { minute } } })
  const fromBody = { function_name: 'functionReplyFromBody', is_proxy_integration: true, awsgateway_compatible: true, base64_encode_body: false }
  const lambda = (config: Record<string, unknown> = fromBody) => ({ name: 'aws-lambda', config: { ...mock, ...config } })
  const keyAuth = { name: 'key-auth', config: {} }
  const host = (name: string, extra: Record<string, unknown> = {}) => ({ name, hosts: [name], ...extra })
  const both = (name: string, plugins: unknown[], function_ = fromBody) => [
    host(`${name}.response-rl.test`, { service: 'rrl-echo', plugins }),
    host(`${name}.lambda.response-rl.test`, { plugins: [...plugins, lambda(function_)] }),
  ]
  const attempts = Array.from({ length: RESPONSE_RL_ATTEMPTS }, (_, i) => i)
  return {
    services: [
      { name: 'rrl-echo', url: echo },
      // Kong's service10: the service's plugin counts its routes together.
      { name: 'rrl-service', url: echo, plugins: [video(6)], routes: [host('service1.response-rl.test'), host('service2.response-rl.test')] },
      {
        name: 'rrl-lambda-service',
        url: 'http://upstream.invalid',
        plugins: [video(6), lambda()],
        routes: [host('service1.lambda.response-rl.test'), host('service2.lambda.response-rl.test')],
      },
    ],
    routes: [
      ...both('remaining', [video(6)]),
      ...both('blocks', [video(6)]),
      ...both('multiple', [limits({ limits: { video: { minute: 12, hour: 24 }, image: { minute: 6 } } })]),
      ...both('auth', [keyAuth, video(3)]),
      ...both('upstream-headers', [limits({ limits: { video: { minute: 6, hour: 12 }, image: { minute: 5 } } })], {
        function_name: 'functionEcho',
        forward_request_headers: true,
      } as never),
      ...both('multi-header', [limits({ limits: { video: { minute: 14 }, image: { minute: 6 } } })]),
      ...both('first-violation', [limits({ block_on_first_violation: true, limits: { video: { minute: 6, hour: 12 }, image: { minute: 4 } } })]),
      ...both('hidden', [limits({ hide_client_headers: true, limits: { video: { minute: 6 } } })]),
      // Kong's "global for single consumer": no limit on the routes, one on the consumer.
      ...both('consumer1', [keyAuth]),
      ...both('consumer2', [keyAuth]),
      // The redis policy (test/e2e/response-rl-cases.ts, responseRlRedisCases): Node and Deno only.
      ...(upstreams.workers
        ? []
        : [
            ['redis', upstreams.redis?.port ?? closedPort, true],
            ['redis-strict', closedPort, false],
            ['redis-tolerant', closedPort, true],
          ].map(([name, port, tolerant]) =>
            host(`${name}.response-rl.test`, {
              service: 'rrl-echo',
              plugins: [
                limits({ policy: 'redis', redis: { host: '127.0.0.1', port, timeout: 1000 }, fault_tolerant: tolerant, limits: { video: { minute: 3 } } }),
              ],
            }),
          )),
    ],
    consumers: attempts.flatMap((i) => [
      // On auth.*: a limit of its own (the consumer and route's plugin), and the route's.
      { username: `rrl-own-${i}`, keyauth_credentials: [{ key: `rrl-own-key-${i}` }] },
      { username: `rrl-route-${i}`, keyauth_credentials: [{ key: `rrl-route-key-${i}` }] },
      { username: `rrl-everywhere-${i}`, keyauth_credentials: [{ key: `rrl-everywhere-key-${i}` }], plugins: [video(6)] },
    ]),
    plugins: attempts.flatMap((i) =>
      ['auth.response-rl.test', 'auth.lambda.response-rl.test'].map((route) => ({ ...video(4), route, consumer: `rrl-own-${i}` })),
    ),
  }
}

// --- rate-limiting with the redis policy (test/e2e/redis-cases.ts): Kong's redis cases of
// spec/03-plugins/23-rate-limiting/04-access_spec.lua, hosts <name>.redis.test in front of the
// echo function, limited by the X-Limit-Key header so that every case counts on keys of its own.

/** The password of the routes whose Redis is not there: it must never reach a log line. */
export const REDIS_TEST_PASSWORD = 'redis-test-password-5e1b9c'

function redisRoutes(route: RouteMaker, redis: { port: number; tlsPort: number }, closedPort: number): Record<string, unknown>[] {
  const withRateLimiting = (host: string, config: Record<string, unknown>) => {
    const made = route(host, { function_name: 'functionEcho' })
    return { ...made, plugins: [...made.plugins, { name: 'rate-limiting', config }] }
  }
  const byKey = { policy: 'redis', limit_by: 'header', header_name: 'x-limit-key' }
  const limited = (host: string, config: Record<string, unknown>, settings: Record<string, unknown> = {}) =>
    withRateLimiting(host, { ...byKey, redis: { host: '127.0.0.1', port: redis.port, timeout: 1000, ...settings }, ...config })
  const absent = { port: closedPort, password: REDIS_TEST_PASSWORD }
  const tls = { port: redis.tlsPort, ssl: true }
  return [
    limited('minute.redis.test', { minute: 6 }),
    limited('periods.redis.test', { minute: 3, hour: 5 }),
    limited('second.redis.test', { second: 1 }),
    limited('hidden.redis.test', { minute: 2, hide_client_headers: true }),
    limited('error.redis.test', { minute: 1, error_code: 404, error_message: 'Fake Not Found' }),
    // Kong's deprecated shorthands, as older files write them.
    withRateLimiting('shorthand.redis.test', { ...byKey, minute: 2, redis_host: '127.0.0.1', redis_port: redis.port, redis_timeout: 1000 }),
    limited('strict.redis.test', { minute: 6, fault_tolerant: false }, absent),
    limited('tolerant.redis.test', { minute: 6, fault_tolerant: true }, absent),
    // Kong's ssl_no_verify: any server name goes; ssl_verify: the test CA is no root this runtime trusts.
    limited('tls.redis.test', { minute: 2 }, { ...tls, server_name: 'really.really.really.does.not.exist.host.test' }),
    limited('tls-verify.redis.test', { minute: 2, fault_tolerant: false }, { ...tls, ssl_verify: true, server_name: 'localhost' }),
  ]
}

// Issue 17, traces into Lambda: the opentelemetry plugin on Lambda routes (each event format that
// carries headers) and on a proxied one, exporting to the mock Lambda's OTLP collector stand-in
// (test/support/mock-otel.ts), or to nothing (the closed port).
function otelRoutes(lambda: Record<string, unknown>, mockPort: number, closedPort: number): Record<string, unknown>[] {
  const otel = (config: Record<string, unknown> = {}) => ({
    name: 'opentelemetry',
    config: {
      traces_endpoint: `http://127.0.0.1:${mockPort}/v1/traces`,
      sampling_rate: 1,
      http_response_header_for_traceid: 'x-trace-id',
      headers: { 'x-otel-token': 'otel-secret' },
      resource_attributes: { 'deployment.environment': 'e2e' },
      // A request's spans are queued together: a short wait sends them in one batch.
      queue: { max_coalescing_delay: 0.05 },
      ...config,
    },
  })
  const onLambda = (host: string, lambdaConfig: Record<string, unknown>, plugins: unknown[] = [otel()]) => ({
    name: host,
    hosts: [host],
    plugins: [...plugins, { name: 'aws-lambda', config: { ...lambda, function_name: 'functionOtelEcho', ...lambdaConfig } }],
  })
  const apiGateway = (version: string) => ({ awsgateway_compatible: true, awsgateway_compatible_payload_version: version })
  return [
    onLambda('v1.otel.test', apiGateway('1.0'), [otel(), { name: 'correlation-id', config: { echo_downstream: true } }]),
    onLambda('v2.otel.test', apiGateway('2.0')),
    onLambda('forward.otel.test', { forward_request_headers: true }),
    onLambda('clear.otel.test', apiGateway('1.0'), [otel({ propagation: { extract: ['w3c'], clear: ['x-internal-trace'], inject: ['w3c', 'b3'] } })]),
    onLambda('unsampled.otel.test', apiGateway('1.0'), [otel({ sampling_rate: 0 })]),
    onLambda('down.otel.test', apiGateway('1.0'), [
      otel({ traces_endpoint: `http://127.0.0.1:${closedPort}/v1/traces`, queue: { max_coalescing_delay: 0.05, max_retry_time: -1 } }),
    ]),
    { name: 'proxy.otel.test', hosts: ['proxy.otel.test'], service: 'proxy-echo', plugins: [otel()] },
  ]
}

// Issue 17, http-log and file-log (test/e2e/logs-cases.ts): Lambda routes whose entries go to the
// echo upstream's log collector (test/support/log-collector.ts), and, where there is a file
// system (not Workers), to FILE_LOG_PATH.
function logsRoutes(route: RouteMaker, upstreams: UpstreamPorts): Record<string, unknown>[] {
  const collector = (id: string, query = '') => `http://127.0.0.1:${upstreams.echo}/__logs/${id}${query}`
  const logged = (name: string, ...plugins: unknown[]) => {
    const made = route(`${name}.logs.test`, { function_name: 'functionEcho' })
    return { ...made, plugins: [...made.plugins, ...plugins] }
  }
  const httpLog = (config: Record<string, unknown>) => ({ name: 'http-log', config })
  return [
    logged('http', httpLog({ http_endpoint: collector('e2e-http'), headers: { 'x-log-source': 'e2e-log-source-token' } })),
    logged(
      'batch',
      httpLog({
        http_endpoint: collector('e2e-batch').replace('http://', 'http://log-user:log-pass@'),
        method: 'PUT',
        queue: { max_batch_size: 2, max_coalescing_delay: 20 },
      }),
    ),
    logged('retry', httpLog({ http_endpoint: collector('e2e-retry', '?fail=2'), queue: { initial_retry_delay: 0.01 } })),
    ...(upstreams.workers ? [] : [logged('file', { name: 'file-log', config: { path: FILE_LOG_PATH } })]),
  ]
}
