// Node entry: `node src/node.ts --config FILE [--port N] [--https-port N] [--host H] [--watch]`; without --config, the
// embedded demo (src/cli/demo.ts).

import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { startActiveChecks } from './balancer/active-checks.ts'
import { listenAll, prepareServer, type RunningServer } from './cli/start.ts'
import { alternativePairsRefused, certificateProblems } from './cli/tls-certificates.ts'
import { hostCredentialSources } from './credentials/host/sources.ts'
import { lowerCaseLines } from './http/header-lines.ts'
import { type ClientInfo, UNKNOWN_CLIENT } from './pipeline/request.ts'
import { bufferBase64 } from './runtime/node/base64.ts'
import { nodeBodyReader } from './runtime/node/body-reader.ts'
import { httpsServerOptions } from './runtime/node/https-options.ts'
import { nodeLogFiles } from './runtime/node/log-files.ts'
import { batchedStderr } from './runtime/node/log-sink.ts'
import { listenNode } from './runtime/node/server.ts'
import { nodeSigningCrypto } from './runtime/node/signing-crypto.ts'
import { nodeTransport } from './runtime/node/transport.ts'
import { nodeUpstreamTransport } from './runtime/node/upstream-transport.ts'
import { createRedisStores, servingWithRedis } from './runtime/redis/redis-store.ts'

/** @hono/node-server passes the Node request beside the fetch Request. */
function clientInfo(_request: Request, runtime: unknown): ClientInfo {
  const incoming = (runtime as { incoming?: IncomingMessage } | undefined)?.incoming
  if (!incoming) return UNKNOWN_CLIENT
  const { socket, rawHeaders } = incoming
  const address = socket.remoteAddress
  const tls = socket as Partial<TLSSocket>
  // Every field set, present or not: one shape for every request's client.
  return {
    // An IPv4 client of a dual-stack socket shows as ::ffff:a.b.c.d.
    sourceIp: address?.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : (address ?? null),
    serverPort: socket.localPort,
    protocol: `HTTP/${incoming.httpVersion}`,
    // The scheme of the connection, and the server name a TLS client sent.
    scheme: tls.encrypted ? 'https' : 'http',
    sni: tls.encrypted && typeof tls.servername === 'string' ? tls.servername : undefined,
    raw: { headerLines: lowerCaseLines(rawHeaders), target: originForm(incoming.url ?? '/') },
  }
}

/**
 * The target as nginx's `$request_uri` has it: an absolute-form target (`GET http://a.example/x`)
 * without its scheme and authority, which routing has read from the URL already.
 */
function originForm(target: string): string {
  const authority = /^https?:\/\/[^/?#]*/i.exec(target)
  if (!authority) return target
  const rest = target.slice(authority[0].length)
  return rest.startsWith('/') ? rest : `/${rest}`
}

/**
 * Starts the gateway; resolves to null (after printing why) when it cannot start. `logSink`:
 * where log lines go (default: console.error, a line at a time).
 */
export async function startNodeServer(argv: string[], env: NodeJS.ProcessEnv = process.env, logSink?: (line: string) => void): Promise<RunningServer | null> {
  const redis = createRedisStores()
  const prepared = await prepareServer(argv, env, {
    clientInfo,
    counterStores: { redis: redis.redis },
    transport: nodeTransport,
    upstreamTransport: nodeUpstreamTransport,
    hostCredentials: hostCredentialSources,
    signingCrypto: nodeSigningCrypto,
    encodeBase64: bufferBase64,
    logFiles: nodeLogFiles(),
    ...(logSink ? { logSink } : {}),
    activeHealthChecks: (balancers, transport, log) => startActiveChecks(balancers, { transport, log, unref: (timer) => timer.unref() }),
    server: { bodyReader: nodeBodyReader, runtime: 'Node', https: { tellsServerName: true, refuse: (served) => alternativePairsRefused(served, 'Node') } },
    checkCertificates: certificateProblems,
  })
  return servingWithRedis(redis, prepared, (prepared) => {
    const { limits, log, served } = prepared
    const tls = served.length > 0 ? httpsServerOptions(served) : undefined
    return listenAll(prepared, ({ handler, port, host, https }) => listenNode(handler, { port, host, limits, log, ...(https ? { tls } : {}) }))
  })
}

if (import.meta.main) {
  const argv = process.argv.slice(2)
  const demo = !argv.some((arg) => arg === '--config' || arg.startsWith('--config='))
  // Loaded only for the demo: the emulator is no part of a production gateway.
  // A process of its own: its log lines are written a turn's worth at a time (src/runtime/node/log-sink.ts).
  const start = (args: string[], env: NodeJS.ProcessEnv) => startNodeServer(args, env, batchedStderr)
  const running = demo ? await (await import('./cli/demo.ts')).startDemo(argv, process.env, start) : await start(argv, process.env)
  if (!running) process.exit(1)
  const stop = () => void running.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
