/// <reference lib="deno.ns" />
// Deno entry: `deno run --allow-net --allow-env --allow-read src/deno.ts --config FILE [--port N] [--host H]`.

import { prepareServer, type RunningServer } from './cli/start.ts'
import { hostCredentialSources } from './credentials/host/sources.ts'
import { type ClientInfo, timedBodyReader } from './pipeline/request.ts'
import { DENO_UNSUPPORTED_LIMITS, listenDeno } from './runtime/deno/server.ts'
import { denoTransport } from './runtime/deno/transport.ts'
import { denoUpstreamTransport } from './runtime/deno/upstream-transport.ts'

/**
 * The entry hands the app Deno's connection info as its `env`. Deno does not tell the HTTP
 * version. Its server takes plain HTTP only: the scheme is http whatever the request's URL says.
 */
function clientInfo(_request: Request, env: unknown): ClientInfo {
  const { remoteAddr, serverPort } = (env as { remoteAddr?: Deno.NetAddr; serverPort?: number } | undefined) ?? {}
  return { sourceIp: remoteAddr?.hostname ?? null, ...(serverPort === undefined ? {} : { serverPort }), protocol: 'HTTP/1.1', scheme: 'http' }
}

/** Starts the gateway; resolves to null (after printing why) when it cannot start. */
export async function startDenoServer(argv: string[], env: Record<string, string> = Deno.env.toObject()): Promise<RunningServer | null> {
  const prepared = await prepareServer(argv, env, {
    clientInfo,
    transport: denoTransport,
    upstreamTransport: denoUpstreamTransport,
    hostCredentials: hostCredentialSources,
    server: { bodyReader: timedBodyReader, unsupportedLimits: DENO_UNSUPPORTED_LIMITS, runtime: 'Deno' },
  })
  if (!prepared) return null
  const { handler, options, limits, log } = prepared
  return listenDeno(handler, { port: options.port, host: options.host, limits, log })
}

if (import.meta.main) {
  const running = await startDenoServer(Deno.args)
  if (!running) Deno.exit(1)
}
