/// <reference lib="deno.ns" />
// The Deno server: Deno.serve, with the answer checked before Deno writes it (its writer panics
// on a header outside RFC 9110's grammar), streamed bodies watched (SEND_TIMEOUT, and a body that
// breaks after its head is one log line, not Deno's stack trace), CLIENT_BODY_TIMEOUT in the body
// reader. Deno.serve has no head timeout, keep-alive timeout or
// connection cap to set: those limits are refused when set (src/cli/start.ts).

import type { RunningServer } from '../../cli/start.ts'
import { alternativePairsRefused } from '../../cli/tls-certificates.ts'
import { BodyBroken, watchedBody } from '../../http/watched-body.ts'
import { describeError, type Logger } from '../../log.ts'
import type { GatewayCertificate } from '../../model/config.ts'
import type { ConfigProblem } from '../../model/validate.ts'
import { failedAnswer } from '../../pipeline/answers.ts'
import { answer, type RequestHandler } from '../../pipeline/exchange.ts'
import { newRequestId } from '../../request-id.ts'
import type { ServerLimits } from '../../settings.ts'
import { answerUpgrade, asksWebSocket } from './upgrade.ts'

export interface DenoListenOptions {
  port: number
  host: string
  limits: ServerLimits
  log: Logger
  /** Serve https with this certificate and key (Deno.serve takes one pair, whatever name the client asks). */
  tls?: { cert: string; key: string }
}

/** The limits Deno.serve gives no way to set. */
export const DENO_UNSUPPORTED_LIMITS: ReadonlyArray<keyof ServerLimits> = ['headerTimeoutMs', 'keepAliveTimeoutMs', 'maxConnections']

/**
 * What Deno's https listener cannot serve: Deno.serve takes one certificate and key, and does
 * not tell the server name a client asked, so it cannot choose among certificates as Kong does.
 */
export function denoHttpsRefusals(served: readonly GatewayCertificate[]): ConfigProblem[] {
  const message = "Deno's https listener serves one certificate and cannot choose one by server name: serve this file from Node, or terminate TLS in front"
  return [...served.slice(1).map(({ path }) => ({ path, message })), ...alternativePairsRefused(served, 'Deno')]
}

/** Listens; resolves to null (after printing why) when the address cannot be taken. */
export function listenDeno(handler: RequestHandler, { port, host, limits, log, tls }: DenoListenOptions): Promise<RunningServer | null> {
  return new Promise((resolve) => {
    // The port clients connect to (X-Forwarded-Port), known once listening.
    let serverPort: number | undefined
    try {
      const server = Deno.serve(
        {
          port,
          hostname: host,
          ...tls,
          onListen: ({ hostname, port }) => {
            serverPort = port
            const url = `${tls ? 'https' : 'http'}://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`
            log.info('listening', { url, runtime: `deno ${Deno.version.deno}` })
            resolve({
              url,
              close: async () => {
                const sent = handler.close?.()
                await server.shutdown()
                await sent
              },
            })
          },
          // Deno calls this for a body that broke after its head (instead of printing a stack):
          // already logged where it broke. Anything else (the handler does not throw) is logged
          // here, and the answer is the sanitised 500, never Deno's own error text.
          onError: (error) => {
            const requestId = newRequestId()
            if (!(error instanceof BodyBroken)) log.error(`request failed: ${describeError(error)}`, { request_id: requestId })
            return failedAnswer(requestId)
          },
        },
        async (request, info) => {
          const runtime = { remoteAddr: info.remoteAddr, serverPort, https: tls !== undefined }
          // A WebSocket upgrade the upstream switched is relayed (src/runtime/deno/upgrade.ts).
          const response = asksWebSocket(request) ? await answerUpgrade(handler, request, runtime, log) : await answer(handler, request, runtime, log)
          if (response.status === 101) return response
          return watchedBody(response, limits.sendTimeoutMs, (error) => log.warn(error.message, { request_id: response.headers.get('x-request-id') }))
        },
      )
    } catch (error) {
      // A port in use is the user's to fix: said plainly, not as a stack trace.
      if (!(error instanceof Deno.errors.AddrInUse)) throw error
      console.error(`lambda-gateway: cannot listen on ${host}:${port}: the port is in use`)
      resolve(null)
    }
  })
}
