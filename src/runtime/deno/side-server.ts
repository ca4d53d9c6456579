/// <reference lib="deno.ns" />
// A listener of the gateway's own (the admin API) on Deno: Deno.serve, none of the proxy
// listener's limits or plugins.

import type { RunningServer } from '../../cli/start.ts'
import type { Logger } from '../../log.ts'

export function listenDenoSide(name: string, fetch: (request: Request) => Promise<Response>, { host, port, log }: { host: string; port: number; log: Logger }) {
  return new Promise<RunningServer | null>((resolve) => {
    try {
      const server = Deno.serve(
        {
          port,
          hostname: host,
          onListen: ({ hostname, port }) => {
            const url = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`
            log.info(`${name} listening`, { url })
            resolve({ url, close: () => server.shutdown() })
          },
        },
        fetch,
      )
    } catch (error) {
      console.error(
        `lambda-gateway: cannot listen on ${host}:${port} for the ${name}: ${error instanceof Deno.errors.AddrInUse ? 'the port is in use' : (error as Error).message}`,
      )
      resolve(null)
    }
  })
}
