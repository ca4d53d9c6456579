// InvokeWithResponseStream's events, read from the Invoke answer's body one at a time and only
// when asked for: nothing is read from Lambda faster than the client takes it.

import { bytesToText } from '../../../encoding/base64.ts'
import { type EventMessage, EventStreamDecoder, EventStreamError } from './event-stream.ts'

export type InvokeEvent =
  | { type: 'chunk'; payload: Uint8Array }
  /** The last event; `errorCode` when the function failed (`ErrorDetails` is for the log only). */
  | { type: 'complete'; errorCode?: string; errorDetails?: string; logResult?: string }

/**
 * The most payload bytes a stream may carry: Lambda's 200 MB limit for streamed responses
 * (read as MiB, so nothing Lambda lets through is cut). Past it the stream is refused.
 */
export const MAX_STREAMED_BYTES = 200 * 1024 * 1024

export class InvokeEventReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>
  readonly #decoder = new EventStreamDecoder()
  readonly #waiting: { startWaiting(): void; stopWaiting(): void }
  #payloadBytes = 0

  /** `waiting` is told when a read from Lambda starts and ends (the read timeout). */
  constructor(body: ReadableStream<Uint8Array>, waiting: { startWaiting(): void; stopWaiting(): void }) {
    this.#reader = body.getReader()
    this.#waiting = waiting
  }

  /** Throws EventStreamError when the stream is corrupt, reports an exception, ends early, or is over MAX_STREAMED_BYTES. */
  async next(): Promise<InvokeEvent> {
    for (;;) {
      // One message at a time: what is decoded is bounded by what was asked for.
      const message = this.#decoder.read()
      if (message) {
        const event = invokeEvent(message)
        if (event?.type === 'chunk') this.#count(event.payload)
        if (event) return event
        continue
      }
      this.#waiting.startWaiting()
      let read: ReadableStreamReadResult<Uint8Array>
      try {
        read = await this.#reader.read()
      } finally {
        this.#waiting.stopWaiting()
      }
      if (read.done) {
        throw new EventStreamError(this.#decoder.buffered > 0 ? 'response stream ended inside a message' : 'response stream ended without InvokeComplete')
      }
      this.#decoder.write(read.value)
    }
  }

  #count(payload: Uint8Array): void {
    this.#payloadBytes += payload.byteLength
    if (this.#payloadBytes > MAX_STREAMED_BYTES) {
      throw new EventStreamError(`response stream larger than ${MAX_STREAMED_BYTES} bytes (Lambda's limit is 200 MB): not read further`)
    }
  }

  /** Stops reading: the Invoke call's connection is released or closed. */
  cancel(reason?: unknown): void {
    this.#reader.cancel(reason).catch(() => {})
  }
}

/** Null for an event type this gateway does not know (AWS may add some; its SDKs skip them). */
function invokeEvent({ headers, payload }: EventMessage): InvokeEvent | null {
  const messageType = headers[':message-type']
  if (messageType === 'exception') {
    throw new EventStreamError(`Lambda sent ${String(headers[':exception-type'])} in the response stream: ${bytesToText(payload)}`)
  }
  if (messageType === 'error') {
    throw new EventStreamError(`Lambda sent error ${String(headers[':error-code'])} in the response stream: ${String(headers[':error-message'])}`)
  }
  switch (headers[':event-type']) {
    case 'PayloadChunk':
      return { type: 'chunk', payload }
    case 'InvokeComplete': {
      let fields: Record<string, unknown>
      try {
        fields = JSON.parse(bytesToText(payload)) as Record<string, unknown>
      } catch {
        throw new EventStreamError('InvokeComplete is not JSON')
      }
      const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined)
      return { type: 'complete', errorCode: text(fields?.ErrorCode), errorDetails: text(fields?.ErrorDetails), logResult: text(fields?.LogResult) }
    }
    default:
      return null
  }
}
