// A local AWS Lambda: the Invoke API (credentials.md §10) on loopback, every request SigV4
// checked with aws4fetch (§8.5), running plain Node handlers from a directory in this process.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { Buffer } from 'node:buffer'
import { randomUUID } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { resolve as resolvePath } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createLogger, describeError, type LogFields, type Logger } from '../log.ts'
import {
  DEFAULT_ACCOUNT,
  MEMORY_MB,
  TIMEOUT_MS,
  createLoader,
  findFunctionFile,
  isQualifier,
  parseFunctionName,
  runHandler,
  toFunctionError,
  type LambdaContext,
  type Outcome,
} from './functions.ts'
import { InvocationLog, captureConsole, runWithLog } from './invocation-log.ts'
import { checkCredentials, createVerifier, type AuthFailure, type ReceivedHeaders } from './sigv4.ts'

/** Public by design: what the demo gateway config and local clients sign with. */
export const DEMO_CREDENTIALS: Readonly<{ accessKeyId: string; secretAccessKey: string }> = Object.freeze({
  accessKeyId: 'AKIDLAMBDAGATEWAYDEMO',
  secretAccessKey: 'lambda-gateway-demo-secret',
})

export interface EmulatorOptions {
  functionsDir: string
  port?: number
  host?: string
  /** accessKeyId -> secretAccessKey accepted as signers; default the demo pair */
  credentials?: Record<string, string>
  /** where the emulator writes its own log lines (JSON), default stderr */
  log?: (line: string) => void
}

export interface RunningEmulator {
  url: string
  port: number
  close(): Promise<void>
}

const SYNC_LIMIT = 6291456
const EVENT_LIMIT = 1048576
// What AWS names as the response ceiling (6 MiB + 100 bytes).
const RESPONSE_LIMIT = 6291556
// Past an early answer, the rest of a body is read and dropped up to this much; then the connection goes.
const DRAIN_CAP = 16 * 1024 * 1024
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/
const INVOCATION_TYPES = new Set(['RequestResponse', 'Event', 'DryRun'])
const VERSION = '$LATEST'
const NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?'

interface Reply {
  status: number
  headers: Record<string, string>
  body?: string
}

interface Handled {
  reply: Reply
  fields: LogFields
  /** work that runs once the answer is sent (Event invocations) */
  after?: () => void
}

interface Target {
  name: string
  file: string
  invokedFunctionArn: string
}

interface Invocation {
  outcome: Outcome
  /** the JSON body for a synchronous answer */
  payload: string
  log: InvocationLog
  durationMs: number
}

const json = (status: number, value: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(value),
})

/** AWS's error shape: the code in x-amzn-ErrorType; the message key's case differs per error (§10.3). */
function apiError(status: number, type: string, body: Record<string, string>): Reply {
  return json(status, body, { 'x-amzn-ErrorType': type })
}

const userError = (status: number, type: string, message: string) => apiError(status, type, { Type: 'User', message })
const authError = ({ status, type, message }: AuthFailure) => apiError(status, type, { message })

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const functionsDir = resolvePath(options.functionsDir)
  const isDir = await stat(functionsDir).then((s) => s.isDirectory(), () => false)
  if (!isDir) throw new Error(`functions directory not found: ${functionsDir}`)
  const credentials: Record<string, string> = { ...(options.credentials ?? { [DEMO_CREDENTIALS.accessKeyId]: DEMO_CREDENTIALS.secretAccessKey }) }
  const sink = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`))
  const write = (line: string) => {
    try {
      sink(line)
    } catch {
      // a failing log sink must not fail the request
    }
  }
  const logger = createLogger('info', write)
  const verify = createVerifier()
  const load = createLoader()
  const logStreams = new Map<string, string>()

  const logStreamName = (name: string): string => {
    let stream = logStreams.get(name)
    if (stream === undefined) {
      const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/')
      stream = `${day}/[${VERSION}]${randomUUID().replace(/-/g, '')}`
      logStreams.set(name, stream)
    }
    return stream
  }

  async function invoke(target: Target, event: unknown, requestId: string, clientContext: unknown): Promise<Invocation> {
    const log = new InvocationLog(requestId, (level, text) =>
      logger.info('function output', { function: target.name, requestId, functionLevel: level, text }),
    )
    const started = performance.now()
    const deadline = Date.now() + TIMEOUT_MS
    const context: LambdaContext = {
      functionName: target.name,
      functionVersion: VERSION,
      invokedFunctionArn: target.invokedFunctionArn,
      memoryLimitInMB: String(MEMORY_MB),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${target.name}`,
      logStreamName: logStreamName(target.name),
      clientContext,
      identity: undefined,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    }
    log.raw(`START RequestId: ${requestId} Version: ${VERSION}`)
    let outcome = await runWithLog(log, async (): Promise<Outcome> => {
      const loaded = await load(target.file)
      return 'error' in loaded ? { error: loaded.error } : runHandler(loaded.handler, event, context, deadline)
    })
    let payload = ''
    if ('result' in outcome) {
      try {
        payload = JSON.stringify(outcome.result) ?? 'null'
        if (Buffer.byteLength(payload) > RESPONSE_LIMIT) {
          outcome = {
            error: {
              errorType: 'Function.ResponseSizeTooLarge',
              errorMessage: `Response payload size exceeded maximum allowed payload size (${RESPONSE_LIMIT} bytes).`,
            },
          }
        }
      } catch (error) {
        outcome = { error: toFunctionError(error) }
      }
    }
    if ('error' in outcome) {
      payload = JSON.stringify(outcome.error)
      if (outcome.timedOut) log.raw(`${new Date().toISOString()} ${requestId} Task timed out after ${(TIMEOUT_MS / 1000).toFixed(2)} seconds`)
      else log.write('ERROR', `Invoke Error \t${payload}`)
    }
    const durationMs = performance.now() - started
    log.raw(`END RequestId: ${requestId}`)
    log.raw(
      `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(durationMs))} ms\t` +
        `Memory Size: ${MEMORY_MB} MB\tMax Memory Used: ${Math.round(process.memoryUsage.rss() / 1048576)} MB`,
    )
    log.close()
    return { outcome, payload, log, durationMs: round(durationMs) }
  }

  /** `continueBody` sends 100 Continue to a client that waits for it before sending the body. */
  async function handle(req: IncomingMessage, requestId: string, continueBody: () => void): Promise<Handled> {
    const target = req.url ?? '/'
    const queryStart = target.indexOf('?')
    const rawPath = queryStart === -1 ? target : target.slice(0, queryStart)
    const match = req.method === 'POST' ? INVOKE_PATH.exec(rawPath) : null
    if (match === null) {
      return { reply: userError(404, 'UnknownOperationException', 'Unknown operation'), fields: { method: req.method, path: rawPath } }
    }

    const headers = collectHeaders(req)
    const authenticated = checkCredentials(headers, credentials, Date.now())
    if ('status' in authenticated) return { reply: authError(authenticated), fields: { errorType: authenticated.type } }
    const { auth } = authenticated
    const fields: LogFields = { accessKeyId: auth.accessKeyId, region: auth.region }

    const invocationType = headers['x-amz-invocation-type'] ?? 'RequestResponse'
    fields.type = invocationType
    const limit = invocationType === 'Event' ? EVENT_LIMIT : SYNC_LIMIT
    if (!(Number(req.headers['content-length']) > limit)) continueBody()
    const read = await readBody(req, limit)
    if ('tooLarge' in read) {
      const message =
        invocationType === 'Event'
          ? `${read.tooLarge} byte payload is too large for the Event invocation type (limit ${EVENT_LIMIT} bytes)`
          : `Request must be smaller than ${SYNC_LIMIT} bytes for the InvokeFunction operation`
      return { reply: apiError(413, 'RequestEntityTooLargeException', { message }), fields: { ...fields, bytes: read.tooLarge } }
    }
    const failure = await verify({ method: req.method ?? 'POST', target, headers, body: read.body }, authenticated)
    if (failure !== null) return { reply: authError(failure), fields: { ...fields, errorType: failure.type } }

    if (!INVOCATION_TYPES.has(invocationType)) {
      const message = `1 validation error detected: Value '${invocationType}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`
      return { reply: userError(400, 'InvalidParameterValueException', message), fields }
    }
    const logType = headers['x-amz-log-type'] ?? 'None'
    if (logType !== 'None' && logType !== 'Tail') {
      const message = `1 validation error detected: Value '${logType}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [None, Tail]`
      return { reply: userError(400, 'InvalidParameterValueException', message), fields }
    }

    let functionName: string | null
    try {
      functionName = decodeURIComponent(match[1])
    } catch {
      functionName = null
    }
    const ref = functionName === null ? null : parseFunctionName(functionName)
    fields.function = functionName ?? match[1]
    if (ref === null) {
      const message = `1 validation error detected: Value '${functionName ?? match[1]}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${NAME_PATTERN}`
      return { reply: apiError(400, 'ValidationException', { message }), fields }
    }
    fields.function = ref.name
    const queryQualifier = new URLSearchParams(queryStart === -1 ? '' : target.slice(queryStart + 1)).get('Qualifier') || null
    if (queryQualifier !== null && !isQualifier(queryQualifier)) {
      const message = `Invalid qualifier '${queryQualifier}': use $LATEST or a version or alias name ([A-Za-z0-9_-]+, at most 128 characters).`
      return { reply: userError(400, 'InvalidParameterValueException', message), fields }
    }
    if (queryQualifier !== null && ref.qualifier !== null && queryQualifier !== ref.qualifier) {
      const message = 'The derived qualifier from the function name does not match the specified qualifier.'
      return { reply: userError(400, 'InvalidParameterValueException', message), fields }
    }
    const qualifier = queryQualifier ?? ref.qualifier
    const functionArn = `arn:aws:lambda:${ref.region ?? auth.region}:${ref.account ?? DEFAULT_ACCOUNT}:function:${ref.name}`
    const invokedFunctionArn = qualifier === null ? functionArn : `${functionArn}:${qualifier}`
    const file = await findFunctionFile(functionsDir, ref.name)
    if (file === null) {
      return {
        reply: apiError(404, 'ResourceNotFoundException', { Type: 'User', Message: `Function not found: ${invokedFunctionArn}` }),
        fields,
      }
    }

    let clientContext: unknown
    const rawContext = headers['x-amz-client-context']
    if (rawContext !== undefined && invocationType === 'RequestResponse') {
      clientContext = decodeClientContext(rawContext)
      if (clientContext === undefined) {
        return { reply: userError(400, 'InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.'), fields }
      }
    }

    let event: unknown
    try {
      event = read.body.length === 0 ? {} : JSON.parse(read.body.toString('utf8'))
    } catch (error) {
      const message = `Could not parse request body into json: ${toFunctionError(error).errorMessage}`
      return { reply: userError(400, 'InvalidRequestContentException', message), fields }
    }

    const invocationHeaders = { 'x-amzn-RequestId': requestId, 'X-Amz-Executed-Version': VERSION }
    const fn = { name: ref.name, file, invokedFunctionArn }
    if (invocationType === 'DryRun') return { reply: { status: 204, headers: invocationHeaders }, fields }
    if (invocationType === 'Event') {
      // Runs once the 202 is on its way; the outcome only reaches the log.
      const runEvent = async () => {
        try {
          const { outcome, durationMs } = await invoke(fn, event, requestId, undefined)
          if ('error' in outcome) logger.warn('event failed', { function: ref.name, requestId, durationMs, error: outcome.error })
          else logger.info('event done', { function: ref.name, requestId, durationMs })
        } catch (error) {
          logger.error('event failed', { function: ref.name, requestId, error: describeError(error) })
        }
      }
      const after = () => void setImmediate(runEvent)
      return { reply: { status: 202, headers: invocationHeaders }, fields, after }
    }

    const { outcome, payload, log } = await invoke(fn, event, requestId, clientContext)
    const replyHeaders: Record<string, string> = { 'Content-Type': 'application/json', ...invocationHeaders }
    if ('error' in outcome) replyHeaders['X-Amz-Function-Error'] = 'Unhandled'
    if (logType === 'Tail') replyHeaders['X-Amz-Log-Result'] = log.tail()
    const functionError = 'error' in outcome ? outcome.error.errorType : undefined
    return { reply: { status: 200, headers: replyHeaders, body: payload }, fields: { ...fields, functionError } }
  }

  const listener = (req: IncomingMessage, res: ServerResponse, expectsContinue = false) => {
    // An aborted request or a reset socket must never take the process down.
    req.on('error', () => {})
    res.on('error', () => {})
    const requestId = randomUUID()
    const started = performance.now()
    let bodyComing = !expectsContinue
    const continueBody = () => {
      if (bodyComing) return
      bodyComing = true
      res.writeContinue()
    }
    // Refused before its body was asked for, the body never comes: the connection cannot be reused.
    const finish = (reply: Reply) => send(req, res, requestId, bodyComing ? reply : { ...reply, headers: { ...reply.headers, Connection: 'close' } })
    handle(req, requestId, continueBody).then(
      ({ reply, fields, after }) => {
        finish(reply)
        logLine(logger, 'invoke', { requestId, ...fields, status: reply.status, durationMs: round(performance.now() - started) })
        after?.()
      },
      (error: unknown) => {
        finish(apiError(500, 'ServiceException', { Type: 'Service', Message: 'An internal error occurred in the emulator.' }))
        logger.error('invoke', { requestId, status: 500, error: describeError(error) })
      },
    )
  }

  const server = createServer((req, res) => listener(req, res))
  // Answer a too-large or unauthenticated Expect: 100-continue request without taking its body.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => listener(req, res, true))
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('clientError', (_error, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    else socket.destroy()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  if (address === null || typeof address === 'string') {
    server.close()
    throw new Error('lambda emulator: no TCP address')
  }
  const releaseConsole = captureConsole()
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  let closing: Promise<void> | undefined
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        releaseConsole()
        server.close(() => resolve())
        // Keep-alive sockets would otherwise hold close() open until they idle out.
        server.closeAllConnections()
        for (const socket of sockets) socket.destroy()
      })),
  }
}

function logLine(logger: Logger, message: string, fields: LogFields): void {
  if (typeof fields.status === 'number' && fields.status >= 500) logger.error(message, fields)
  else logger.info(message, fields)
}

const round = (ms: number) => Math.round(ms * 100) / 100

/** Base64 of a JSON object (X-Amz-Client-Context); undefined when it is not one. */
function decodeClientContext(value: string): unknown {
  if (value.length > 3583 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64').toString('utf8'))
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : undefined
  } catch {
    return undefined
  }
}

/** Lower-case names, values as received; repeated headers joined with "," as SigV4 does. */
function collectHeaders(req: IncomingMessage): ReceivedHeaders {
  const headers: ReceivedHeaders = {}
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase()
    const value = req.rawHeaders[i + 1]
    headers[name] = Object.hasOwn(headers, name) ? `${headers[name]},${value}` : value
  }
  return headers
}

type BodyRead = { body: Buffer } | { tooLarge: number }

/** Reads at most `limit` bytes: refused on Content-Length before reading, or as soon as the count passes it. */
function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length'])
  if (declared > limit) return Promise.resolve({ tooLarge: declared })
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const stop = () => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('close', onClose)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) {
        chunks.push(chunk)
        return
      }
      stop()
      chunks.length = 0
      resolve({ tooLarge: size })
    }
    const onEnd = () => {
      stop()
      resolve({ body: Buffer.concat(chunks, size) })
    }
    const onError = (error: Error) => {
      stop()
      reject(error)
    }
    const onClose = () => {
      stop()
      reject(new Error('request closed before its body was read'))
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('close', onClose)
  })
}

function send(req: IncomingMessage, res: ServerResponse, requestId: string, reply: Reply): void {
  if (res.headersSent || res.destroyed) return
  const unread = !req.complete
  // An early answer (403, 413) leaves a body on the wire: drop it unless there is too much of it.
  const declared = Number(req.headers['content-length'])
  const closing = unread && (declared > DRAIN_CAP || reply.headers.Connection === 'close')
  if (closing) res.setHeader('Connection', 'close')
  res.setHeader('x-amzn-RequestId', requestId)
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value)
  res.statusCode = reply.status
  const body = reply.body === undefined ? undefined : Buffer.from(reply.body, 'utf8')
  if (body !== undefined) res.setHeader('Content-Length', String(body.length))
  res.end(body)
  if (unread && !closing) {
    let discarded = 0
    req.on('data', (chunk: Buffer) => {
      discarded += chunk.length
      if (discarded > DRAIN_CAP) req.socket.destroy()
    })
    req.resume()
  }
}
