// Writes the gateway's answer to Node's ServerResponse. Writing is where Node throws (a header
// it refuses) and where a client can stall: a failure before the head is out is the sanitised
// 500 with X-Request-Id, one log line, and the request's log line says 500; a failure after it
// cuts the connection. A body the client is not sent is cancelled at once (its Invoke call ends).
// An upstream's streamed answer that nothing has read is piped from its IncomingMessage.

import type { IncomingMessage, ServerResponse } from 'node:http'
import { isSendableField } from '../../http/field-syntax.ts'
import { headerLines } from '../../http/header-lines.ts'
import { discardBody, heldBody } from '../../http/held-body.ts'
import { SendTimeout } from '../../http/watched-body.ts'
import { describeError, type Logger } from '../../log.ts'
import { failedAnswer } from '../../pipeline/answers.ts'
import { type Exchange, unwritableField, unwritableStatus } from '../../pipeline/exchange.ts'
import { unreadSource } from './unread-answer.ts'

export interface WriteOptions {
  /** SEND_TIMEOUT: the longest the client may take none of a pending write (0: no limit). */
  sendTimeoutMs: number
  log: Logger
}

/** Never throws: what cannot be written is answered or cut, and logged. */
export async function writeAnswer(exchange: Exchange, incoming: IncomingMessage, outgoing: ServerResponse, options: WriteOptions): Promise<void> {
  const { response, requestId } = exchange
  const fields = { request_id: requestId }
  // The connection, not the answer's socket: a pipelined request's answer has none until the
  // answers before it are written (Node holds what is written to it until then).
  if (incoming.socket.destroyed) {
    // The client left before its answer (a buffered call runs to its end): logged as nginx does.
    discardBody(response)
    exchange.sent(499)
    return
  }
  try {
    writeHead(outgoing, response, incoming)
  } catch (error) {
    options.log.error(`answer not sent: ${describeError(error)}`, fields)
    discardBody(response)
    writeFailedAnswer(outgoing, incoming, requestId)
    exchange.sent(500)
    return
  }
  exchange.sent(response.status)
  try {
    const held = heldBody(response)
    const source = held === undefined && incoming.method !== 'HEAD' ? unreadSource(response) : undefined
    if (source) return await pipeSource(source, outgoing, options.sendTimeoutMs)
    const body = held === undefined && incoming.method !== 'HEAD' ? response.body : null
    if (body === null) {
      discardBody(response)
      outgoing.end(incoming.method === 'HEAD' ? undefined : held)
      if (outgoing.writableNeedDrain) await progressing(outgoing, 'finish', options.sendTimeoutMs)
      return
    }
    await writeStream(body, outgoing, options.sendTimeoutMs)
  } catch (error) {
    // The head is out: all that is left is to cut the connection, so the client never takes
    // a truncated body for a whole one. A broken stream's producer has logged why.
    if (error instanceof SendTimeout) options.log.warn(error.message, fields)
    outgoing.destroy()
  }
}

function writeHead(outgoing: ServerResponse, response: Response, incoming: IncomingMessage): void {
  const problem = unwritableStatus(response)
  if (problem !== undefined) throw new Error(problem)
  // Checked as they are taken: an upstream's lines in their order, repeated ones apart; fetch
  // Headers as they iterate (sorted, each Set-Cookie apart).
  // A body left unread (refused as too large, or the client stalled) must not be read as the next request.
  const close = !incoming.complete
  const head: string[] = []
  let hasLength = false
  for (const [name, value] of headerLines(response.headers) ?? response.headers) {
    if (!isSendableField(name, value)) throw new Error(unwritableField(name))
    if (close && name === 'connection') continue
    head.push(name, value)
    if (name === 'content-length') hasLength = true
  }
  // A held body's length is known: no chunked encoding for it (HTTP/1.0 clients need one or the other).
  const held = heldBody(response)
  if (held !== undefined && !hasLength && incoming.method !== 'HEAD') head.push('content-length', String(Buffer.byteLength(held)))
  if (close) head.push('connection', 'close')
  outgoing.writeHead(response.status, head)
}

/** The sanitised 500, in place of an answer Node refused; headers it had taken are dropped first. */
function writeFailedAnswer(outgoing: ServerResponse, incoming: IncomingMessage, requestId: string): void {
  if (outgoing.headersSent) {
    outgoing.destroy()
    return
  }
  for (const name of outgoing.getHeaderNames()) outgoing.removeHeader(name)
  const answer = failedAnswer(requestId)
  writeHead(outgoing, answer, incoming)
  outgoing.end(heldBody(answer))
}

/** Chunks as the stream yields them, each only once the client has taken the one before (backpressure). */
async function writeStream(body: ReadableStream<Uint8Array>, outgoing: ServerResponse, sendTimeoutMs: number): Promise<void> {
  const reader = body.getReader()
  // The client went away: the stream (and the Invoke call behind it) stops.
  const cancel = () => void reader.cancel(new Error('the client went away')).catch(() => {})
  outgoing.once('close', cancel)
  try {
    for (;;) {
      const chunk = await reader.read()
      if (chunk.done) {
        outgoing.end()
        return
      }
      if (outgoing.destroyed) {
        cancel()
        return
      }
      if (!outgoing.write(chunk.value)) await progressing(outgoing, 'drain', sendTimeoutMs)
    }
  } catch (error) {
    reader.cancel(error).catch(() => {})
    throw error
  } finally {
    outgoing.off('close', cancel)
  }
}

/**
 * An upstream's unread body piped to the client (writeStream's rules without a web stream): the
 * next chunk only once the client has taken the last, and the upstream's answer stopped when
 * the client goes away or stalls. Rejects when the upstream's body breaks.
 */
function pipeSource(source: IncomingMessage, outgoing: ServerResponse, sendTimeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false
    let draining: Promise<void> | undefined
    const onData = (chunk: Buffer) => {
      if (outgoing.write(chunk)) return
      source.pause()
      draining = progressing(outgoing, 'drain', sendTimeoutMs).then(
        () => {
          draining = undefined
          if (!settled) source.resume()
        },
        (error: Error) => finish(error),
      )
    }
    // The last chunk's wait first, as writeStream has it: SEND_TIMEOUT applies to it too.
    const onEnd = () =>
      void (draining ?? Promise.resolve()).then(() => {
        if (settled) return
        outgoing.end()
        finish()
      })
    const onError = (error: Error) => finish(error)
    // Destroyed without an error: the body did not end, so the client must not take it for whole.
    const onClose = () => source.readableEnded || finish(new Error('the upstream answer ended before its end'))
    // The client went away: the upstream's answer stops.
    const onGone = () => finish()
    function finish(error?: Error) {
      if (settled) return
      settled = true
      source.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose)
      outgoing.off('close', onGone)
      if (!source.readableEnded) source.destroy()
      if (error) reject(error)
      else resolve()
    }
    // Already broken while it waited (read_timeout, the upstream gone): its close was before these listeners.
    if (source.destroyed) return reject(source.errored ?? new Error('the upstream answer ended before its end'))
    source.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose)
    outgoing.once('close', onGone)
    source.resume()
  })
}

/**
 * Resolves at `event` (or when the connection closes); rejects with SendTimeout once the bytes
 * waiting for the client have not shrunk for `timeoutMs`, checked every quarter of it.
 */
function progressing(outgoing: ServerResponse, event: 'drain' | 'finish', timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const waiting = () => outgoing.writableLength + (outgoing.socket?.writableLength ?? 0)
    let last = waiting()
    let stalledSince = Date.now()
    const check =
      timeoutMs > 0
        ? setInterval(
            () => {
              const now = waiting()
              if (now < last) stalledSince = Date.now()
              last = now
              if (Date.now() - stalledSince >= timeoutMs) done(new SendTimeout(timeoutMs))
            },
            Math.max(1, timeoutMs / 4),
          )
        : undefined
    const onDone = () => done()
    function done(error?: Error) {
      clearInterval(check)
      outgoing.off(event, onDone).off('close', onDone)
      if (error) reject(error)
      else resolve()
    }
    outgoing.once(event, onDone).once('close', onDone)
  })
}
