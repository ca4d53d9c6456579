// What every target of the benchmark shares: the function, its keys and the request path.

import { exportSPKI, generateKeyPair, SignJWT } from 'jose'

export const FUNCTION_NAME = 'bench'
export const REGION = 'us-east-1'
/** Static keys: the upstream checks no signature, but every client still signs as for AWS. */
export const CREDENTIALS = { accessKeyId: 'AKIDBENCHMARK', secretAccessKey: 'bench-secret' }
/** The path the proxies serve (the floor is asked at the Invoke path itself). */
export const PROXY_PATH = '/bench/items?page=1'
export const INVOKE_PATH = `/2015-03-31/functions/${FUNCTION_NAME}/invocations`
/** The plain-proxy case's path, the same at every target of it (the upstream answers any path). */
export const PLAIN_PATH = '/plain/items?page=1'

/** The streaming case: a function that answers its prelude and first event at once, then EVENTS more, one every INTERVAL_MS. */
export const STREAM = { functionName: 'bench-stream', proxyPath: '/stream/events', events: 10, eventBytes: 1024, intervalMs: 50 }

/** The authentication case's consumer and credentials; its RSA key pair is made once per run. */
let rsaKeys: ReturnType<typeof generateKeyPair> | undefined
const rsa = () => (rsaKeys ??= generateKeyPair('RS256'))
export const AUTH = {
  apiKey: 'bench-api-key',
  hsIssuer: 'bench-hs256',
  hsSecret: 'bench-hs256-secret-of-thirty-two-bytes',
  rsIssuer: 'bench-rs256',
  publicKeyPem: async () => exportSPKI((await rsa()).publicKey),
}
const token = (alg: string, issuer: string, key: CryptoKey | Uint8Array) =>
  new SignJWT({ sub: 'bench' }).setProtectedHeader({ alg, typ: 'JWT' }).setIssuer(issuer).setExpirationTime('1h').sign(key)

/** What a client of each authentication route sends. */
export const authHeaders = {
  keyAuth: { apikey: AUTH.apiKey },
  jwtHs256: async () => ({ authorization: `Bearer ${await token('HS256', AUTH.hsIssuer, new TextEncoder().encode(AUTH.hsSecret))}` }),
  jwtRs256: async () => ({ authorization: `Bearer ${await token('RS256', AUTH.rsIssuer, (await rsa()).privateKey)}` }),
}

/**
 * The declarative config the gateway target runs: API Gateway 1.0 events, proxy integration;
 * `/stream` the same with response_streaming. With `auth` (the RSA public key's PEM), the bench
 * route also behind key-auth and jwt, for one consumer.
 */
export function gatewayConfig(lambdaUrl: string, { auth }: { auth?: string } = {}): Record<string, unknown> {
  const { hostname, port } = new URL(lambdaUrl)
  const route = (name: string, path: string, config: Record<string, unknown>, before: Record<string, unknown>[] = []) => ({
    name,
    paths: [path],
    strip_path: false,
    plugins: [
      ...before,
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
  const bench = (name: string, before?: Record<string, unknown>[]) => route(name, `/${name}`, { function_name: FUNCTION_NAME }, before)
  return {
    _format_version: '3.0',
    routes: [
      bench('bench'),
      route('bench-stream', '/stream', { function_name: STREAM.functionName, response_streaming: true }),
      ...(auth === undefined
        ? []
        : [bench('bench-key-auth', [{ name: 'key-auth' }]), bench('bench-jwt-hs256', [{ name: 'jwt' }]), bench('bench-jwt-rs256', [{ name: 'jwt' }])]),
    ],
    ...(auth === undefined
      ? {}
      : {
          consumers: [
            {
              username: 'bench',
              keyauth_credentials: [{ key: AUTH.apiKey }],
              jwt_secrets: [
                { key: AUTH.hsIssuer, algorithm: 'HS256', secret: AUTH.hsSecret },
                { key: AUTH.rsIssuer, algorithm: 'RS256', rsa_public_key: auth },
              ],
            },
          ],
        }),
  }
}

/** The rate-limiting suite's paths: the same function behind a bare route and behind each policy's. */
export const RATE_LIMIT_PATHS = { bare: PROXY_PATH, local: '/bench-rl-local/items?page=1', redis: '/bench-rl-redis/items?page=1' }

/**
 * The gateway target's config plus a route per rate-limiting policy (`redis` with the Redis on
 * `redisPort`), each with a limit no run reaches: what counting costs, not refusing.
 */
/**
 * The opentelemetry plugin's cost: the gateway config with the plugin on the bench route,
 * recording and exporting every trace (`rate` 1) or none (0: ids made and propagated only), to
 * `exportUrl`'s /v1/traces (the plain upstream, which answers any path).
 */
export function tracingConfig(lambdaUrl: string, exportUrl: string, rate: number): Record<string, unknown> {
  const config = gatewayConfig(lambdaUrl)
  const [bench, ...rest] = config.routes as Array<{ plugins: Record<string, unknown>[] }>
  const tracing = { name: 'opentelemetry', config: { traces_endpoint: `${exportUrl}/v1/traces`, sampling_rate: rate } }
  return { ...config, routes: [{ ...bench, plugins: [tracing, ...bench.plugins] }, ...rest] }
}

export function rateLimitConfig(lambdaUrl: string, redisPort?: number): Record<string, unknown> {
  const config = gatewayConfig(lambdaUrl)
  const [bench] = config.routes as Array<{ plugins: Record<string, unknown>[] }>
  const limited = (policy: string, extra: Record<string, unknown> = {}) => ({
    ...bench,
    name: `bench-rl-${policy}`,
    paths: [`/bench-rl-${policy}`],
    plugins: [{ name: 'rate-limiting', config: { second: 1e9, limit_by: 'ip', policy, ...extra } }, ...(bench?.plugins ?? [])],
  })
  const routes = [limited('local'), ...(redisPort === undefined ? [] : [limited('redis', { redis: { host: '127.0.0.1', port: redisPort } })])]
  return { ...config, routes: [...(config.routes as unknown[]), ...routes] }
}

/**
 * The gateway target's config with the prometheus plugin on globally, every switch on (Kong's
 * spec config): what counting each request costs. Served with STATUS_LISTEN set.
 */
export function prometheusConfig(lambdaUrl: string): Record<string, unknown> {
  const config = { status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true, upstream_health_metrics: true, per_consumer: true }
  return { ...gatewayConfig(lambdaUrl), plugins: [{ name: 'prometheus', config }] }
}

/** The plain-proxy case's config: one service at the plain upstream, its route passing the path on unchanged. */
export function proxyConfig(upstreamUrl: string, ...plugins: Record<string, unknown>[]): Record<string, unknown> {
  return {
    _format_version: '3.0',
    services: [
      { name: 'plain', url: upstreamUrl, routes: [{ name: 'plain', paths: ['/plain'], strip_path: false, ...(plugins.length > 0 ? { plugins } : {}) }] },
    ],
  }
}

/** Rate limiting counted in Durable Objects, with a limit no run reaches: every request is counted, none refused. */
export const CLUSTER_RATE_LIMIT = { name: 'rate-limiting', config: { policy: 'cluster', limit_by: 'ip', minute: 1e12 } }
