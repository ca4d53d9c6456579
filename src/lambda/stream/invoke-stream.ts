// One InvokeWithResponseStream call (the route's target points at it with response_streaming):
// signed and sent as Invoke is, never re-sent, closed when the client goes away. `timeout` is
// a read timeout here, as Kong's socket timeout is: the time allowed for the answer to start,
// then between two reads — a stream may run for as long as the function does.

import type { Fetch } from '../../transport.ts'
import { invokeFailure, refuseRedirect, signInvoke, type InvokeTarget } from '../invoke.ts'

export interface StreamCall {
  /** The Invoke API's answer, body unread: the event stream, or an error body (status ≥ 400). */
  response: Response
  /** When the request was sent (after signing), for `lambda_ms`. */
  started: number
  /** Bytes arrived: the read timeout starts again. */
  refresh(): void
  /** Whether the read timeout ended the call. */
  readonly timedOut: boolean
  /** Stops the read timeout; with a reason, also closes the connection to Lambda. */
  end(reason?: unknown): void
}

export async function invokeStream(target: InvokeTarget, payload: string, fetch: Fetch, client: AbortSignal | undefined): Promise<StreamCall> {
  const signed = await signInvoke(target, payload)
  const controller = new AbortController()
  let timedOut = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const stopTimer = () => timer !== undefined && clearTimeout(timer)
  const refresh = () => {
    stopTimer()
    timer = setTimeout(() => {
      timedOut = true
      controller.abort(new DOMException(`no data from Lambda for ${target.timeoutMs} ms`, 'TimeoutError'))
    }, target.timeoutMs)
  }
  const end = (reason?: unknown) => {
    stopTimer()
    client?.removeEventListener('abort', clientGone)
    if (reason !== undefined) controller.abort(reason)
  }
  const clientGone = () => end(client?.reason)
  client?.addEventListener('abort', clientGone, { once: true })
  if (client?.aborted) clientGone()
  refresh()
  const started = Date.now()
  try {
    const response = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: payload, signal: controller.signal, redirect: 'manual' })
    await refuseRedirect(response)
    return { response, started, refresh, end, get timedOut() { return timedOut } }
  } catch (error) {
    end()
    throw invokeFailure(error, timedOut, target.timeoutMs)
  }
}
