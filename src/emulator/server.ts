// A local AWS Lambda: the Invoke API (docs/aws-protocols.md#lambda-invoke-api) and
// InvokeWithResponseStream on loopback, every request SigV4 checked with aws4fetch
// (docs/aws-protocols.md#verifying-a-signature), running plain Node handlers from a directory in
// this process. This file puts the pieces together: read the request, answer it, send the
// reply, log it.

import { randomUUID } from 'node:crypto'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { resolve as resolvePath } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createLogger, describeError, type LogFields, type Logger } from '../log.ts'
import { serviceError } from './aws-errors.ts'
import { TIMEOUT_MS } from './functions.ts'
import { type Reply, sendReply } from './http-reply.ts'
import { type Listening, listen } from './http-server.ts'
import { captureConsole } from './invocation-log.ts'
import { createInvocationAnswerer, type Handled } from './invocation-types.ts'
import { createRequestReader } from './invoke-request.ts'
import { installAwsLambdaGlobal } from './response-stream.ts'
import { createFunctionRunner, roundMs } from './run-function.ts'

/** Public by design: what the demo gateway config and local clients sign with. */
export const DEMO_CREDENTIALS: Readonly<{ accessKeyId: string; secretAccessKey: string }> = Object.freeze({
  accessKeyId: 'AKIDLAMBDAGATEWAYDEMO',
  secretAccessKey: 'lambda-gateway-demo-secret',
})

// Lambda's own ceiling for a function's timeout (15 minutes).
const MAX_TIMEOUT_MS = 900_000

interface EmulatorOptions {
  functionsDir: string
  port?: number
  host?: string
  /** accessKeyId -> secretAccessKey accepted as signers; default the demo pair */
  credentials?: Record<string, string>
  /** every function's timeout, default 30 s; a handler still running then is answered as Sandbox.Timedout */
  timeoutMs?: number
  /** where the emulator writes its own log lines (JSON), default stderr */
  log?: (line: string) => void
}

export type RunningEmulator = Listening

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const functionsDir = resolvePath(options.functionsDir)
  const isDir = await stat(functionsDir).then(
    (s) => s.isDirectory(),
    () => false,
  )
  if (!isDir) throw new Error(`functions directory not found: ${functionsDir}`)
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS
  if (!(timeoutMs > 0 && timeoutMs <= MAX_TIMEOUT_MS)) throw new RangeError(`timeoutMs must be above 0 and at most ${MAX_TIMEOUT_MS}, not ${timeoutMs}`)
  const credentials: Record<string, string> = { ...(options.credentials ?? { [DEMO_CREDENTIALS.accessKeyId]: DEMO_CREDENTIALS.secretAccessKey }) }
  const logger = createLogger('info', safeSink(options.log ?? ((line: string) => void process.stderr.write(`${line}\n`))))
  // Streaming functions call awslambda.streamifyResponse while their module loads.
  installAwsLambdaGlobal()
  const readRequest = createRequestReader(functionsDir, credentials)
  const answer = createInvocationAnswerer(createFunctionRunner(logger, timeoutMs), logger)

  const listener = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => {
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
    const finish = (reply: Reply) => sendReply(req, res, requestId, bodyComing ? reply : { ...reply, headers: { ...reply.headers, Connection: 'close' } })
    readRequest(req, continueBody)
      .then((read): Handled | Promise<Handled> => ('reply' in read ? read : answer(read.request, requestId, read.fields)))
      .then(
        async (handled) => {
          if ('stream' in handled) {
            const fields = await handled.stream(res)
            logInvoke(logger, { requestId, ...fields, durationMs: roundMs(performance.now() - started) })
            return
          }
          const { reply, fields, after } = handled
          finish(reply)
          logInvoke(logger, { requestId, ...fields, status: reply.status, durationMs: roundMs(performance.now() - started) })
          after?.()
        },
        (error: unknown) => {
          finish(serviceError())
          logger.error('invoke', { requestId, status: 500, error: describeError(error) })
        },
      )
  }

  const listening = await listen(listener, options.port ?? 0, options.host ?? '127.0.0.1')
  const releaseConsole = captureConsole()
  let closing: Promise<void> | undefined
  return {
    url: listening.url,
    port: listening.port,
    close: () => {
      releaseConsole()
      closing ??= listening.close()
      return closing
    },
  }
}

/** A failing log sink must not fail the request. */
function safeSink(sink: (line: string) => void): (line: string) => void {
  return (line) => {
    try {
      sink(line)
    } catch {
      // dropped
    }
  }
}

function logInvoke(logger: Logger, fields: LogFields): void {
  if (typeof fields.status === 'number' && fields.status >= 500) logger.error('invoke', fields)
  else logger.info('invoke', fields)
}
