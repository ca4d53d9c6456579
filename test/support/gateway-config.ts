// The declarative config the end-to-end cases run against: the routes of Kong's specs
// (docs/aws-lambda-plugin.md#spec-cases-ported-from-kong), matched by host as in Kong's suite, all
// pointing at the mock Lambda.

export const TEST_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDENV',
  AWS_SECRET_ACCESS_KEY: 'env-secret',
  AWS_SESSION_TOKEN: 'env-session-token',
  TEST_LAMBDA_KEY: 'mock-key',
  TEST_LAMBDA_SECRET: 'mock-secret',
  // Small, so that the 413 case needs no multi-megabyte body.
  CLIENT_MAX_BODY_SIZE: '64k',
  HEALTH_PATH: '/__health',
} as const

/** The role the AssumeRole routes assume (the mock STS accepts any role ARN). */
export const TEST_ROLE_ARN = 'arn:aws:iam::123456789012:role/lambda-gateway-test'

/** A role whose credentials the mock STS issues for four minutes: inside the five-minute refresh window. */
export const SHORT_LIVED_ROLE_ARN = 'arn:aws:iam::123456789012:role/expires-in-240s'

/**
 * The gateway config for the mock Lambda on `mockPort` and the mock STS at `stsUrl`;
 * `closedPort` is a port on which nothing listens (a connection failure).
 */
export function gatewayConfig(mockPort: number, closedPort: number, stsUrl: string): Record<string, unknown> {
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
    ],
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
    ],
  }
}

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
