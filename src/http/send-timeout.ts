// SEND_TIMEOUT for servers that pull a Response's body themselves (Deno): when the server does
// not ask for the next chunk within the timeout, the client is not taking the answer, and the
// stream (with the Invoke call behind it) is ended instead of held open.

export class SendTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`the client took no part of the answer for ${timeoutMs} ms (SEND_TIMEOUT): connection closed`)
    this.name = 'SendTimeout'
  }
}

/** `response` with its stream body watched; `onTimeout` is told once. A held or empty body is left as it is. */
export function withSendTimeout(response: Response, timeoutMs: number, onTimeout: (error: SendTimeout) => void): Response {
  if (timeoutMs === 0 || response.body === null) return response
  const reader = response.body.getReader()
  let timer: ReturnType<typeof setTimeout> | undefined
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // Asked for more: the client took the last chunk. Lambda's silence does not count.
        clearTimeout(timer)
        const chunk = await reader.read()
        if (chunk.done) return controller.close()
        controller.enqueue(chunk.value)
        timer = setTimeout(() => {
          const error = new SendTimeout(timeoutMs)
          onTimeout(error)
          controller.error(error)
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
