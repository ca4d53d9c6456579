// One signed call to the Lambda Invoke API (docs/aws-lambda-plugin.md#the-invoke-call), signed by
// signing.ts and sent once: no retries (aws4fetch's AwsClient would retry 5xx/429 answers), as a
// request that may have reached the function must never be sent twice.

import type { CredentialProvider, Credentials } from '../../credentials/types.ts'
import type { Bytes } from '../../encoding/base64.ts'
import { type SigningCrypto, webSigningCrypto } from '../../encoding/signing-crypto.ts'
import { discardBody } from '../../http/held-body.ts'
import { describeError } from '../../log.ts'
import type { Invocation } from '../../pipeline/log-phase.ts'
import { inSpan, type Trace } from '../../tracing/trace.ts'
import { AnswerRefused, type Fetch, IDENTITY_ENCODING, readLimited } from '../../transport.ts'
import type { AwsLambdaConfig } from './schema.ts'
import { SigningCache, sendableToken, signLambdaRequest } from './signing.ts'

export interface InvokeTarget {
  /** The full Invoke URL (InvokeWithResponseStream's with `response_streaming`), `Qualifier` included. */
  url: string
  region: string
  headers: Readonly<Record<string, string>>
  timeoutMs: number
  credentials: CredentialProvider
  /** The runtime's hashes and HMACs for signing. */
  signingCrypto: SigningCrypto
  /** The route's canonical parts and its current signing key, reused across requests. */
  signingKeys: SigningCache
}

export interface InvokeResult {
  status: number
  headers: Headers
  body: Bytes
}

/**
 * Why an Invoke call produced no answer; decides the status under preserve_lambda_api_error_code.
 * `refused`: an answer the gateway does not read (compressed, or over MAX_ANSWER_BYTES).
 */
export type InvokeFailureKind = 'timeout' | 'connect' | 'credentials' | 'redirect' | 'refused'

/** What became of a request's Invoke call: its log line's `lambda_ms`, and its invocation (`ctx.upstreamCall`). */
export interface InvokeRecord {
  /** How long the call to the Invoke API took (credentials and signing not included). */
  lambdaMs?: number
  /** The Invoke API's status, once it answered. */
  status?: number
  /** Its answer says the function failed (`X-Amz-Function-Error`). */
  functionError?: boolean
  /** Why the call came to no usable answer. */
  failure?: InvokeFailureKind
}

/** What an Invoke call came to; undefined when none was made (no region, an event over Lambda's limit). */
export function invocationOutcome(record: InvokeRecord): Invocation['outcome'] | undefined {
  if (record.failure === 'timeout') return 'timeout'
  if (record.failure !== undefined) return 'error'
  if (record.status === undefined) return undefined
  if (record.status >= 400) return 'api_error'
  return record.functionError ? 'function_error' : 'ok'
}

export class InvokeFailure extends Error {
  readonly kind: InvokeFailureKind
  constructor(kind: InvokeFailureKind, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'InvokeFailure'
    this.kind = kind
  }
}

/**
 * The most bytes of a buffered Invoke answer read: Lambda's 6 MB response limit
 * (6,291,556 bytes, as its own error says) and 1 MiB of headroom. Only a misbehaving endpoint
 * sends more; past it the gateway stops reading and closes the connection.
 */
export const MAX_ANSWER_BYTES = 7 * 1024 * 1024

/** The longest delay timers accept (2^31 - 1 ms, about 24.8 days); Node fires larger ones at once. */
const MAX_TIMEOUT_MS = 2_147_483_647

export function invokeTarget(
  config: AwsLambdaConfig,
  region: string,
  credentials: CredentialProvider,
  signingCrypto: SigningCrypto = webSigningCrypto,
): InvokeTarget {
  const scheme = config.disable_https ? 'http' : 'https'
  const host = config.host ?? `lambda.${region}.amazonaws.com`
  // Kong accepts an IPv6 address without brackets; a URL needs them.
  const url = new URL(`${scheme}://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}`)
  url.port = String(config.port) // URL drops the scheme's default port by itself
  // Encoded as the AWS SDK does (`:` as %3A); the signature covers the path as sent.
  const name = encodeURIComponent(config.function_name)
  url.pathname = config.response_streaming ? `/2021-11-15/functions/${name}/response-streaming-invocations` : `/2015-03-31/functions/${name}/invocations`
  if (config.qualifier !== undefined) url.searchParams.set('Qualifier', config.qualifier)
  return {
    url: url.href,
    region,
    headers: { 'X-Amz-Invocation-Type': config.invocation_type, 'X-Amz-Log-Type': config.log_type },
    // Kong's timeout is any positive number; timers want an integer within their range.
    timeoutMs: Math.min(Math.ceil(config.timeout), MAX_TIMEOUT_MS),
    credentials,
    signingCrypto,
    signingKeys: new SigningCache(),
  }
}

/**
 * The Invoke request for `payload`, signed with the target's current credentials, asking for no
 * compression. In a trace, getting the credentials is a span, and the request carries the
 * active span (the Lambda call's) as X-Amzn-Trace-Id, which Lambda continues; SigV4 leaves that
 * header unsigned, as the AWS SDKs do.
 */
export async function signInvoke(target: InvokeTarget, payload: string, trace?: Trace): Promise<{ url: string; headers: Record<string, string> }> {
  let credentials: Credentials
  try {
    credentials = trace ? await inSpan(trace, 'aws.credentials', () => target.credentials()) : await target.credentials()
  } catch (error) {
    throw new InvokeFailure('credentials', `failed to get credentials: ${(error as Error).message}`, { cause: error })
  }
  // Said here, without quoting the token (a secret), rather than failing at the transport as if the connection had.
  if (credentials.sessionToken && !sendableToken(credentials.sessionToken)) {
    throw new InvokeFailure('credentials', 'failed to get credentials: the session token is not a valid header value')
  }
  const { url, headers, region, signingCrypto, signingKeys } = target
  const signed = await signLambdaRequest({ url, headers, payload, region, credentials, crypto: signingCrypto, keys: signingKeys })
  if (trace) signed['x-amzn-trace-id'] = trace.xrayHeader(trace.active)
  // The signer's headers are this call's own: changed in place rather than copied.
  signed['accept-encoding'] = IDENTITY_ENCODING
  return { url, headers: signed }
}

/** What the Invoke API's answer tells the Lambda call's span. */
export function noteInvokeAnswer(trace: Trace | undefined, response: Response): void {
  if (!trace) return
  const { attributes } = trace.active
  attributes['http.status_code'] = response.status
  const requestId = response.headers.get('x-amzn-requestid')
  if (requestId) attributes['aws.request_id'] = requestId
}

/** `timing`: what the call came to (its failure is the caller's to record). */
export async function invoke(target: InvokeTarget, payload: string, fetch: Fetch, timing: InvokeRecord = {}, trace?: Trace): Promise<InvokeResult> {
  const { url, headers } = await signInvoke(target, payload, trace)
  // A timer cleared when the call ends, not AbortSignal.timeout, whose timer outlives the call
  // by the whole timeout (60 s by default): at thousands of calls a second, that many timers.
  const controller = new AbortController()
  const deadline = setTimeout(() => controller.abort(new DOMException(`no answer within ${target.timeoutMs} ms`, 'TimeoutError')), target.timeoutMs)
  const { signal } = controller
  const started = Date.now()
  try {
    const response = await fetch(url, { method: 'POST', headers, body: payload, signal, redirect: 'manual', wholeBody: true, maxBodyBytes: MAX_ANSWER_BYTES })
    timing.status = response.status
    timing.functionError = response.headers.has('x-amz-function-error')
    noteInvokeAnswer(trace, response)
    refuseRedirect(response)
    return { status: response.status, headers: response.headers, body: await readAnswer(response) }
  } catch (error) {
    throw invokeFailure(error, signal.aborted, target.timeoutMs)
  } finally {
    clearTimeout(deadline)
    timing.lambdaMs = Date.now() - started
  }
}

/** Sent with `redirect: 'manual'`, and refused here, its body dropped: re-sending the payload elsewhere could invoke twice. */
export function refuseRedirect(response: Response): void {
  if (response.status < 300 || response.status >= 400) return
  discardBody(response)
  throw new InvokeFailure('redirect', `Lambda Invoke answered with a redirect, not followed: status code: ${response.status}`)
}

/** A buffered Invoke answer's body, at most MAX_ANSWER_BYTES; a larger or compressed one is an InvokeFailure. */
export async function readAnswer(response: Response): Promise<Bytes> {
  try {
    return await readLimited(response, MAX_ANSWER_BYTES)
  } catch (error) {
    throw error instanceof AnswerRefused ? refused(error) : error
  }
}

function refused(error: AnswerRefused): InvokeFailure {
  return new InvokeFailure('refused', `Lambda Invoke ${error.message}`, { cause: error })
}

/** What an Invoke call's failure is; `timedOut`: its deadline had passed. */
export function invokeFailure(error: unknown, timedOut: boolean, timeoutMs: number): InvokeFailure {
  if (error instanceof InvokeFailure) return error
  if (error instanceof AnswerRefused) return refused(error)
  if (timedOut) return new InvokeFailure('timeout', `Lambda Invoke timed out after ${timeoutMs} ms`, { cause: error })
  return new InvokeFailure('connect', `Lambda Invoke failed: ${describeError(error)}`, { cause: error })
}
