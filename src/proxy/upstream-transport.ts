// How a runtime sends one proxied request to an upstream server and hands back its answer as it
// arrives: the seam between the portable proxy (src/proxy/) and the runtime's HTTP client
// (Node: node:http(s) with keep-alive pools; Deno: its fetch and HTTP clients; Workers: fetch).
// Timeouts and failures are told in nginx's terms, since Kong's answers and retries depend on
// where a try failed.

import type { StreamedBody } from '../pipeline/request.ts'

/** TLS towards the upstream (`https` services). */
export interface UpstreamTls {
  /** `tls_verify` (Kong's default: the global `nginx_proxy_proxy_ssl_verify`, which is on here). */
  verify: boolean
  /** `tls_verify_depth`. */
  verifyDepth?: number
  /** `ca_certificates`, as PEM; none: the runtime's trust store. */
  caCertificates?: readonly string[]
  /** `client_certificate`, as PEM, presented for mTLS. */
  clientCertificate?: { cert: string; key: string }
  /** The name sent as SNI and checked against the certificate (the Host header's name, as Kong's `proxy_ssl_name`). */
  serverName: string
}

/** One try of a proxied request. */
export interface UpstreamRequest {
  protocol: 'http' | 'https'
  /** Where the connection goes (a target's address or name), not the Host header. */
  host: string
  port: number
  method: string
  /** The request target, origin-form: path and query as the request line carries them. */
  target: string
  /** Header lines in order, names in lower case, Host included. */
  headers: ReadonlyArray<readonly [string, string]>
  /** Bytes a plugin read or set, the client's unread body (its stream, and CLIENT_MAX_BODY_SIZE), or none. */
  body: Uint8Array | StreamedBody | null
  /**
   * What the runtime's server passed beside the request (Node: the IncomingMessage, piped directly
   * instead of a streamed `body`, which is then left unread; and a WebSocket upgrade's socket).
   */
  runtime: unknown
  /** `connect_timeout`, `write_timeout`, `read_timeout` (ms): nginx's, between two operations, not for the whole. */
  timeouts: { connectMs: number; writeMs: number; readMs: number }
  tls?: UpstreamTls
  /** Aborted when the client goes away (none: the transport watches the client itself, `watchesClient`). */
  signal?: AbortSignal
  /**
   * Called once the answer is over: its body ended, broke or was given up, a tunnel closed (not
   * for a try that failed before its answer, which the caller sees fail).
   */
  answerEnded?: () => void
}

/**
 * Where a try failed: `connect` means nothing of the request was sent, so it may be tried again;
 * `resolve`, that the host's name does not exist (DNS: no such name), before any connection.
 */
export type FailureStage = 'resolve' | 'connect' | 'send' | 'answer'

/** A try that produced no answer head (later failures break the answer's body stream). */
export class UpstreamFailure extends Error {
  readonly stage: FailureStage
  readonly timedOut: boolean
  constructor(message: string, stage: FailureStage, timedOut: boolean, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'UpstreamFailure'
    this.stage = stage
    this.timedOut = timedOut
  }
}

/**
 * Sends `request`; resolves at the answer's head with its body streaming, or rejects with
 * UpstreamFailure. Never retries: the proxy decides.
 */
export type UpstreamTransport = ((request: UpstreamRequest) => Promise<Response>) & {
  /**
   * What of a route's proxying this runtime cannot honour, each by its field (the service's TLS
   * settings, the route's `preserve_host`): refused at load.
   */
  readonly unsupported?: (proxying: ProxySettings) => ReadonlyArray<{ field: string; message: string }>
  /**
   * Notices by itself, through `runtime`, when the client goes away (Node: the client's response
   * closing unfinished), so a proxied request needs no AbortSignal: making one for every request
   * cost the Node entry about 3% of a proxied request's CPU.
   */
  readonly watchesClient?: boolean
}

/** What a route's proxying asks of the transport beyond each request. */
export interface ProxySettings {
  /** The https service's TLS settings (`serverName`: the service's host). */
  tls?: UpstreamTls
  preserveHost: boolean
}
