// One run of a function as Lambda reports it: the runtime's context object, START/END/REPORT
// around the handler's own log lines, the timeout, and the result as the JSON the caller gets.

import { Buffer } from 'node:buffer'
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { Logger } from '../log.ts'
import { createLoader, type FunctionError, type LambdaContext, MEMORY_MB, runHandler, runtimeError, timedOutMessage } from './functions.ts'
import { InvocationLog, runWithLog } from './invocation-log.ts'
import type { Target } from './invoke-request.ts'

export const VERSION = '$LATEST'
// What AWS names as the response ceiling (6 MiB + 100 bytes).
const RESPONSE_LIMIT = 6291556

export interface Invocation {
  /** the JSON body for a synchronous answer: the result, or the function error */
  payload: string
  error?: FunctionError
  log: InvocationLog
  durationMs: number
}

export type RunFunction = (target: Target, event: unknown, requestId: string, clientContext: unknown) => Promise<Invocation>

export const roundMs = (ms: number): number => Math.round(ms * 100) / 100

export function createFunctionRunner(logger: Logger, timeoutMs: number): RunFunction {
  const load = createLoader()
  const logStreams = new Map<string, string>()

  // One stream per function for the emulator's life, named as Lambda names a sandbox's.
  const logStreamName = (name: string): string => {
    let stream = logStreams.get(name)
    if (stream === undefined) {
      const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/')
      stream = `${day}/[${VERSION}]${randomUUID().replace(/-/g, '')}`
      logStreams.set(name, stream)
    }
    return stream
  }

  return async (target, event, requestId, clientContext) => {
    const log = new InvocationLog(requestId, (level, text) => logger.info('function output', { function: target.name, requestId, functionLevel: level, text }))
    const started = performance.now()
    const deadline = Date.now() + timeoutMs
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
    const outcome = await runWithLog(log, async () => {
      const loaded = await load(target.file)
      return 'error' in loaded ? { error: loaded.error } : runHandler(loaded.handler, event, context, deadline, timeoutMs)
    })
    const sent = 'result' in outcome ? encodeResult(outcome.result) : outcome
    let payload: string
    if ('payload' in sent) {
      payload = sent.payload
    } else {
      payload = JSON.stringify(sent.error)
      if ('timedOut' in sent) log.raw(`${new Date().toISOString()} ${requestId} ${timedOutMessage(timeoutMs)}`)
      else log.write('ERROR', `Invoke Error \t${payload}`)
    }
    const durationMs = performance.now() - started
    log.raw(`END RequestId: ${requestId}`)
    log.raw(
      `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(durationMs))} ms\t` +
        `Memory Size: ${MEMORY_MB} MB\tMax Memory Used: ${Math.round(process.memoryUsage.rss() / 1048576)} MB`,
    )
    log.close()
    return { payload, error: 'error' in sent ? sent.error : undefined, log, durationMs: roundMs(durationMs) }
  }
}

/** The result as JSON, within the response limit; else the error the caller gets instead. */
function encodeResult(result: unknown): { payload: string } | { error: FunctionError } {
  let payload: string
  try {
    payload = JSON.stringify(result) ?? 'null'
  } catch {
    // A BigInt, a cycle, a throwing toJSON: the Node runtime interface client's serializeToJSON
    // fails the invocation with this (older releases threw a plain Error with the same message).
    return { error: runtimeError('Runtime.JSONStringifyError', 'Unable to stringify response body') }
  }
  if (Buffer.byteLength(payload) > RESPONSE_LIMIT) {
    return {
      error: {
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size exceeded maximum allowed payload size (${RESPONSE_LIMIT} bytes).`,
      },
    }
  }
  return { payload }
}
