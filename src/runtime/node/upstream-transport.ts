// The Node upstream transport: node:http(s) with keep-alive pools (one for http, one per distinct
// TLS setting for https), the client's IncomingMessage piped straight to the upstream when no
// plugin read the body (sent at once when it has all arrived), and nginx's three timeouts:
// connect_timeout until the connection (and TLS handshake) is made, write_timeout while a write
// makes no progress, read_timeout for the answer's head once the request is sent and between
// chunks of its body. An answer of at most BUFFERED_ANSWER bytes (its Content-Length) is read
// whole and handed on as bytes, as nginx buffers answers: the server writes them without a web
// stream in between, twice as fast; larger or chunked answers stream
// (src/runtime/node/unread-answer.ts).

import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import https from 'node:https'
import type { Socket } from 'node:net'
import { Readable } from 'node:stream'
import { responseOf } from '../../http/held-body.ts'
import { lineHeaders } from '../../http/line-headers.ts'
import { NULL_BODY_STATUSES } from '../../http/null-body.ts'
import { BodyTooLarge, type StreamedBody } from '../../pipeline/request.ts'
import { type FailureStage, UpstreamFailure, type UpstreamRequest, type UpstreamTls, type UpstreamTransport } from '../../proxy/upstream-transport.ts'
import type { NodeRuntime } from './body-reader.ts'
import { type AnswerHeaders, afterParsing, afterRead, arrivedWhole, collect, responseHeaders } from './transport.ts'
import { unreadAnswer } from './unread-answer.ts'
import { switchedAnswer } from './upgrade.ts'
import { upstreamTlsAgentOptions, upstreamTlsKey, upstreamTlsRequestOptions } from './upstream-tls.ts'

/** nginx's proxy_buffers (8 × 8k on 64-bit): answers that fit are buffered by default there too. */
const BUFFERED_ANSWER = 65536

/** The methods Node sends without a chunked body when none is given. */
const CHUNKLESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'])

const agents = new Map<string, http.Agent>()

/** The pool for `tls` (none: http), kept-alive or not. */
function agentFor(tls: UpstreamTls | undefined, keepAlive: boolean): http.Agent {
  const key = `${keepAlive} ${tls ? upstreamTlsKey(tls) : 'http'}`
  let agent = agents.get(key)
  if (!agent) {
    agent = tls ? new https.Agent({ keepAlive, ...upstreamTlsAgentOptions(tls) }) : new http.Agent({ keepAlive })
    agents.set(key, agent)
  }
  return agent
}

/** Node's answers keep their lines (src/http/line-headers.ts): its answer writer sends them as they came. */
export const nodeUpstreamTransport: UpstreamTransport = Object.assign(
  (request: UpstreamRequest) => tryUpstream(request, agentFor(request.tls, true), lineHeaders),
  { watchesClient: true },
)

/**
 * For Deno's node:http, which stalls a streamed request body on a connection it reuses (the
 * write never drains): a streamed body goes on a connection of its own, closed after it. Its
 * answers get fetch Headers: Deno's Response takes no Headers it did not make.
 */
export const freshConnectionsForStreams: UpstreamTransport = (request) =>
  tryUpstream(request, agentFor(request.tls, request.body === null || request.body instanceof Uint8Array), responseHeaders)

function tryUpstream(request: UpstreamRequest, agent: http.Agent, answerHeaders: AnswerHeaders): Promise<Response> {
  return new Promise((resolve, reject) => {
    const { timeouts, tls } = request
    const flat: string[] = []
    for (const [name, value] of request.headers) flat.push(name, value)
    // No body, and no length said: Content-Length 0, as fetch sends it, rather than the empty
    // chunked body Node would send for the methods that usually carry one.
    if (request.body === null && !CHUNKLESS.has(request.method) && !flat.includes('content-length')) flat.push('content-length', '0')
    const outgoing = (tls ? https.request : http.request)({
      host: request.host,
      port: request.port,
      method: request.method,
      path: request.target,
      headers: flat,
      setHost: false,
      agent,
      ...(tls ? upstreamTlsRequestOptions(tls) : {}),
    })
    let stage: 'connect' | 'send' | 'answer' = 'connect'
    let settled = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const clear = () => clearTimeout(timer)
    let unwatch = () => {}
    /** Ends the try: before the head, a rejection; after it, the answer's body breaks. */
    const fail = (error: Error) => {
      clear()
      unwatch()
      outgoing.destroy(error)
      if (settled) return
      settled = true
      reject(
        error instanceof UpstreamFailure || error instanceof BodyTooLarge
          ? error
          : new UpstreamFailure(error.message, stageOf(error, stage), false, { cause: error }),
      )
    }
    const timeout = (ms: number, what: string) => {
      clear()
      timer = setTimeout(() => fail(new UpstreamFailure(`${what} for ${ms} ms`, stage, true)), ms)
    }
    // Before anything can destroy it: a ClientRequest destroyed with an error emits it.
    outgoing.on('error', fail)
    const onAbort = () => fail(new Error('the client went away'))
    if (clientGone(request)) return onAbort()
    unwatch = watchClient(request, onAbort)
    // `on` for the events a ClientRequest emits at most once: no wrapper per listener.
    outgoing.on('socket', (socket: Socket) => {
      const connected = () => {
        stage = 'send'
        clear()
        send(request, outgoing, fail, () => timeout(timeouts.writeMs, 'the upstream took none of the request (write_timeout)'), clear)
      }
      if (!socket.connecting) return connected()
      timeout(timeouts.connectMs, 'no connection (connect_timeout)')
      socket.once(tls ? 'secureConnect' : 'connect', connected)
    })
    // The request is sent: the head must come within read_timeout.
    outgoing.on('finish', () => {
      if (settled) return
      stage = 'answer'
      timeout(timeouts.readMs, 'no answer (read_timeout)')
    })
    // A WebSocket upgrade the upstream accepted: its socket is the tunnel's (src/runtime/node/upgrade.ts).
    outgoing.on('upgrade', (incoming, socket, head) => {
      clear()
      unwatch()
      try {
        resolve(switchedAnswer(request, incoming, socket, head))
        settled = true
      } catch (error) {
        fail(error as Error)
      }
    })
    outgoing.on('response', (incoming) => {
      clear()
      // The answer is over once its message closes (read, broken or destroyed unread), or at
      // once when its body came whole with its head.
      const done = () => {
        unwatch()
        request.answerEnded?.()
      }
      try {
        const answer = answerOf(incoming, answerHeaders, request.method, timeouts.readMs, done)
        if (answer instanceof Response) {
          settled = true
          return resolve(answer)
        }
        stage = 'answer'
        answer.then(
          (response) => {
            settled = true
            resolve(response)
          },
          (error: Error) => fail(error),
        )
      } catch (error) {
        // A head no Response may have (a 1xx status other than 101, a header fetch refuses).
        stage = 'answer'
        incoming.destroy()
        fail(error as Error)
      }
    })
  })
}

/** The client's answer on the Node server (none: elsewhere, or a test that hands only the request). */
function clientOf(request: UpstreamRequest): ServerResponse | undefined {
  return (request.runtime as Partial<NodeRuntime> | undefined)?.outgoing
}

/**
 * Whether the client has gone already: its connection closed. (Not its answer's socket, which a
 * pipelined request's answer gets only once the answers before it are written.)
 */
function clientGone(request: UpstreamRequest): boolean {
  if (request.signal) return request.signal.aborted
  return (request.runtime as Partial<NodeRuntime> | undefined)?.incoming?.socket.destroyed === true
}

/**
 * Calls `gone` when the client goes away before the answer, and returns what stops watching:
 * the request's signal where it has one, else the client's answer on the Node server, which
 * closes unfinished when the client leaves.
 */
function watchClient(request: UpstreamRequest, gone: () => void): () => void {
  const { signal } = request
  if (signal) {
    signal.addEventListener('abort', gone, { once: true })
    return () => signal.removeEventListener('abort', gone)
  }
  const client = clientOf(request)
  if (!client) return () => {}
  const closed = () => client.writableFinished || gone()
  client.once('close', closed)
  return () => client.off('close', closed)
}

/** Where `error` ended a try that had reached `stage`: a name that does not exist ends it before connecting. */
export function stageOf(error: Error, stage: FailureStage): FailureStage {
  return (error as NodeJS.ErrnoException).code === 'ENOTFOUND' ? 'resolve' : stage
}

/** The answer, its body streaming, or read whole first when small; read_timeout between its chunks. */
function answerOf(
  incoming: http.IncomingMessage,
  answerHeaders: AnswerHeaders,
  method: string,
  readMs: number,
  done: () => void,
): Response | Promise<Response> {
  const status = incoming.statusCode ?? 0
  const init = { status, statusText: incoming.statusMessage, headers: answerHeaders(incoming.rawHeaders) }
  if (NULL_BODY_STATUSES.has(status) || method === 'HEAD') {
    const response = new Response(null, init)
    incoming.resume()
    done()
    return response
  }
  // Larger, or of no declared length (chunked): streamed.
  if (!(declaredLength(incoming.rawHeaders) <= BUFFERED_ANSWER)) return timedAnswer(incoming, init, readMs, done, false)
  // A small body: taken at once when it came with the head, else read whole with read_timeout.
  return afterParsing(() => wholeAnswer(incoming, init, done) ?? timedAnswer(incoming, init, readMs, done, true))
}

/** The answer, when its whole body has arrived and nothing has read it yet: over at once. */
function wholeAnswer(incoming: http.IncomingMessage, init: ResponseInit, done: () => void): Response | undefined {
  const body = arrivedWhole(incoming)
  if (body === undefined) return undefined
  const response = responseOf(body, init)
  done()
  return response
}

/** The answer with read_timeout between its body's chunks: read whole (`whole`), or streaming. */
function timedAnswer(incoming: http.IncomingMessage, init: ResponseInit, readMs: number, done: () => void, whole: boolean): Response | Promise<Response> {
  // read_timeout runs while the body is being read, as nginx's: not while its reader holds it
  // paused (a slow client, the writer not started yet), which is no delay of the upstream's.
  let reading = true
  const stalled = () => reading && incoming.destroy(new UpstreamFailure(`the upstream sent none of its answer for ${readMs} ms (read_timeout)`, 'answer', true))
  const idle = setTimeout(stalled, readMs)
  incoming.once('close', () => {
    clearTimeout(idle)
    done()
  })
  // Read whole at once, never paused: each chunk starts read_timeout again.
  if (whole) return collect(incoming, BUFFERED_ANSWER, () => idle.refresh()).then((body) => responseOf(body, init))
  incoming
    .on('pause', () => {
      reading = false
    })
    .on('resume', () => {
      reading = true
      idle.refresh()
    })
  // Paused first: the listener times the body's chunks without starting them; its reader does.
  incoming.pause()
  incoming.on('data', () => idle.refresh())
  return unreadAnswer(incoming, init)
}

/**
 * Bytes, written and ended at once. Most are taken at once; one that is not starts
 * write_timeout, which runs until the request is all sent ('finish' starts read_timeout): an
 * ended request emits no 'drain'.
 */
function sendBytes(outgoing: http.ClientRequest, bytes: Uint8Array | null, stalled: () => void): void {
  if (bytes !== null && !outgoing.write(bytes)) stalled()
  outgoing.end()
}

/** An answer's Content-Length from its raw lines (NaN: none), without making Node's headers object of them. */
function declaredLength(raw: readonly string[]): number {
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i].length === 14 && raw[i].toLowerCase() === 'content-length') return Number(raw[i + 1])
  return Number.NaN
}

/**
 * Writes the body once connected: the bytes, or the client's body (its IncomingMessage where
 * the server passed it, written at once when it has all arrived, else the stream), with
 * backpressure; `stalled` starts write_timeout while the upstream takes nothing, `moving` stops
 * it.
 */
function send(request: UpstreamRequest, outgoing: http.ClientRequest, fail: (error: Error) => void, stalled: () => void, moving: () => void): void {
  const { body } = request
  if (body === null || body instanceof Uint8Array) {
    sendBytes(outgoing, body, stalled)
    return
  }
  const incoming = (request.runtime as Partial<NodeRuntime> | undefined)?.incoming
  // A kept-alive connection is there while the client's head is handled, before the rest of
  // the read that brought it (often the whole body) is parsed: looked at again once it is.
  if (incoming && !incoming.complete && incoming.readableFlowing === null && !incoming.destroyed) {
    // A try that failed meanwhile (the client gone) has nothing left to send.
    afterRead(() => {
      if (!outgoing.destroyed) sendClientBody(body, incoming, outgoing, fail, stalled, moving)
    }, fail)
  } else sendClientBody(body, incoming, outgoing, fail, stalled, moving)
}

function sendClientBody(
  body: StreamedBody,
  incoming: IncomingMessage | undefined,
  outgoing: http.ClientRequest,
  fail: (error: Error) => void,
  stalled: () => void,
  moving: () => void,
): void {
  const { limit } = body
  // The client's body when it has all arrived (a small one comes with its head): sent as bytes.
  const whole = incoming && arrivedWhole(incoming)
  if (whole !== undefined) {
    if (limit > 0 && whole.byteLength > limit) fail(new BodyTooLarge(limit))
    else sendBytes(outgoing, whole.byteLength > 0 ? whole : null, stalled)
    return
  }
  const source: Readable = incoming && !incoming.readableEnded ? incoming : Readable.fromWeb(body.stream as never)
  let size = 0
  const onData = (chunk: Buffer) => {
    size += chunk.byteLength
    if (limit > 0 && size > limit) {
      source.off('data', onData)
      source.pause()
      return fail(new BodyTooLarge(limit))
    }
    if (outgoing.write(chunk)) return
    source.pause()
    stalled()
    outgoing.once('drain', () => {
      moving()
      source.resume()
    })
  }
  source.on('data', onData)
  source.once('end', () => outgoing.end())
  source.once('error', (error) => fail(error))
  // A client that goes away mid-body (Node's server signals it on the request's abort).
  source.once('close', () => {
    if (!source.readableEnded) fail(new Error('the client went away before its body ended'))
  })
}
