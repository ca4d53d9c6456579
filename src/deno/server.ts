/// <reference lib="deno.ns" />
// The Deno server: Deno.serve, with the answer checked before Deno writes it (its writer panics
// on a header outside RFC 9110's grammar), SEND_TIMEOUT on streamed bodies and
// CLIENT_BODY_TIMEOUT in the body reader. Deno.serve has no head timeout, keep-alive timeout or
// connection cap to set: those limits are refused when set (src/cli/start.ts).

import type { RunningServer } from '../cli/start.ts'
import { answer, failedAnswer, type RequestHandler } from '../exchange.ts'
import { withSendTimeout } from '../http/send-timeout.ts'
import { describeError, type Logger } from '../log.ts'
import { newRequestId } from '../request-id.ts'
import type { ServerLimits } from '../settings.ts'

export interface DenoListenOptions {
  port: number
  host: string
  limits: ServerLimits
  log: Logger
}

/** The limits Deno.serve gives no way to set. */
export const DENO_UNSUPPORTED_LIMITS: ReadonlyArray<keyof ServerLimits> = ['headerTimeoutMs', 'keepAliveTimeoutMs', 'maxConnections']

/** Listens; resolves to null (after printing why) when the address cannot be taken. */
export function listenDeno(handler: RequestHandler, { port, host, limits, log }: DenoListenOptions): Promise<RunningServer | null> {
  return new Promise((resolve) => {
    try {
      const server = Deno.serve(
        {
          port,
          hostname: host,
          onListen: ({ hostname, port }) => {
            const url = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`
            log.info('listening', { url, runtime: `deno ${Deno.version.deno}` })
            resolve({ url, close: () => server.shutdown() })
          },
          // The handler does not throw; should it, Deno's own answer would be its error text.
          onError: (error) => {
            const requestId = newRequestId()
            log.error(`request failed: ${describeError(error)}`, { request_id: requestId })
            return failedAnswer(requestId)
          },
        },
        async (request, info) => {
          const response = await answer(handler, request, { remoteAddr: info.remoteAddr }, log)
          return withSendTimeout(response, limits.sendTimeoutMs, (error) => log.warn(error.message, { request_id: response.headers.get('x-request-id') }))
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
