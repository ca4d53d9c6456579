// Response streaming as the Lambda Node runtime offers it: the `awslambda` global
// (`streamifyResponse`, `HttpResponseStream.from`) and the response stream a streamified handler
// writes to. Each write becomes a PayloadChunk frame of the InvokeWithResponseStream answer,
// sent as the caller takes it; InvokeComplete ends it
// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html).

import { Buffer } from 'node:buffer'
import type { ServerResponse } from 'node:http'
import { Writable } from 'node:stream'
import { invokeCompleteFrame, payloadChunkFrame } from './event-stream.ts'

/** How the runtime marks a streamed handler (its own symbol, so that bundled helpers agree). */
const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming')
const HTTP_INTEGRATION = 'application/vnd.awslambda.http-integration-response'
const DEFAULT_CONTENT_TYPE = 'application/octet-stream'

export type StreamingHandler = (event: unknown, responseStream: ResponseStream, context: unknown) => unknown

/** Installs the `awslambda` global functions call while their module loads, as on AWS. */
export function installAwsLambdaGlobal(): void {
  const global = globalThis as { awslambda?: unknown }
  global.awslambda ??= {
    streamifyResponse: (handler: StreamingHandler) => Object.assign(handler, { [STREAMING]: 'response' }),
    HttpResponseStream: {
      /** The HTTP integration's prelude (status, headers, cookies) as JSON, then the 8 NUL bytes that end it. */
      from(stream: ResponseStream, prelude: unknown) {
        stream.setContentType(HTTP_INTEGRATION)
        stream.write(Buffer.concat([Buffer.from(JSON.stringify(prelude ?? {})), Buffer.alloc(8)]))
        return stream
      },
    },
  }
}

export function isStreamingHandler(handler: unknown): handler is StreamingHandler {
  return (handler as { [STREAMING]?: unknown })[STREAMING] === 'response'
}

/** The answer to an InvokeWithResponseStream call: its head is sent with the first chunk (or at the end). */
export interface StreamedAnswer {
  readonly stream: ResponseStream
  /** The last frame, after the function's last write; the answer ends. */
  complete(fields: { ErrorCode?: string; ErrorDetails?: string; LogResult?: string }): void
}

export class ResponseStream extends Writable {
  #contentType = DEFAULT_CONTENT_TYPE
  #started = false
  readonly #start: (contentType: string) => void

  constructor(start: (contentType: string) => void, write: (frame: Buffer, done: (error?: Error | null) => void) => void) {
    super({ write: (chunk: Buffer, _encoding, done) => this.#write(chunk, done, write) })
    this.#start = start
  }

  /** As the runtime's: only before the first write. */
  setContentType(contentType: string): void {
    if (this.#started) throw new Error('the content type must be set before the first write')
    this.#contentType = contentType
  }

  /** Sends the head if nothing was written yet. */
  begin(): void {
    if (this.#started) return
    this.#started = true
    this.#start(this.#contentType)
  }

  #write(chunk: Buffer, done: (error?: Error | null) => void, write: (frame: Buffer, done: (error?: Error | null) => void) => void): void {
    this.begin()
    if (chunk.length === 0) done()
    else write(payloadChunkFrame(chunk), done)
  }
}

/** The streamed answer on `res`, with `headers` beside the function's content type. */
export function streamedAnswer(res: ServerResponse, headers: Record<string, string>): StreamedAnswer {
  const stream = new ResponseStream(
    (contentType) => {
      res.writeHead(200, { ...headers, 'Content-Type': contentType })
      res.flushHeaders()
    },
    // The next write waits until the caller has taken this one: nothing piles up in memory.
    (frame, done) => (res.write(frame) ? done() : res.once('drain', () => done())),
  )
  // The caller went away: the function's next writes fail, as a broken stream does on AWS.
  res.once('close', () => {
    if (!res.writableFinished) stream.destroy(new Error('the caller closed the response stream'))
  })
  return {
    stream,
    complete(fields) {
      if (res.destroyed) return
      stream.begin()
      res.end(invokeCompleteFrame(fields))
    },
  }
}
