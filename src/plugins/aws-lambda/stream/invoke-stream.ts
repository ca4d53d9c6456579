// One InvokeWithResponseStream call (the route's target points at it with response_streaming):
// signed and sent as Invoke is, never re-sent, closed when the client goes away. `timeout` is
// a read timeout here, as Kong's socket timeout is: the time allowed for the answer to start,
// then for each read from Lambda — a stream may run for as long as the function does, and a
// client that reads slowly is not Lambda's silence (the clock runs only while a read waits).

import type { Trace } from '../../../tracing/trace.ts'
import { type Fetch, refuseEncoded } from '../../../transport.ts'
import { type InvokeRecord, type InvokeTarget, invokeFailure, noteInvokeAnswer, refuseRedirect, signInvoke } from '../invoke.ts'

export interface StreamCall {
  /** The Invoke API's answer, body unread: the event stream, or an error body (status ≥ 400). */
  response: Response
  /** When the request was sent (after signing), for `lambda_ms`. */
  started: number
  /** A read from Lambda starts: the read timeout runs until `stopWaiting`. */
  startWaiting(): void
  stopWaiting(): void
  /** Whether the read timeout ended the call. */
  readonly timedOut: boolean
  /** Stops the read timeout; with a reason, also closes the connection to Lambda. */
  end(reason?: unknown): void
}

/** `timing.lambdaMs` is set when the call fails before its answer starts. */
export async function invokeStream(
  target: InvokeTarget,
  payload: string,
  fetch: Fetch,
  client: AbortSignal | undefined,
  timing: InvokeRecord,
  trace?: Trace,
): Promise<StreamCall> {
  const signed = await signInvoke(target, payload, trace)
  const controller = new AbortController()
  let timedOut = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const stopWaiting = () => timer !== undefined && clearTimeout(timer)
  const startWaiting = () => {
    stopWaiting()
    timer = setTimeout(() => {
      timedOut = true
      controller.abort(new DOMException(`no data from Lambda for ${target.timeoutMs} ms`, 'TimeoutError'))
    }, target.timeoutMs)
  }
  const end = (reason?: unknown) => {
    stopWaiting()
    client?.removeEventListener('abort', clientGone)
    if (reason !== undefined) controller.abort(reason)
  }
  const clientGone = () => end(client?.reason)
  client?.addEventListener('abort', clientGone, { once: true })
  if (client?.aborted) clientGone()
  startWaiting()
  const started = Date.now()
  try {
    const response = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: payload, signal: controller.signal, redirect: 'manual' })
    stopWaiting()
    timing.status = response.status
    noteInvokeAnswer(trace, response)
    refuseRedirect(response)
    await refuseEncoded(response)
    return {
      response,
      started,
      startWaiting,
      stopWaiting,
      end,
      get timedOut() {
        return timedOut
      },
    }
  } catch (error) {
    end()
    timing.lambdaMs = Date.now() - started
    throw invokeFailure(error, timedOut, target.timeoutMs)
  }
}
