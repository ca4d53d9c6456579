// How the gateway reaches AWS (Lambda, STS): a `fetch` per route's transport settings. The
// runtime entry supplies the transport; the portable one is the runtime's own fetch, which
// can neither use a forward proxy nor skip certificate checks, so it refuses those settings.

import { concatBytes } from './encoding/bytes.ts'
import { heldBody } from './http/held-body.ts'
import { describeError } from './log.ts'

export type Fetch = (input: string, init: FetchInit) => Promise<Response>

export interface FetchInit extends RequestInit {
  /**
   * The caller reads the whole answer before using any of it: a transport may collect the body
   * before resolving (Node: a buffer instead of a web stream over the socket, 4× cheaper). A
   * compressed body is not collected: the caller refuses it unread (refuseEncoded).
   */
  wholeBody?: boolean
  /**
   * The most body bytes the caller takes: a transport that collects the body stops reading
   * there, closes the connection and rejects with AnswerRefused.
   */
  maxBodyBytes?: number
}

export interface TransportSettings {
  /** `proxy_url`: an `http://` forward proxy (CONNECT for https targets). */
  proxyUrl: string | undefined
  /** `ssl_verify`. */
  verifyTls: boolean
}

/** A setting this runtime cannot honour, named by its plugin field. */
export interface TransportProblem {
  field: 'proxy_url' | 'ssl_verify'
  message: string
}

/** Every setting of a route this runtime cannot honour, not only the first (`check --workers` lists them all). */
export class UnsupportedTransport extends Error {
  readonly problems: readonly TransportProblem[]
  constructor(problems: TransportProblem[]) {
    super(problems.map(({ field, message }) => `${field}: ${message}`).join('; '))
    this.name = 'UnsupportedTransport'
    this.problems = problems
  }
}

/** Returns the fetch for these settings, or throws UnsupportedTransport. */
export type Transport = (settings: TransportSettings) => Fetch

export const fetchTransport: Transport = (settings) => {
  const problems: TransportProblem[] = []
  if (settings.proxyUrl !== undefined) {
    problems.push({ field: 'proxy_url', message: 'a forward proxy is not supported on this runtime (Cloudflare Workers); remove proxy_url' })
  }
  if (!settings.verifyTls) {
    problems.push({ field: 'ssl_verify', message: 'TLS verification cannot be turned off on this runtime (Cloudflare Workers); remove ssl_verify: false' })
  }
  if (problems.length > 0) throw new UnsupportedTransport(problems)
  return (input, init) => globalThis.fetch(input, init)
}

/** A call that produced no answer: it timed out, or the connection failed. */
export class TransportFailure extends Error {
  readonly timedOut: boolean
  constructor(message: string, timedOut: boolean, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'TransportFailure'
    this.timedOut = timedOut
  }
}

/** An answer the gateway does not read: compressed, or larger than its reader takes. Its connection was closed. */
export class AnswerRefused extends Error {
  /** `reason`: what is wrong with the answer, e.g. `larger than 65536 bytes: not read further`. */
  constructor(reason: string) {
    super(`answer ${reason}`)
    this.name = 'AnswerRefused'
  }
}

export function answerTooLarge(limit: number): AnswerRefused {
  return new AnswerRefused(`larger than ${limit} bytes: not read further`)
}

/**
 * Never ask for a compressed answer: AWS's answers are small or streamed, and a compressed one
 * could inflate far past what it cost to send. Set after signing, never signed: a runtime or a
 * proxy that rewrites it then cannot break the signature.
 */
export function withIdentityEncoding(headers: HeadersInit | undefined): Headers {
  const result = new Headers(headers)
  result.set('accept-encoding', IDENTITY_ENCODING)
  return result
}

export const IDENTITY_ENCODING = 'identity'

/**
 * Refuses an answer with a Content-Encoding (other than identity), unread: it was not asked for,
 * and runtimes disagree on it (Node's and workerd's fetch decode it, Deno's does not once the
 * caller has set Accept-Encoding), so no decoding could be the same everywhere.
 */
export async function refuseEncoded(response: Response): Promise<void> {
  const encoding = contentEncoding(response)
  if (encoding === undefined) return
  await response.body?.cancel().catch(() => {})
  throw new AnswerRefused(`compressed (Content-Encoding: ${encoding.slice(0, 40)}) though the gateway asked for none: not read`)
}

/** The answer's Content-Encoding, unless none or identity. */
function contentEncoding(response: Response): string | undefined {
  const encoding = response.headers.get('content-encoding')?.trim()
  return !encoding || encoding.toLowerCase() === 'identity' ? undefined : encoding
}

/**
 * The answer's body if it is at most `limit` bytes; else the connection is closed once `limit`
 * bytes (and at most one chunk more) have been read, and AnswerRefused thrown. A compressed
 * answer is refused unread (refuseEncoded).
 */
export async function readLimited(response: Response, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  // Awaited only when there is something to refuse: every await is a turn of the microtask queue.
  if (contentEncoding(response) !== undefined) await refuseEncoded(response)
  // Bytes a transport collected (Node): taken as they are, not read back through a stream.
  const held = heldBody(response)
  if (held instanceof Uint8Array && held.buffer instanceof ArrayBuffer && held.byteLength <= limit) return held as Uint8Array<ArrayBuffer>
  if (!response.body) return new Uint8Array(0)
  // Content-Length is what the body will be: a larger one is refused unread.
  if (Number(response.headers.get('content-length')) > limit) {
    await response.body.cancel().catch(() => {})
    throw answerTooLarge(limit)
  }
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    total += read.value.byteLength
    if (total > limit) {
      await reader.cancel().catch(() => {})
      throw answerTooLarge(limit)
    }
    chunks.push(read.value)
  }
  if (chunks.length === 1 && chunks[0].buffer instanceof ArrayBuffer) return chunks[0] as Uint8Array<ArrayBuffer>
  return concatBytes(chunks, total)
}

/** Credential answers are small: a longer one is not one. */
const MAX_TEXT_BYTES = 64 * 1024

/**
 * One small request whose whole answer must arrive within `timeoutMs` (credential sources:
 * STS, container and instance metadata endpoints). Redirects are not followed; reading stops
 * at 64 KiB, and a compressed answer is refused.
 */
export async function fetchText(fetch: Fetch, url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; text: string }> {
  const signal = AbortSignal.timeout(timeoutMs)
  let bytes: Uint8Array
  let status: number
  try {
    const headers = withIdentityEncoding(init.headers)
    const response = await fetch(url, { ...init, headers, signal, redirect: 'manual', wholeBody: true, maxBodyBytes: MAX_TEXT_BYTES })
    status = response.status
    bytes = await readLimited(response, MAX_TEXT_BYTES)
  } catch (error) {
    if (error instanceof AnswerRefused) throw new TransportFailure(error.message, false, { cause: error })
    const reason = signal.aborted ? `no answer within ${timeoutMs} ms` : describeError(error)
    throw new TransportFailure(reason, signal.aborted, { cause: error })
  }
  return { status, text: new TextDecoder().decode(bytes) }
}
