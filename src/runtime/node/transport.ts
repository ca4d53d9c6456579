// The Node transport: node:http(s) with keep-alive agents, which honour `proxy_url` (the
// agent's `proxyEnv`: CONNECT tunnels for https, absolute-form requests for http) and
// `ssl_verify: false`, and are faster than the global fetch on Node. Deno uses it, through its
// node: compatibility, for the metadata endpoints and for `ssl_verify: false`. Bodies are passed
// on as they came, never decoded: the gateway asks for no compression and refuses it.

import http from 'node:http'
import https from 'node:https'
import { Readable } from 'node:stream'
import { urlToHttpOptions } from 'node:url'
import { isAscii } from '../../encoding/bytes.ts'
import { responseOf } from '../../http/held-body.ts'
import { lineHeaders } from '../../http/line-headers.ts'
import { answerTooLarge, type Fetch, type FetchInit, type Transport } from '../../transport.ts'

/** How an answer's raw header lines become its Headers. */
export type AnswerHeaders = (raw: string[]) => Headers

/** A transport whose answers' headers `answerHeaders` makes. */
const transportWith =
  (answerHeaders: AnswerHeaders): Transport =>
  ({ proxyUrl, verifyTls }) => {
    const proxy = proxyUrl === undefined ? {} : { proxyEnv: { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl } }
    const httpAgent = new http.Agent({ keepAlive: true, ...proxy })
    const httpsAgent = new https.Agent({ keepAlive: true, rejectUnauthorized: verifyTls, ...proxy })
    // Through a proxy, node:http adds headers of its own (Proxy-Authorization from the proxy's
    // URL), which it does only to headers given as a record; so too Authorization from a URL's
    // user and password.
    const direct = proxyUrl === undefined
    // async: every failure is a rejection, as with fetch.
    return async (input, init) => {
      const target = requestTarget(input)
      const { protocol } = target.options
      if (protocol === 'https:') return send(https.request, httpsAgent, target, init, direct, answerHeaders)
      if (protocol === 'http:') return send(http.request, httpAgent, target, init, direct, answerHeaders)
      throw new TypeError(`cannot fetch ${protocol} URLs, only http: and https:`)
    }
  }

/** Node's: answers keep their header lines (src/http/line-headers.ts), which the Lambda route's answer reuses. */
export const nodeTransport: Transport = transportWith(lineHeaders)

/** For Deno's node:http: answers get fetch Headers, as Deno's Response takes no Headers it did not make. */
export const freshHeadersTransport: Transport = transportWith(responseHeaders)

/**
 * node:http's options for a URL: only those it reads (it copies them twice per request), and
 * the Host header it would send for them.
 */
interface RequestTarget {
  options: Pick<http.RequestOptions, 'protocol' | 'hostname' | 'port' | 'path' | 'auth'>
  hostHeader: string
}

/** Request options by URL: a route calls the same Invoke URL every time, so it is parsed once, not per call. */
const targets = new Map<string, RequestTarget>()

function requestTarget(input: string): RequestTarget {
  let target = targets.get(input)
  if (target === undefined) {
    const url = new URL(input)
    const { protocol, hostname, port, path, auth } = urlToHttpOptions(url)
    const options = { protocol, hostname, path, ...(port === undefined ? {} : { port }), ...(auth === undefined ? {} : { auth }) }
    // The URL's host is what node:http sends: brackets around IPv6, no default port.
    target = { options, hostHeader: url.host }
    // A few URLs per route and credential source; a bound all the same.
    if (targets.size >= 256) targets.clear()
    targets.set(input, target)
  }
  return target
}

/** Direct connections with certificate checks: for the metadata endpoints, which never use a proxy. */
export const directFetch: Fetch = freshHeadersTransport({ proxyUrl: undefined, verifyTls: true })

type RequestFunction = typeof http.request

/** Methods whose request node:http sends without a body unless given one (the others: Content-Length: 0). */
const BODILESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'])

/** `direct`: no proxy between, so the head can be given as lines (see headerList) unless the URL has a user or the caller a Host. */
function send(
  request: RequestFunction,
  agent: http.Agent,
  target: RequestTarget,
  init: FetchInit,
  direct: boolean,
  answerHeaders: AnswerHeaders,
): Promise<Response> {
  const method = init.method ?? 'GET'
  const headers = outgoingHeaders(init.headers)
  const body = requestBody(init.body, headers)
  if (body !== undefined) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength)
  // As node:http says it of a record's request: given lines, it would announce a chunked body.
  else if (!BODILESS_METHODS.has(method.toUpperCase())) headers['content-length'] = '0'
  const signal = init.signal ?? undefined
  signal?.throwIfAborted()
  return new Promise((resolve, reject) => {
    let incoming: http.IncomingMessage | undefined
    // A caller's Host also names the TLS server and the pooled connection, which node:http
    // takes from a record's Host only.
    const asLines = direct && target.options.auth === undefined && headers.host === undefined
    const head = asLines ? headerList(headers, target.hostHeader) : headers
    const outgoing = request({ ...target.options, method, headers: head, agent }, (answer) => {
      incoming = answer
      answer.once('close', () => signal?.removeEventListener('abort', abort))
      try {
        const response = toResponse(answer, method, init.wholeBody === true ? (init.maxBodyBytes ?? Number.POSITIVE_INFINITY) : undefined, answerHeaders)
        if (response instanceof Promise) response.then(resolve, reject)
        else resolve(response)
      } catch (error) {
        answer.destroy()
        reject(error)
      }
    })
    // By hand rather than request's `signal` option, which Deno's node:http ignores: the
    // deadline covers the answer's body too.
    const abort = () => {
      outgoing.destroy(signal?.reason)
      incoming?.destroy(signal?.reason)
    }
    signal?.addEventListener('abort', abort, { once: true })
    outgoing.on('error', (error) => {
      signal?.removeEventListener('abort', abort)
      reject(error)
    })
    outgoing.end(body)
  })
}

/**
 * The request's headers as node:http takes them: a copy with lower-case names. A plain record
 * (a signed Invoke request's, whose values are already trimmed) is copied without making Headers
 * of it: node:http then checks its names and values itself, refusing a control character but
 * trimming nothing, and of two names differing in case the last one is sent.
 */
function outgoingHeaders(init: HeadersInit | undefined): Record<string, string> {
  if (init === undefined || init instanceof Headers || Array.isArray(init)) return Object.fromEntries(init instanceof Headers ? init : new Headers(init))
  const record = init as Record<string, string>
  const headers: Record<string, string> = {}
  for (const name in record) headers[name.toLowerCase()] = record[name]
  return headers
}

/**
 * The headers as a list of names and values, the URL's Host first: node:http writes such a
 * head as it is (checking each line), without keeping each header apart to be changed until the
 * body is written, as it does with a record. Content-Length must be in it.
 */
function headerList(headers: Record<string, string>, hostHeader: string): string[] {
  const list = ['host', hostHeader]
  for (const name in headers) list.push(name, headers[name])
  return list
}

/**
 * A string body is sent as it is: node:http writes it after the head in one string, without a
 * copy to bytes first. It encodes that string as UTF-8 whole, head included, so only while every
 * header value is ASCII: a value's obs-text (0x80-0xff) must go out as one byte, as with bytes.
 */
function requestBody(body: RequestInit['body'], headers: Record<string, string>): Uint8Array | string | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string') return asciiValues(headers) ? body : Buffer.from(body)
  if (body instanceof Uint8Array) return body
  throw new TypeError('request body must be a string or bytes')
}

function asciiValues(headers: Record<string, string>): boolean {
  for (const name in headers) if (!isAscii(headers[name])) return false
  return true
}

const NULL_BODY_STATUS = new Set([101, 204, 205, 304])

/** With `collectUpTo` (wholeBody): resolves once the body has arrived, as bytes rather than a stream. */
function toResponse(
  incoming: http.IncomingMessage,
  method: string,
  collectUpTo: number | undefined,
  answerHeaders: AnswerHeaders,
): Response | Promise<Response> {
  const headers = answerHeaders(incoming.rawHeaders)
  const status = incoming.statusCode ?? 0
  if (NULL_BODY_STATUS.has(status) || method === 'HEAD') {
    incoming.resume()
    return new Response(null, { status, headers })
  }
  const init = { status, statusText: incoming.statusMessage, headers }
  // A compressed body is passed on as it came, never collected: the caller, which asked for
  // none, refuses it unread.
  if (collectUpTo !== undefined && !headers.has('content-encoding')) {
    return afterParsing(() => {
      const whole = arrivedWhole(incoming)
      if (whole === undefined) return collect(incoming, collectUpTo).then((bytes) => responseOf(bytes, init))
      if (whole.byteLength <= collectUpTo) return responseOf(whole, init)
      incoming.destroy()
      throw answerTooLarge(collectUpTo)
    })
  }
  return new Response(Readable.toWeb(incoming) as ReadableStream<Uint8Array>, init)
}

/**
 * `work` a tick after an answer's head, when the read that brought it (often the whole answer)
 * has been parsed; what it throws (a status or reason fetch's Response refuses) is a rejection.
 * A tick rather than a microtask: events queued by that parsing (a broken body's error) come
 * after it, when the listeners `work` may add are there for them.
 */
export function afterParsing<T>(work: () => T | Promise<T>): Promise<T> {
  return new Promise((resolve, reject) =>
    process.nextTick(() => {
      try {
        resolve(work())
      } catch (error) {
        reject(error)
      }
    }),
  )
}

/**
 * `work` once the server's read being handled has all been parsed; what it throws goes to
 * `fail`. Node's server parser gives each part of a read (a request's head, its body, its end)
 * to JavaScript as a callback of its own, with ticks and microtasks run after each: only the
 * event loop's next check phase comes after all of it. So a client's body that came in the
 * same read as its head is complete there, not when its head is handled.
 */
export function afterRead(work: () => void, fail: (error: Error) => void): void {
  setImmediate(() => {
    try {
      work()
    } catch (error) {
      fail(error as Error)
    }
  })
}

/**
 * The body of a message (a client's request, an answer) that has all arrived, that nothing
 * has read yet and that is not destroyed (its client gone), taken at once, with no listeners
 * and no flowing stream: a small body mostly comes in the same read as its head. Undefined
 * otherwise.
 */
export function arrivedWhole(incoming: http.IncomingMessage): Uint8Array<ArrayBuffer> | undefined {
  if (!incoming.complete || incoming.readableFlowing !== null || incoming.readableEnded || incoming.destroyed) return undefined
  const body: Buffer | null = incoming.read()
  return body === null ? new Uint8Array(0) : new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength)
}

/** An answer's raw header lines (names and values in turn) as fetch Headers. */
export function responseHeaders(raw: readonly string[]): Headers {
  const headers = new Headers()
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i], raw[i + 1])
  return headers
}

/**
 * Rejects when the stream fails or is destroyed (the deadline) before its end, and with
 * AnswerRefused once more than `limit` bytes came: the connection is destroyed there. `arrived`
 * is told of each chunk.
 */
export function collect(stream: Readable, limit: number, arrived?: () => void): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let total = 0
    stream.on('data', (chunk: Buffer) => {
      arrived?.()
      total += chunk.byteLength
      if (total <= limit) chunks.push(chunk)
      else {
        reject(answerTooLarge(limit))
        stream.destroy()
      }
    })
    // Buffer.concat allocates ordinary (not shared) ArrayBuffer memory; a plain view, not a
    // Buffer, whose slice() would not copy.
    let ended = false
    stream.once('end', () => {
      ended = true
      const bytes = Buffer.concat(chunks)
      resolve(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) as Uint8Array<ArrayBuffer>)
    })
    stream.once('error', reject)
    // Every answer closes after its end: an Error (and its stack trace) only for one that did not end.
    stream.once('close', () => ended || reject(new Error('the connection closed before the whole answer arrived')))
  })
}
