// Writes the gateway's answer to Node's ServerResponse. Writing is where Node throws (a header
// it refuses) and where a client can stall: a failure before the head is out is the sanitised
// 500 with X-Request-Id, one log line, and the request's log line says 500; a failure after it
// cuts the connection. A body the client is not sent is cancelled at once (its Invoke call ends).

import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import { type Exchange, failedAnswer, unwritable } from '../exchange.ts'
import { heldBody } from '../http/held-body.ts'
import { SendTimeout } from '../http/send-timeout.ts'
import { describeError, type Logger } from '../log.ts'

export interface WriteOptions {
  /** SEND_TIMEOUT: the longest the client may take none of a pending write (0: no limit). */
  sendTimeoutMs: number
  log: Logger
}

/** Never throws: what cannot be written is answered or cut, and logged. */
export async function writeAnswer(exchange: Exchange, incoming: IncomingMessage, outgoing: ServerResponse, options: WriteOptions): Promise<void> {
  const { response, requestId } = exchange
  const fields = { request_id: requestId }
  try {
    writeHead(outgoing, response, incoming)
  } catch (error) {
    options.log.error(`answer not sent: ${describeError(error)}`, fields)
    if (heldBody(response) === undefined) response.body?.cancel().catch(() => {})
    writeFailedAnswer(outgoing, incoming, requestId)
    exchange.sent(500)
    return
  }
  exchange.sent(response.status)
  try {
    const held = heldBody(response)
    const body = held === undefined ? response.body : null
    if (body === null || incoming.method === 'HEAD') {
      body?.cancel().catch(() => {})
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
  const problem = unwritable(response)
  if (problem !== undefined) throw new Error(problem)
  const head: OutgoingHttpHeaders = {}
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') head[name] = value
  }
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) head['set-cookie'] = cookies
  // A body left unread (refused as too large, or the client stalled) must not be read as the next request.
  if (!incoming.complete) head.connection = 'close'
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
  const body = heldBody(answer) as string
  outgoing.writeHead(answer.status, {
    ...Object.fromEntries(answer.headers),
    'content-length': Buffer.byteLength(body),
    ...(incoming.complete ? {} : { connection: 'close' }),
  })
  outgoing.end(body)
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
      if (outgoing.destroyed) return
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
