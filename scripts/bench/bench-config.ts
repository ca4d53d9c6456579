// What every target of the benchmark shares: the function, its keys and the request path.

export const FUNCTION_NAME = 'bench'
export const REGION = 'us-east-1'
/** Static keys: the upstream checks no signature, but every client still signs as for AWS. */
export const CREDENTIALS = { accessKeyId: 'AKIDBENCHMARK', secretAccessKey: 'bench-secret' }
/** The path the proxies serve (the floor is asked at the Invoke path itself). */
export const PROXY_PATH = '/bench/items?page=1'
export const INVOKE_PATH = `/2015-03-31/functions/${FUNCTION_NAME}/invocations`

/** The declarative config the gateway target runs: API Gateway 1.0 events, proxy integration. */
export function gatewayConfig(lambdaUrl: string): Record<string, unknown> {
  const { hostname, port } = new URL(lambdaUrl)
  return {
    _format_version: '3.0',
    routes: [{
      name: 'bench',
      paths: ['/bench'],
      strip_path: false,
      plugins: [{
        name: 'aws-lambda',
        config: {
          function_name: FUNCTION_NAME,
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
        },
      }],
    }],
  }
}
