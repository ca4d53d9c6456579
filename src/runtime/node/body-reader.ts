// The Node entry reads a request body from Node's IncomingMessage directly: no web stream in
// between, and CLIENT_BODY_TIMEOUT as nginx has it (the longest wait between two reads).

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Bytes } from '../../encoding/base64.ts'
import { type BodyReader, BodyReadTimeout, BodyTooLarge, ClientGone, readRequestBody } from '../../pipeline/request.ts'
import { afterRead, arrivedWhole } from './transport.ts'

/** What @hono/node-server passes beside the request. */
export interface NodeRuntime {
  incoming: IncomingMessage
  /** The client's answer (absent where a test hands only the request). */
  outgoing?: ServerResponse
}

export function nodeBodyReader(timeoutMs: number): BodyReader {
  return (request, runtime, maxSize) => {
    const incoming = (runtime as Partial<NodeRuntime> | undefined)?.incoming
    if (!incoming) return readRequestBody(request, runtime, maxSize)
    // As fetch has it on every runtime: these methods carry no body.
    if (request.method === 'GET' || request.method === 'HEAD') return Promise.resolve(null)
    const declared = incoming.headers['content-length']
    // Refused before a byte is read; the answer closes the connection (src/runtime/node/answer-writer.ts).
    if (maxSize > 0 && declared !== undefined && Number(declared) > maxSize) return Promise.reject(new BodyTooLarge(maxSize))
    return readIncoming(incoming, maxSize, timeoutMs)
  }
}

function readIncoming(incoming: IncomingMessage, maxSize: number, timeoutMs: number): Promise<Bytes | null> {
  // The whole body when it has arrived already. A small one mostly comes in the read that
  // brought its head, but a plugin that reads the body before its first await (the Lambda
  // route) asks while that head is being handled, before the rest of the read is parsed.
  const whole = arrivedWhole(incoming)
  if (whole !== undefined) return takeWhole(whole, maxSize)
  return new Promise((resolve, reject) =>
    afterRead(() => {
      const parsed = arrivedWhole(incoming)
      resolve(parsed === undefined ? streamIncoming(incoming, maxSize, timeoutMs) : takeWhole(parsed, maxSize))
    }, reject),
  )
}

function takeWhole(whole: Bytes, maxSize: number): Promise<Bytes | null> {
  if (maxSize > 0 && whole.byteLength > maxSize) return Promise.reject(new BodyTooLarge(maxSize))
  return Promise.resolve(whole.byteLength === 0 ? null : whole)
}

function streamIncoming(incoming: IncomingMessage, maxSize: number, timeoutMs: number): Promise<Bytes | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const timer = timeoutMs > 0 ? setTimeout(() => finish(new BodyReadTimeout(timeoutMs)), timeoutMs) : undefined
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength
      if (maxSize > 0 && size > maxSize) return finish(new BodyTooLarge(maxSize))
      chunks.push(chunk)
      timer?.refresh()
    }
    const onEnd = () => finish()
    // Node's server answers a broken body (bad chunked framing) 400 itself and closes the
    // connection: whatever the cause, the message fails as a client gone.
    const onError = (error: Error) => finish(new ClientGone(error))
    const onClose = () => finish(new ClientGone())
    function finish(error?: Error) {
      clearTimeout(timer)
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose)
      if (error) {
        // Stop taking bytes: the answer says why and closes the connection.
        incoming.pause()
        reject(error)
      } else resolve(size === 0 ? null : (Buffer.concat(chunks, size) as Bytes))
    }
    if (incoming.readableEnded) return finish()
    // Destroyed before these listeners are on (a body asked for late, its client gone): its
    // close event may have passed.
    if (incoming.destroyed) return finish(new ClientGone(incoming.errored ?? undefined))
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose)
  })
}
