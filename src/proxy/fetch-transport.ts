// The upstream transport of runtimes whose HTTP client is fetch (Workers). fetch tells neither
// when it connected nor when the request was sent, so nginx's three
// timeouts become one: the answer's head must come within read_timeout of the try's start
// (connecting and sending included), and then each chunk of its body within read_timeout.
// A failure counts as a connection failure (retried) only when the runtime's error says so.

import { readWithin } from '../pipeline/request.ts'
import { type ProxySettings, UpstreamFailure, type UpstreamRequest, type UpstreamTransport } from './upstream-transport.ts'

/**
 * Words that tell a connection never made (undici's ECONNREFUSED, a failed lookup). workerd says
 * "Network connection lost." for a refused connection and for one lost after sending alike: on
 * Workers no try is retried, rather than send a request twice.
 */
const CONNECT_ERROR = /refused|EAI_AGAIN|dns error|lookup/i

/** A name that does not exist (undici's getaddrinfo ENOTFOUND): Kong's 503, never retried. */
const NO_SUCH_NAME = /ENOTFOUND/

/** One try through `fetch`. */
async function fetchTry(request: UpstreamRequest): Promise<Response> {
  const { protocol, host, port, timeouts, signal } = request
  const url = `${protocol}://${host.includes(':') ? `[${host}]` : host}:${port}${request.target}`
  const headers = new Headers()
  for (const [name, value] of request.headers) headers.append(name, value)
  const body = request.body === null || request.body instanceof Uint8Array ? request.body : request.body.stream
  const deadline = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    deadline.abort()
  }, timeouts.readMs)
  const abort = () => deadline.abort(signal?.reason)
  signal?.addEventListener('abort', abort, { once: true })
  try {
    const response = await fetch(url, {
      method: request.method,
      headers,
      body: fixedLength(body, headers.get('content-length')),
      redirect: 'manual',
      signal: deadline.signal,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit)
    if (response.body !== null) return withReadTimeout(response, timeouts.readMs, request.answerEnded)
    request.answerEnded?.()
    return response
  } catch (error) {
    if (timedOut) throw new UpstreamFailure(`no answer within ${timeouts.readMs} ms (read_timeout)`, 'answer', true, { cause: error })
    const text = `${error}${error instanceof Error && error.cause ? ` ${error.cause}` : ''}`
    const stage = NO_SUCH_NAME.test(text) ? 'resolve' : CONNECT_ERROR.test(text) ? 'connect' : 'send'
    throw new UpstreamFailure(`the upstream request failed: ${text}`, stage, false, { cause: error })
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', abort)
  }
}

/**
 * Workers sends a stream chunked unless it comes through a FixedLengthStream (its own API):
 * the client's Content-Length is kept (it fails the request when the stream ends short or long).
 */
function fixedLength(body: Uint8Array | ReadableStream<Uint8Array> | null, length: string | null): Uint8Array | ReadableStream<Uint8Array> | null {
  const Fixed = (globalThis as { FixedLengthStream?: new (length: number) => TransformStream<Uint8Array, Uint8Array> }).FixedLengthStream
  if (!(body instanceof ReadableStream) || length === null || Fixed === undefined) return body
  return body.pipeThrough(new Fixed(Number(length)))
}

/** `response` whose body breaks when the upstream sends none of it for `readMs`; `ended` once it is over. */
function withReadTimeout(response: Response, readMs: number, ended: (() => void) | undefined): Response {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  const stalled = () => new Error(`the upstream sent none of its answer for ${readMs} ms (read_timeout)`)
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let chunk: ReadableStreamReadResult<Uint8Array>
        try {
          chunk = await readWithin(reader, readMs, stalled)
        } catch (error) {
          ended?.()
          throw error
        }
        if (!chunk.done) return controller.enqueue(chunk.value)
        controller.close()
        ended?.()
      },
      cancel: (reason) => {
        ended?.()
        return reader.cancel(reason)
      },
    },
    { highWaterMark: 0 },
  )
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers })
}

/**
 * Workers: fetch alone, which sends the URL's host as Host, verifies every certificate against
 * the platform's roots and presents none.
 */
export const fetchUpstreamTransport: UpstreamTransport = Object.assign((request: UpstreamRequest) => fetchTry(request), {
  unsupported({ tls, preserveHost }: ProxySettings) {
    const problems: Array<{ field: string; message: string }> = []
    const refuse = (field: string, what: string) => problems.push({ field, message: `${what} on this runtime (Cloudflare Workers): remove ${field}` })
    if (preserveHost) refuse('preserve_host', "the client's Host cannot be sent (fetch sends the URL's)")
    if (!tls) return problems
    if (!tls.verify) refuse('tls_verify', 'TLS verification cannot be turned off')
    if (tls.verifyDepth !== undefined) refuse('tls_verify_depth', 'the verification depth cannot be set')
    if (tls.caCertificates) refuse('ca_certificates', 'CA certificates cannot be given')
    if (tls.clientCertificate) refuse('client_certificate', 'a client certificate cannot be presented')
    return problems
  },
})
