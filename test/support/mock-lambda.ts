// Mock of the AWS Lambda Invoke API (POST /2015-03-31/functions/{name}/invocations, and
// InvokeWithResponseStream: mock-streaming-functions.ts)
// on loopback. It verifies SigV4 with @smithy/signature-v4 so that the gateway's
// signer (aws4fetch) is checked against an independent implementation.

import { Buffer } from 'node:buffer'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { Socket } from 'node:net'
import { gzipSync } from 'node:zlib'
import { invokeLimitsReply } from './mock-invoke-limits.ts'
import { otelEchoReply, otlpCollector } from './mock-otel.ts'
import { STREAM_PATH, streamControl, streamingReply } from './mock-streaming-functions.ts'
import { parseAmzDate, parseAuthorization, parseQuery, type Query, signatureMatches } from './sigv4-verifier.ts'

export interface MockLambdaOptions {
  /** accessKeyId -> secretAccessKey; may be shared with a mock STS, IMDS or container endpoint that adds the keys it issues. */
  credentials?: Record<string, string>
  /** accessKeyId -> the session token that must come with it (temporary credentials). */
  sessionTokens?: Record<string, string>
  /** Serve HTTPS with this certificate (test/support/tls). */
  tls?: { key: string | Buffer; cert: string | Buffer }
  /** false: only count invocations (load tests, where thousands of records would blur memory measurements). */
  keepInvocations?: boolean
}

export interface RecordedInvocation {
  method: string
  rawPath: string
  /** percent-decoded path segment */
  functionName: string
  qualifier: string | null
  /** lower-case names */
  headers: Record<string, string>
  body: string
  signatureValid: boolean
  signedHeaders: string[]
  accessKeyId: string | null
  region: string | null
  /** Whether it came over TLS. */
  secure: boolean
}

export interface MockLambda {
  /** http://127.0.0.1:PORT */
  url: string
  port: number
  invocations: RecordedInvocation[]
  /** Every Invoke request received, kept in `invocations` or not. */
  invocationCount(): number
  close(): Promise<void>
}

/** The keys the gateway configs in these tests sign with (config keys and TEST_ENV). */
export const MOCK_CREDENTIALS: Readonly<Record<string, string>> = { 'mock-key': 'mock-secret', AKIDENV: 'env-secret' }
const REQUEST_ID = 'foo'
const SECRET_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:secretFunctionName'
const TAIL_LOG = 'START RequestId: foo\nsecret-log-line\nEND RequestId: foo\n'
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000
const SLOW_DELAY_MS = 400
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/

interface Reply {
  status: number
  headers?: Record<string, string>
  body?: string | Buffer
  /**
   * How the answer misbehaves on the wire: `hang` never answers (until close), `reset` destroys
   * the connection without a byte, `truncate` sends the head and half the body, then destroys it,
   * `stall` sends the head and half the body, then nothing (until close).
   */
  fault?: 'hang' | 'reset' | 'truncate' | 'stall'
  /** Writes the body as it goes (InvokeWithResponseStream). */
  stream?: (res: ServerResponse) => void
}

const jsonReply = (status: number, value: unknown, headers: Record<string, string> = {}, fault?: Reply['fault']): Reply => ({
  status,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(value),
  ...(fault ? { fault } : {}),
})

const INVALID_SIGNATURE: Reply = jsonReply(
  403,
  {
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  },
  { 'x-amzn-ErrorType': 'InvalidSignatureException' },
)
const MISSING_TOKEN: Reply = jsonReply(403, { message: 'Missing Authentication Token' }, { 'x-amzn-ErrorType': 'MissingAuthenticationTokenException' })
const UNRECOGNIZED_CLIENT: Reply = jsonReply(
  403,
  { Type: 'User', message: 'The security token included in the request is invalid.' },
  { 'x-amzn-ErrorType': 'UnrecognizedClientException' },
)
const UNKNOWN_OPERATION: Reply = jsonReply(404, { Type: 'User', message: 'Unknown operation' }, { 'x-amzn-ErrorType': 'UnknownOperationException' })

export async function startMockLambda(options: MockLambdaOptions = {}): Promise<MockLambda> {
  const credentials = options.credentials ?? { ...MOCK_CREDENTIALS }
  const sessionTokens = options.sessionTokens ?? {}
  const invocations: RecordedInvocation[] = []
  let count = 0
  const record = (invocation: RecordedInvocation) => {
    count++
    if (options.keepInvocations !== false) invocations.push(invocation)
  }
  const sockets = new Set<Socket>()
  const timers = new Set<ReturnType<typeof setTimeout>>()

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timer.unref?.()
      timers.add(timer)
    })

  const collector = otlpCollector()
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(req, { credentials, sessionTokens, collector }, invocations, record, delay).then(
      (reply) => sendReply(res, reply),
      (error: unknown) => sendReply(res, jsonReply(500, { message: String(error) })),
    )
  }
  const server: Server = options.tls ? createTlsServer(options.tls, listener) : createServer(listener)
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('mock lambda: no TCP address')
  const port = address.port

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    invocations,
    invocationCount: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer)
        timers.clear()
        server.close(() => resolve())
        // Keep-alive sockets would otherwise hold close() open until they idle out.
        server.closeAllConnections?.()
        for (const socket of sockets) socket.destroy()
      }),
  }
}

async function handleRequest(
  req: IncomingMessage,
  {
    credentials,
    sessionTokens,
    collector,
  }: { credentials: Record<string, string>; sessionTokens: Record<string, string>; collector: ReturnType<typeof otlpCollector> },
  invocations: RecordedInvocation[],
  record: (invocation: RecordedInvocation) => void,
  delay: (ms: number) => Promise<void>,
): Promise<Reply> {
  const body = await readBody(req)
  const rawUrl = req.url ?? '/'
  // Lets tests that run elsewhere (inside workerd) see what reached the function.
  if (req.method === 'GET' && rawUrl === '/__invocations') return jsonReply(200, invocations)
  // Every secret and session token it accepts (issued ones included): what a log line must never hold.
  if (req.method === 'GET' && rawUrl === '/__credentials') return jsonReply(200, { secrets: credentials, sessionTokens })
  // The OTLP collector stand-in (test/support/mock-otel.ts).
  const otlp = collector.reply(req.method, rawUrl, collectHeaders(req), body)
  if (otlp) return otlp
  const control = streamControl(req.method, rawUrl)
  if (control) return { ...(await control), headers: { 'Content-Type': 'application/json' } }
  const queryStart = rawUrl.indexOf('?')
  const rawPath = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart)
  const rawQuery = queryStart === -1 ? '' : rawUrl.slice(queryStart + 1)

  const match = req.method === 'POST' ? (INVOKE_PATH.exec(rawPath) ?? STREAM_PATH.exec(rawPath)) : null
  const functionName = match ? safeDecode(match[1]) : null
  if (functionName === null) return UNKNOWN_OPERATION

  const headers = collectHeaders(req)
  const query = parseQuery(rawQuery)
  const qualifier = firstValue(query.Qualifier)
  const auth = parseAuthorization(headers.authorization)
  const invocation: RecordedInvocation = {
    method: req.method ?? 'POST',
    rawPath,
    functionName,
    qualifier,
    headers,
    body: body.toString('utf8'),
    signatureValid: false,
    signedHeaders: auth?.signedHeaders ?? [],
    accessKeyId: auth?.accessKeyId ?? null,
    region: auth?.region ?? null,
    secure: 'encrypted' in req.socket,
  }
  record(invocation)

  if (auth === null) return MISSING_TOKEN
  const secret = Object.hasOwn(credentials, auth.accessKeyId) ? credentials[auth.accessKeyId] : undefined
  if (secret === undefined) return UNRECOGNIZED_CLIENT
  const token = Object.hasOwn(sessionTokens, auth.accessKeyId) ? sessionTokens[auth.accessKeyId] : undefined
  if (token !== undefined && headers['x-amz-security-token'] !== token) return UNRECOGNIZED_CLIENT
  const signingDate = parseAmzDate(headers['x-amz-date'])
  if (signingDate === null || Math.abs(Date.now() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) return INVALID_SIGNATURE
  const valid = await signatureMatches({ service: 'lambda', method: invocation.method, rawPath, query, headers, body, auth, secret, signingDate })
  if (!valid) return INVALID_SIGNATURE
  invocation.signatureValid = true

  const streamed = STREAM_PATH.test(rawPath) ? streamingReply(functionName, body) : undefined
  const reply = streamed ?? (await invokeFunction(functionName, headers, { method: invocation.method, rawPath, query, body, secure: invocation.secure }, delay))
  reply.headers = { ...commonHeaders(headers), ...reply.headers }
  return reply
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment)
  } catch {
    return null
  }
}

/** Headers as received (rawHeaders keeps exact values); repeated headers joined with "," as SigV4 does. */
function collectHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {}
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase()
    const value = req.rawHeaders[i + 1]
    headers[name] = name in headers ? `${headers[name]},${value}` : value
  }
  return headers
}

function firstValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null
  return Array.isArray(value) ? value[0] : value
}

function commonHeaders(requestHeaders: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {
    'x-amzn-RequestId': REQUEST_ID,
    'X-Amz-Executed-Version': '$LATEST',
  }
  if (requestHeaders['x-amz-log-type'] === 'Tail') {
    headers['X-Amz-Log-Result'] = Buffer.from(TAIL_LOG, 'utf8').toString('base64')
  }
  return headers
}

interface EchoSource {
  method: string
  rawPath: string
  query: Query
  body: Buffer
  secure: boolean
}

async function invokeFunction(name: string, headers: Record<string, string>, request: EchoSource, delay: (ms: number) => Promise<void>): Promise<Reply> {
  if (name.includes('functionSlow')) await delay(SLOW_DELAY_MS)
  // Network faults, after the invocation was recorded: the function may have run.
  if (name.includes('functionHang')) return { status: 200, fault: 'hang' }
  if (name.includes('functionReset')) return { status: 200, fault: 'reset' }
  if (name.includes('functionTruncated')) return jsonReply(200, { padding: 'x'.repeat(64 * 1024) }, {}, 'truncate')

  const unhandled = name.includes('functionWithUnhandledError')
  const errorHeaders: Record<string, string> = unhandled ? { 'X-Amz-Function-Error': 'Unhandled' } : {}
  const invocationType = headers['x-amz-invocation-type'] ?? 'RequestResponse'
  if (invocationType === 'Event') return { status: 202, headers: errorHeaders }
  if (invocationType === 'DryRun') return { status: 204, headers: errorHeaders }
  if (unhandled) {
    return jsonReply(200, { errorMessage: 'boom', errorType: 'Error', stackTrace: ['at handler'] }, errorHeaders)
  }

  const apiError = /apiError(\d{3})/.exec(name)
  if (apiError) return { ...apiErrorReply(Number(apiError[1])), ...(name.includes('Stalled') ? { fault: 'stall' as const } : {}) }

  return invokeLimitsReply(name, request.body) ?? functionReply(name, headers, request)
}

function apiErrorReply(status: number): Reply {
  const errors: Record<number, [type: string, text: string]> = {
    403: ['AccessDeniedException', 'User is not authorized to perform: lambda:InvokeFunction on resource:'],
    404: ['ResourceNotFoundException', 'Function not found:'],
    413: ['RequestTooLargeException', 'Request must be smaller than 6291456 bytes for the InvokeFunction operation on'],
    429: ['TooManyRequestsException', 'Rate exceeded for function'],
    500: ['ServiceException', 'An internal error occurred while invoking'],
    502: ['EC2UnexpectedException', 'Lambda received an unexpected EC2 client exception while setting up for'],
    503: ['ServiceUnavailableException', 'The service is unavailable, retry later, for'],
  }
  const [errorType, text] = errors[status] ?? ['ServiceException', 'An error occurred while invoking']
  // AWS's auth layer answers 403 with a lower-case "message" key.
  const messageKey = status === 403 ? 'message' : 'Message'
  const headers: Record<string, string> = { 'x-amzn-ErrorType': errorType }
  if (status === 429) headers['Retry-After'] = '1'
  return jsonReply(status, { Type: status < 500 ? 'User' : 'Service', [messageKey]: `${text} ${SECRET_ARN}` }, headers)
}

const JSON_CT = { 'Content-Type': 'application/json' }

function functionReply(name: string, headers: Record<string, string>, request: EchoSource): Reply {
  if (name.includes('functionOtelEcho')) return jsonReply(200, otelEchoReply(headers, request.body))
  if (name.includes('functionWithBadJSON')) return { status: 200, headers: JSON_CT, body: '{"foo":"bar"\n' }
  if (name.includes('functionWithNoResponse')) return { status: 200, headers: { 'Content-Length': '0' } }
  if (name.includes('functionWithBase64EncodedResponse')) {
    return jsonReply(200, { statusCode: 200, body: 'dGVzdA==', isBase64Encoded: true })
  }
  if (name.includes('functionWithNotBase64EncodedResponse')) {
    return jsonReply(200, { statusCode: 200, body: 'dGVzdA=', isBase64Encoded: false })
  }
  if (name.includes('functionWithIllegalBase64EncodedResponse')) {
    return { status: 200, body: JSON.stringify({ statusCode: 200, body: 'dGVzdA=', isBase64Encoded: 'abc' }) }
  }
  if (name.includes('functionWithMultiValueHeadersResponse')) {
    return jsonReply(200, {
      statusCode: 200,
      headers: { Age: '3600' },
      multiValueHeaders: { 'Access-Control-Allow-Origin': ['site1.com', 'site2.com'] },
    })
  }
  if (name.includes('functionEcho')) {
    return jsonReply(200, {
      method: request.method,
      path: request.rawPath,
      query: request.query,
      headers,
      body: request.body.toString('utf8'),
      scheme: request.secure ? 'https' : 'http',
    })
  }
  if (name.includes('functionWithTransferEncodingHeader')) {
    return {
      status: 200,
      body: JSON.stringify({ statusCode: 200, headers: { 'Transfer-Encoding': 'chunked', 'transfer-encoding': 'chunked' } }),
    }
  }
  if (name.includes('functionWithEmptyArray')) {
    return jsonReply(200, { statusCode: 200, testbody: [], isBase64Encoded: false })
  }
  if (name.includes('functionWithArrayCTypeInMVHAndEmptyArray')) {
    return jsonReply(200, {
      statusCode: 200,
      isBase64Encoded: true,
      body: Buffer.from('{"key": "value", "key2": []}', 'utf8').toString('base64'),
      headers: {},
      multiValueHeaders: { 'Content-Type': ['application/json+test'] },
    })
  }
  if (name.includes('functionWithString')) return jsonReply(200, 'hello')
  if (name.includes('functionWithNumber')) return jsonReply(200, 42)
  if (name.includes('functionWithNull')) return jsonReply(200, null)
  if (name.includes('functionBinaryEcho')) {
    // An API Gateway event's body back as the response body, byte for byte.
    const event = JSON.parse(request.body.toString('utf8'))
    return jsonReply(200, {
      statusCode: 200,
      headers: { 'Content-Type': 'application/octet-stream' },
      body: event.body ?? '',
      isBase64Encoded: event.isBase64Encoded,
    })
  }
  if (name.includes('functionWithCookies')) {
    return jsonReply(200, {
      statusCode: 201,
      headers: { 'X-Version': '2.0' },
      cookies: ['session=abc; Path=/; HttpOnly', 'theme=dark'],
      body: 'with cookies',
    })
  }
  if (name.includes('functionHeadersNull')) {
    // What aws-lambda-go's response types send when no header is set.
    return jsonReply(200, { statusCode: 200, headers: null, multiValueHeaders: null, body: 'no headers', isBase64Encoded: false })
  }
  if (name.includes('functionReplyFromBody')) {
    // Answers the client's request body (an API Gateway event's text body) as its result: the
    // test chooses the proxy response, header bytes included.
    return { status: 200, headers: JSON_CT, body: String(JSON.parse(request.body.toString('utf8')).body) }
  }
  if (name.includes('functionWithCrlfHeader')) {
    return jsonReply(200, { statusCode: 200, headers: { 'X-Evil': 'a\r\nSet-Cookie: pwned=1' }, body: 'injected?' })
  }
  if (name.includes('functionRedirect')) {
    // The Invoke API never redirects; a gateway that followed this would invoke twice.
    return { status: 307, headers: { Location: `/2015-03-31/functions/${encodeURIComponent(name)}/invocations` } }
  }
  if (name.includes('functionGzipped')) {
    return { status: 200, headers: { ...JSON_CT, 'Content-Encoding': 'gzip' }, body: gzipSync('{"compressed":true}') }
  }
  if (name.includes('functionResponseTooLarge')) {
    // What Lambda itself answers when a function's result is over the limit.
    return jsonReply(
      200,
      { errorType: 'Function.ResponseSizeTooLarge', errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).' },
      { 'X-Amz-Function-Error': 'Unhandled' },
    )
  }
  if (name.includes('functionWithHopByHop')) {
    return jsonReply(200, { ok: true }, { 'Keep-Alive': 'timeout=5', Upgrade: 'h2c', 'Proxy-Connection': 'keep-alive' })
  }
  // Default function: echo the raw request body plus a newline, no content type.
  return { status: 200, body: Buffer.concat([request.body, Buffer.from('\n')]) }
}

function sendReply(res: ServerResponse, reply: Reply): void {
  if (reply.fault === 'hang') return // close() destroys the socket
  if (reply.fault === 'reset') {
    res.socket?.destroy()
    return
  }
  const headers = { 'x-amzn-RequestId': REQUEST_ID, ...reply.headers }
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
  res.statusCode = reply.status
  if (reply.stream) {
    reply.stream(res)
    return
  }
  if (reply.body === undefined) {
    res.end()
    return
  }
  const bytes = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body
  res.setHeader('Content-Length', String(bytes.length))
  if (reply.fault === 'truncate' || reply.fault === 'stall') {
    // The head and half the declared body are flushed; then the connection goes, or stays silent.
    res.write(bytes.subarray(0, bytes.length >> 1), () => reply.fault === 'truncate' && res.socket?.destroy())
    return
  }
  res.end(bytes)
}
