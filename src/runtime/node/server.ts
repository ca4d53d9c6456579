// The Node server: node:http with @hono/node-server's request (a lightweight fetch Request over
// the IncomingMessage), the gateway's answer written by src/runtime/node/answer-writer.ts, and nginx's
// limits (ServerLimits): head and body timeouts, send timeout, keep-alive, connection cap. The
// same over TLS (node:https) for the https listener. WebSocket upgrades take the same way, then
// become tunnels (src/runtime/node/upgrade.ts).

import { createServer, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { TlsOptions } from 'node:tls'
import { getRequestListener } from '@hono/node-server'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { RunningServer } from '../../cli/start.ts'
import { describeError, type Logger } from '../../log.ts'
import { badRequestResponse } from '../../pipeline/answers.ts'
import type { RequestHandler } from '../../pipeline/exchange.ts'
import { newRequestId } from '../../request-id.ts'
import type { ServerLimits } from '../../settings.ts'
import { writeAnswer } from './answer-writer.ts'
import type { NodeRuntime } from './body-reader.ts'
import { answerUpgrade, asksWebSocket, type ClientUpgrade, serveUpgrades, upgradeOf } from './upgrade.ts'

export interface NodeListenOptions {
  port: number
  host: string
  limits: ServerLimits
  log: Logger
  /** Serve https with these (the file's certificates, src/runtime/node/https-options.ts). */
  tls?: TlsOptions
}

/** Node's own whole-request deadline (its default): the head and body must arrive within it. */
const REQUEST_TIMEOUT_MS = 300_000

/** Listens; resolves to null (after printing why) when the address cannot be taken. */
export function listenNode(handler: RequestHandler, { port, host, limits, log, tls }: NodeListenOptions): Promise<RunningServer | null> {
  const listener = getRequestListener(
    async (request, bindings) => {
      // HTTP/1.1 only (no HTTP/2 server here): the bindings are Node's IncomingMessage and ServerResponse.
      const runtime = bindings as NodeRuntime & { outgoing: ServerResponse }
      try {
        const exchange = await handler.handle(request, runtime)
        const options = { sendTimeoutMs: limits.sendTimeoutMs, log }
        const upgrade = upgradeOf(runtime) as ClientUpgrade | undefined
        if (upgrade) await answerUpgrade(exchange, upgrade, runtime.incoming, runtime.outgoing, options)
        else await writeAnswer(exchange, runtime.incoming, runtime.outgoing, options)
      } catch (error) {
        // handle() and writeAnswer() do not throw; should they, no library text reaches the client.
        log.error(`request failed: ${describeError(error)}`)
        runtime.outgoing.destroy()
      }
      return RESPONSE_ALREADY_SENT
    },
    {
      // A request the adapter cannot turn into a fetch Request (a bad Host header, an invalid absolute target).
      errorHandler: (error) => {
        const requestId = newRequestId()
        log.warn(`request refused: ${describeError(error)}`, { request_id: requestId, status: 400 })
        const response = badRequestResponse()
        response.headers.set('x-request-id', requestId)
        return response
      },
    },
  )
  const options = {
    headersTimeout: limits.headerTimeoutMs,
    requestTimeout: limits.headerTimeoutMs === 0 ? 0 : Math.max(REQUEST_TIMEOUT_MS, limits.headerTimeoutMs),
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks head and request deadlines on this interval, not on a timer per request.
    connectionsCheckingInterval: limits.headerTimeoutMs > 0 ? Math.min(30_000, Math.max(100, Math.ceil(limits.headerTimeoutMs / 4))) : 30_000,
    // WebSocket upgrades go to 'upgrade' (src/runtime/node/upgrade.ts); any other Upgrade is a plain request.
    shouldUpgradeCallback: asksWebSocket,
  }
  const server = tls ? createHttpsServer({ ...options, ...tls }, listener) : createServer(options, listener)
  // A handshake refused (no certificate for the name asked) or broken: the client's doing, often a scanner's.
  server.on('tlsClientError', (error) => log.debug(`TLS handshake failed: ${describeError(error)}`))
  const closeUpgrades = serveUpgrades(server, listener)
  if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      // A port in use is the user's to fix: said plainly, not as a stack trace.
      if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES' && error.code !== 'EADDRNOTAVAIL') return reject(error)
      console.error(`lambda-gateway: cannot listen on ${host}:${port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.message}`)
      resolve(null)
    })
    server.listen(port, host, () => {
      const address = server.address()
      if (address === null || typeof address === 'string') return reject(new Error('the server has no TCP address'))
      const url = `${tls ? 'https' : 'http'}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
      log.info('listening', { url, runtime: `node ${process.version}` })
      resolve({
        url,
        close: () =>
          new Promise<void>((done) => {
            const sent = handler.close?.()
            server.close(() => void Promise.resolve(sent).then(done))
            server.closeAllConnections()
            closeUpgrades()
          }),
      })
    })
  })
}
