// A listener of the gateway's own (the admin API) on Node: node:http with @hono/node-server's
// request, none of the proxy listener's limits or plugins.

import { createServer } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import type { RunningServer } from '../../cli/start.ts'
import type { Logger } from '../../log.ts'

export function listenNodeSide(name: string, fetch: (request: Request) => Promise<Response>, { host, port, log }: { host: string; port: number; log: Logger }) {
  const server = createServer(getRequestListener(fetch))
  return new Promise<RunningServer | null>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      console.error(`lambda-gateway: cannot listen on ${host}:${port} for the ${name}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.message}`)
      resolve(null)
    })
    server.listen(port, host, () => {
      const address = server.address()
      const url = typeof address === 'object' && address ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : ''
      log.info(`${name} listening`, { url })
      resolve({
        url,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          }),
      })
    })
  })
}
