// The configuration the prometheus plugin's tests run against (Node and Deno: a Worker refuses
// the plugin): Kong's prometheus spec routes (a named service, a route without a service
// answered by request-termination, a consumer behind key-auth, upstreams in each health state)
// beside Lambda routes for each invocation outcome.

export interface MetricsPorts {
  /** The mock Lambda (test/support/mock-lambda.ts). */
  lambda: number
  /** The echo upstream (test/support/upstream-servers.ts). */
  echo: number
  /** A port nothing listens on. */
  closed: number
}

export const ALICE_KEY = 'alice-key'

export function metricsConfig({ lambda, echo, closed }: MetricsPorts) {
  const mock = { aws_region: 'us-east-1', host: '127.0.0.1', port: lambda, disable_https: true }
  const withKeys = { ...mock, aws_key: 'mock-key', aws_secret: 'mock-secret' }
  const lambdaRoute = (name: string, config: Record<string, unknown>) => ({
    name,
    paths: [`/${name}`],
    plugins: [{ name: 'aws-lambda', config: { ...withKeys, ...config } }],
  })
  const passive = { passive: { unhealthy: { tcp_failures: 1, http_failures: 0, timeouts: 1 } } }
  return {
    _format_version: '3.0',
    services: [
      { name: 'mock-service', url: `http://127.0.0.1:${echo}`, routes: [{ name: 'http-route', paths: ['/status'], methods: ['GET'] }] },
      { name: 'health-service', host: 'mock-upstream', routes: [{ name: 'health-route', paths: ['/health-route'] }] },
      // No name: Kong's label is the host.
      { host: 'mock-upstream-healthy', routes: [{ id: '5c8a3f6e-9d2b-4c71-8e4f-0a1b2c3d4e5f', paths: ['/unnamed'] }] },
    ],
    upstreams: [
      { name: 'mock-upstream-healthchecksoff', targets: [{ target: `127.0.0.1:${echo}` }] },
      { name: 'mock-upstream', healthchecks: passive, targets: [{ target: `127.0.0.1:${closed}` }] },
      { name: 'mock-upstream-healthy', healthchecks: passive, targets: [{ target: `127.0.0.1:${echo}` }] },
    ],
    routes: [
      { name: 'serverless', paths: ['/serverless'], plugins: [{ name: 'request-termination', config: { status_code: 200, message: 'terminated' } }] },
      {
        name: 'private',
        paths: ['/private'],
        plugins: [
          { name: 'key-auth', config: {} },
          { name: 'aws-lambda', config: { ...withKeys, function_name: 'kongLambdaTest' } },
        ],
      },
      lambdaRoute('lambda-ok', { function_name: 'kongLambdaTest' }),
      lambdaRoute('lambda-function-error', { function_name: 'functionWithUnhandledError' }),
      lambdaRoute('lambda-api-error', { function_name: 'apiError429' }),
      lambdaRoute('lambda-timeout', { function_name: 'functionHang', timeout: 300 }),
      // The environment's keys, through the default chain's cache: one refresh.
      { name: 'lambda-env', paths: ['/lambda-env'], plugins: [{ name: 'aws-lambda', config: { ...mock, function_name: 'kongLambdaTest' } }] },
      // An STS that is not there: the role's credentials fail to refresh.
      lambdaRoute('lambda-no-sts', {
        function_name: 'kongLambdaTest',
        aws_assume_role_arn: 'arn:aws:iam::123456789012:role/metrics',
        aws_role_session_name: 'metrics',
        aws_sts_endpoint_url: `http://127.0.0.1:${closed}`,
      }),
      // Kong's granular switches: this route's own instance counts status codes only.
      {
        name: 'granular',
        paths: ['/granular'],
        plugins: [
          { name: 'request-termination', config: { status_code: 418, message: 'teapot' } },
          { name: 'prometheus', config: { status_code_metrics: true } },
        ],
      },
    ],
    consumers: [{ username: 'alice', keyauth_credentials: [{ key: ALICE_KEY }] }],
    plugins: [
      {
        name: 'prometheus',
        config: { per_consumer: true, status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true, upstream_health_metrics: true },
      },
    ],
  }
}
