// Node entry: `node src/node.ts --config FILE [--port N] [--host H]`.

import { serve } from '@hono/node-server'
import { prepareServer, type RunningServer } from './cli/start.ts'

/** Starts the gateway; resolves to null (after printing why) when it cannot start. */
export async function startNodeServer(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunningServer | null> {
  const prepared = await prepareServer(argv, env)
  if (!prepared) return null
  const { app, options, log } = prepared
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address
      const url = `http://${host}:${info.port}`
      log.info('listening', { url, runtime: `node ${process.version}` })
      resolve({
        url,
        close: () => new Promise<void>((done) => {
          server.close(() => done())
          if ('closeAllConnections' in server) server.closeAllConnections()
        }),
      })
    })
    server.once('error', reject)
  })
}

if (import.meta.main) {
  const running = await startNodeServer(process.argv.slice(2))
  if (!running) process.exit(1)
  const stop = () => void running.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
