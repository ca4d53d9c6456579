/// <reference lib="deno.ns" />
// Deno entry: `deno run --allow-net --allow-env --allow-read src/deno.ts --config FILE [--port N] [--https-port N] [--host H]`.

import { startActiveChecks } from './balancer/active-checks.ts'
import { listenBoth, prepareServer, type RunningServer } from './cli/start.ts'
import { certificateProblems } from './cli/tls-certificates.ts'
import { hostCredentialSources } from './credentials/host/sources.ts'
import { type ClientInfo, timedBodyReader } from './pipeline/request.ts'
import { denoLogFiles } from './runtime/deno/log-files.ts'
import { DENO_UNSUPPORTED_LIMITS, denoHttpsRefusals, listenDeno } from './runtime/deno/server.ts'
import { denoTransport } from './runtime/deno/transport.ts'
import { denoUpstreamTransport } from './runtime/deno/upstream-transport.ts'
import { createRedisStores, servingWithRedis } from './runtime/redis/redis-store.ts'

/**
 * The entry hands the app Deno's connection info as its `env`, and which listener took the
 * request. Deno tells neither the HTTP version nor the TLS server name.
 */
function clientInfo(_request: Request, env: unknown): ClientInfo {
  const { remoteAddr, serverPort, https } = (env as { remoteAddr?: Deno.NetAddr; serverPort?: number; https?: boolean } | undefined) ?? {}
  return {
    sourceIp: remoteAddr?.hostname ?? null,
    ...(serverPort === undefined ? {} : { serverPort }),
    protocol: 'HTTP/1.1',
    scheme: https ? 'https' : 'http',
  }
}

/** Starts the gateway; resolves to null (after printing why) when it cannot start. */
export async function startDenoServer(argv: string[], env: Record<string, string> = Deno.env.toObject()): Promise<RunningServer | null> {
  const redis = createRedisStores()
  const prepared = await prepareServer(argv, env, {
    clientInfo,
    counterStores: { redis: redis.redis },
    transport: denoTransport,
    upstreamTransport: denoUpstreamTransport,
    hostCredentials: hostCredentialSources,
    logFiles: denoLogFiles(),
    activeHealthChecks: (balancers, transport, log) => startActiveChecks(balancers, { transport, log, unref: (timer) => Deno.unrefTimer(timer) }),
    server: {
      bodyReader: timedBodyReader,
      unsupportedLimits: DENO_UNSUPPORTED_LIMITS,
      runtime: 'Deno',
      https: { tellsServerName: false, refuse: denoHttpsRefusals },
    },
    checkCertificates: certificateProblems,
  })
  return servingWithRedis(redis, prepared, (prepared) => {
    const { handler, options, limits, log, served } = prepared
    const tls = served.length > 0 ? { cert: served[0].cert, key: served[0].key } : undefined
    return listenBoth(prepared, (port, https) => listenDeno(handler, { port, host: options.host, limits, log, ...(https ? { tls } : {}) }))
  })
}

if (import.meta.main) {
  const running = await startDenoServer(Deno.args)
  if (!running) Deno.exit(1)
}
