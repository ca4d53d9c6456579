// How the gateway reaches AWS (Lambda, STS): a `fetch` per route's transport settings. The
// runtime entry supplies the transport; the portable one is the runtime's own fetch, which
// can neither use a forward proxy nor skip certificate checks, so it refuses those settings.

import { describeError } from './log.ts'

export type Fetch = (input: string, init: FetchInit) => Promise<Response>

export interface FetchInit extends RequestInit {
  /**
   * The caller reads the whole answer before using any of it: a transport may collect the body
   * before resolving (Node: a buffer instead of a web stream over the socket, 4× cheaper).
   */
  wholeBody?: boolean
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

/** Credential answers are small: a longer one is not one. */
const MAX_TEXT_BYTES = 64 * 1024

/**
 * One small request whose whole answer must arrive within `timeoutMs` (credential sources:
 * STS, container and instance metadata endpoints). Redirects are not followed.
 */
export async function fetchText(fetch: Fetch, url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; text: string }> {
  const signal = AbortSignal.timeout(timeoutMs)
  let bytes: Uint8Array
  let status: number
  try {
    const response = await fetch(url, { ...init, signal, redirect: 'manual', wholeBody: true })
    status = response.status
    bytes = new Uint8Array(await response.arrayBuffer())
  } catch (error) {
    const reason = signal.aborted ? `no answer within ${timeoutMs} ms` : describeError(error)
    throw new TransportFailure(reason, signal.aborted, { cause: error })
  }
  if (bytes.byteLength > MAX_TEXT_BYTES) throw new TransportFailure(`answer larger than ${MAX_TEXT_BYTES} bytes`, false)
  return { status, text: new TextDecoder().decode(bytes) }
}
