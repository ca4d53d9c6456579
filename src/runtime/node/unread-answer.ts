// A proxied answer's streamed body on Node, kept two ways: as a web stream for whoever reads it
// (a plugin that changes the body, Deno's writer), made only at its first read, and as the
// upstream's IncomingMessage, which the Node writer pipes to the client itself when nothing has
// read the web stream (src/runtime/node/answer-writer.ts): no web stream and no promise per chunk.

import type { IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'

interface Source {
  incoming: IncomingMessage
  stream: ReadableStream<Uint8Array>
  /** The web stream was read or cancelled: the IncomingMessage is no longer the whole body. */
  read: boolean
}

/** Where the answer keeps its source: a property of its own (a WeakMap entry per answer costs the garbage collector far more). */
const SOURCE = Symbol('unread source')

type Sourced = Response & { [SOURCE]?: Source }

/** The answer of `incoming`, which must be paused: nothing of its body is read until a reader asks. */
export function unreadAnswer(incoming: IncomingMessage, init: ResponseInit): Response {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        source.read = true
        reader ??= (Readable.toWeb(incoming) as ReadableStream<Uint8Array>).getReader()
        const chunk = await reader.read()
        if (chunk.done) controller.close()
        else controller.enqueue(chunk.value)
      },
      cancel(reason) {
        source.read = true
        if (reader) return reader.cancel(reason)
        incoming.destroy()
      },
    },
    { highWaterMark: 0 },
  )
  const source: Source = { incoming, stream, read: false }
  const response: Sourced = new Response(stream, init)
  response[SOURCE] = source
  return response
}

/**
 * The upstream's IncomingMessage behind `response` while none of its body has been taken another
 * way: nothing read or cancelled the web stream, and nothing holds it (a reader, a clone's tee).
 */
export function unreadSource(response: Response): IncomingMessage | undefined {
  const source = (response as Sourced)[SOURCE]
  return source !== undefined && !source.read && !source.stream.locked ? source.incoming : undefined
}
