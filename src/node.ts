// Node entry: `node src/node.ts --config FILE [--port N] [--host H]`; without --config, the
// embedded demo (src/cli/demo.ts).

import type { IncomingMessage } from 'node:http'
import { prepareServer, type RunningServer } from './cli/start.ts'
import { hostCredentialSources } from './credentials/host/sources.ts'
import type { ClientInfo } from './pipeline/request.ts'
import { bufferBase64 } from './runtime/node/base64.ts'
import { nodeBodyReader } from './runtime/node/body-reader.ts'
import { listenNode } from './runtime/node/server.ts'
import { nodeSigningCrypto } from './runtime/node/signing-crypto.ts'
import { nodeTransport } from './runtime/node/transport.ts'
import { nodeUpstreamTransport } from './runtime/node/upstream-transport.ts'

/** @hono/node-server passes the Node request beside the fetch Request. */
function clientInfo(_request: Request, runtime: unknown): ClientInfo {
  const incoming = (runtime as { incoming?: IncomingMessage } | undefined)?.incoming
  const address = incoming?.socket.remoteAddress
  const lines: Array<[string, string]> = []
  const raw = incoming?.rawHeaders ?? []
  for (let i = 0; i + 1 < raw.length; i += 2) lines.push([raw[i].toLowerCase(), raw[i + 1]])
  return {
    // An IPv4 client of a dual-stack socket shows as ::ffff:a.b.c.d.
    sourceIp: address?.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : (address ?? null),
    ...(incoming?.socket.localPort === undefined ? {} : { serverPort: incoming.socket.localPort }),
    protocol: `HTTP/${incoming?.httpVersion ?? '1.1'}`,
    scheme: (incoming?.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http',
    ...(incoming?.url === undefined ? {} : { raw: { headerLines: lines, target: incoming.url } }),
  }
}

/** Starts the gateway; resolves to null (after printing why) when it cannot start. */
export async function startNodeServer(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunningServer | null> {
  const prepared = await prepareServer(argv, env, {
    clientInfo,
    transport: nodeTransport,
    upstreamTransport: nodeUpstreamTransport,
    hostCredentials: hostCredentialSources,
    signingCrypto: nodeSigningCrypto,
    encodeBase64: bufferBase64,
    server: { bodyReader: nodeBodyReader, runtime: 'Node' },
  })
  if (!prepared) return null
  const { handler, options, limits, log } = prepared
  return listenNode(handler, { port: options.port, host: options.host, limits, log })
}

if (import.meta.main) {
  const argv = process.argv.slice(2)
  const demo = !argv.some((arg) => arg === '--config' || arg.startsWith('--config='))
  // Loaded only for the demo: the emulator is no part of a production gateway.
  const running = demo ? await (await import('./cli/demo.ts')).startDemo(argv, process.env, startNodeServer) : await startNodeServer(argv)
  if (!running) process.exit(1)
  const stop = () => void running.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
