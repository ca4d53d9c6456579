// One request's answer on its way to the client, and the last checks before a server writes it.
// The request's log line is written when the client's status is known (`sent`), so it names
// the status the client got, also when writing the gateway's answer failed.

import { invalidField } from '../http/field-syntax.ts'
import { discardBody } from '../http/held-body.ts'
import { keptWebSocket } from '../http/web-socket.ts'
import { describeError, type Logger } from '../log.ts'
import { failedAnswer } from './answers.ts'

export interface Exchange {
  /** What the gateway answers. */
  response: Response
  /** The id the answer carries (`X-Request-Id`) and its log lines name. */
  requestId: string
  /**
   * Writes the request's log line with the status the client got; called once, when the answer's
   * head is written or fails to be. Returns the work the plugins' log phase started, if any.
   */
  sent(status: number): Promise<unknown> | undefined
}

/** What a runtime's server asks of the gateway; `runtime` is what that server passes beside the request. */
export interface RequestHandler {
  /** Never throws: a failure is the sanitised 500. */
  handle(request: Request, runtime?: unknown): Promise<Exchange>
  /**
   * Stops what the gateway runs in the background (active health checks) and sends what waits to
   * be sent (log entries): the server is closing. Resolves once sent.
   */
  close?(): Promise<void>
}

/**
 * Why no HTTP/1.1 server can write this answer as it is (a header outside RFC 9110's grammar,
 * a status outside 200-599 but a Worker's 101 with its WebSocket), else undefined. Node throws on
 * such a header, Deno panics.
 */
export function unwritable(response: Response): string | undefined {
  const status = unwritableStatus(response)
  if (status !== undefined) return status
  const field = invalidField(response.headers)
  return field === undefined ? undefined : unwritableField(field)
}

/** unwritable's status check alone, for a server that checks the headers as it writes them (Node's). */
export function unwritableStatus(response: Response): string | undefined {
  const switched = response.status === 101 && keptWebSocket(response).webSocket !== undefined
  return !(response.status >= 200 && response.status <= 599) && !switched ? `status ${response.status}` : undefined
}

/** Why a header named `name` cannot be written (its name or value is outside the grammar). */
export function unwritableField(name: string): string {
  return `header ${JSON.stringify(name)} is not valid HTTP`
}

/** Keeps work alive past the answer (Workers: the request's `ctx.waitUntil`). */
export type KeepAlive = (work: Promise<unknown>) => void

/**
 * For servers that write the returned Response themselves (Deno, Workers): the exchange's
 * answer when it can be written, else the sanitised 500 (logged); the log line follows, and
 * `keepAlive` is handed the work its plugins started.
 */
export function writableAnswer(exchange: Exchange, log: Logger, keepAlive?: KeepAlive): Response {
  let response = exchange.response
  let problem: string | undefined
  try {
    problem = unwritable(response)
  } catch (error) {
    problem = describeError(error)
  }
  if (problem !== undefined) {
    log.error(`answer not sent: ${problem}`, { request_id: exchange.requestId })
    discardBody(response)
    response = failedAnswer(exchange.requestId)
  }
  const work = exchange.sent(response.status)
  if (work) keepAlive?.(work)
  return response
}

/** `handle`, then `writableAnswer`: the fetch handler of Deno's and the Worker's servers. */
export async function answer(handler: RequestHandler, request: Request, runtime: unknown, log: Logger, keepAlive?: KeepAlive): Promise<Response> {
  return writableAnswer(await handler.handle(request, runtime), log, keepAlive)
}
