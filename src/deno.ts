/// <reference lib="deno.ns" />
// Deno entry: `deno run --allow-net --allow-env --allow-read src/deno.ts --config FILE [--port N] [--host H]`.

import { prepareServer, type RunningServer } from './cli/start.ts'
import { denoTransport } from './deno/transport.ts'
import type { ClientInfo } from './lambda/request.ts'
import { hostCredentialSources } from './node/credentials.ts'

/** The entry hands the app Deno's connection info as its `env`. Deno does not tell the HTTP version. */
function clientInfo(_request: Request, env: unknown): ClientInfo {
  const address = (env as { remoteAddr?: Deno.NetAddr } | undefined)?.remoteAddr
  return { sourceIp: address?.hostname ?? null, protocol: 'HTTP/1.1' }
}

/** Starts the gateway; resolves to null (after printing why) when it cannot start. */
export async function startDenoServer(argv: string[], env: Record<string, string> = Deno.env.toObject()): Promise<RunningServer | null> {
  const prepared = await prepareServer(argv, env, { clientInfo, transport: denoTransport, hostCredentials: hostCredentialSources })
  if (!prepared) return null
  const { app, options, log } = prepared
  return new Promise<RunningServer | null>((resolve) => {
    try {
      const server = Deno.serve(
        {
          port: options.port,
          hostname: options.host,
          onListen: ({ hostname, port }) => {
            const url = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`
            log.info('listening', { url, runtime: `deno ${Deno.version.deno}` })
            resolve({ url, close: () => server.shutdown() })
          },
        },
        (request, info) => app.fetch(request, { remoteAddr: info.remoteAddr }),
      )
    } catch (error) {
      // A port in use is the user's to fix: said plainly, not as a stack trace.
      if (!(error instanceof Deno.errors.AddrInUse)) throw error
      console.error(`lambda-gateway: cannot listen on ${options.host}:${options.port}: the port is in use`)
      resolve(null)
    }
  })
}

if (import.meta.main) {
  const running = await startDenoServer(Deno.args)
  if (!running) Deno.exit(1)
}
