// For servers that pull a Response's body themselves (Deno): SEND_TIMEOUT — when the server does
// not ask for the next chunk within it, the client is not taking the answer, and the stream (with
// the Invoke call behind it) is ended instead of held open — and one error for every way the body
// can break after the head was sent, so that the server can tell it from its own failures.

import { heldBody } from './held-body.ts'

export class SendTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`the client took no part of the answer for ${timeoutMs} ms (SEND_TIMEOUT): connection closed`)
    this.name = 'SendTimeout'
  }
}

/** The body broke after the head was sent; whoever broke it has logged why. */
export class BodyBroken extends Error {
  constructor(cause: unknown) {
    super('the answer was cut after its head was sent', { cause })
    this.name = 'BodyBroken'
  }
}

/**
 * `response` with its stream body watched (`timeoutMs` 0: no SEND_TIMEOUT); `onTimeout` is told
 * once. A held body (bytes the server writes itself) or none is left as it is.
 */
export function watchedBody(response: Response, timeoutMs: number, onTimeout: (error: SendTimeout) => void): Response {
  if (heldBody(response) !== undefined || response.body === null) return response
  const reader = response.body.getReader()
  let timer: ReturnType<typeof setTimeout> | undefined
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // Asked for more: the client took the last chunk. Lambda's silence does not count.
        clearTimeout(timer)
        let chunk: ReadableStreamReadResult<Uint8Array>
        try {
          chunk = await reader.read()
        } catch (error) {
          controller.error(new BodyBroken(error))
          return
        }
        if (chunk.done) return controller.close()
        controller.enqueue(chunk.value)
        if (timeoutMs === 0) return
        timer = setTimeout(() => {
          const error = new SendTimeout(timeoutMs)
          onTimeout(error)
          controller.error(new BodyBroken(error))
          reader.cancel(error).catch(() => {})
        }, timeoutMs)
      },
      cancel(reason) {
        clearTimeout(timer)
        return reader.cancel(reason)
      },
    },
    { highWaterMark: 0 },
  )
  return new Response(body, { status: response.status, headers: response.headers })
}
