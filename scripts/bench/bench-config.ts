// What every target of the benchmark shares: the function, its keys and the request path.

export const FUNCTION_NAME = 'bench'
export const REGION = 'us-east-1'
/** Static keys: the upstream checks no signature, but every client still signs as for AWS. */
export const CREDENTIALS = { accessKeyId: 'AKIDBENCHMARK', secretAccessKey: 'bench-secret' }
/** The path the proxies serve (the floor is asked at the Invoke path itself). */
export const PROXY_PATH = '/bench/items?page=1'
export const INVOKE_PATH = `/2015-03-31/functions/${FUNCTION_NAME}/invocations`

/** The streaming case: a function that answers its prelude and first event at once, then EVENTS more, one every INTERVAL_MS. */
export const STREAM = { functionName: 'bench-stream', proxyPath: '/stream/events', events: 10, eventBytes: 1024, intervalMs: 50 }

/**
 * The declarative config the gateway target runs: API Gateway 1.0 events, proxy integration;
 * `/stream` the same with response_streaming.
 */
export function gatewayConfig(lambdaUrl: string): Record<string, unknown> {
  const { hostname, port } = new URL(lambdaUrl)
  const route = (name: string, path: string, config: Record<string, unknown>) => ({
    name,
    paths: [path],
    strip_path: false,
    plugins: [
      {
        name: 'aws-lambda',
        config: {
          aws_region: REGION,
          aws_key: CREDENTIALS.accessKeyId,
          aws_secret: CREDENTIALS.secretAccessKey,
          host: hostname,
          port: Number(port),
          disable_https: true,
          awsgateway_compatible: true,
          is_proxy_integration: true,
          // Bodies over CLIENT_BODY_BUFFER_SIZE (8 KiB) are sent too, as every other target sends them.
          skip_large_bodies: false,
          ...config,
        },
      },
    ],
  })
  return {
    _format_version: '3.0',
    routes: [
      route('bench', '/bench', { function_name: FUNCTION_NAME }),
      route('bench-stream', '/stream', { function_name: STREAM.functionName, response_streaming: true }),
    ],
  }
}
