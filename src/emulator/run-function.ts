// One run of a function as Lambda reports it: the runtime's context object, START/END/REPORT
// around the handler's own log lines, the timeout, and the result as the JSON the caller gets.

import { Buffer } from 'node:buffer'
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { Logger } from '../log.ts'
import {
  createLoader,
  type FunctionError,
  type Handler,
  type LambdaContext,
  MEMORY_MB,
  type Outcome,
  runHandler,
  runtimeError,
  timedOutMessage,
} from './functions.ts'
import { InvocationLog, runWithLog } from './invocation-log.ts'
import type { Target } from './invoke-request.ts'
import { isStreamingHandler, type StreamedAnswer } from './response-stream.ts'

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

/**
 * An InvokeWithResponseStream run: a streamified handler writes to `answer`'s stream; any other
 * handler's result is sent as one chunk. Resolves once InvokeComplete is sent.
 */
export type StreamFunction = (
  target: Target,
  event: unknown,
  requestId: string,
  answer: StreamedAnswer,
  tail: boolean,
) => Promise<Pick<Invocation, 'error' | 'durationMs'>>

export const roundMs = (ms: number): number => Math.round(ms * 100) / 100

export function createFunctionRunner(logger: Logger, timeoutMs: number): { run: RunFunction; stream: StreamFunction } {
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

  /**
   * One invocation of `target`: `body` runs the loaded handler with the context Lambda gives it,
   * between START and END/REPORT; an error is logged as the runtime logs it.
   */
  async function invocation<T extends object>(
    target: Target,
    requestId: string,
    clientContext: unknown,
    body: (handler: Handler, context: LambdaContext, deadline: number) => Promise<T>,
  ) {
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
    const outcome: T | { error: FunctionError } = await runWithLog(log, async () => {
      const loaded = await load(target.file)
      return 'error' in loaded ? { error: loaded.error } : body(loaded.handler, context, deadline)
    })
    const failed = 'error' in outcome ? (outcome as Extract<Outcome, { error: FunctionError }>) : undefined
    if (failed && 'timedOut' in failed) log.raw(`${new Date().toISOString()} ${requestId} ${timedOutMessage(timeoutMs)}`)
    else if (failed) log.write('ERROR', `Invoke Error \t${JSON.stringify(failed.error)}`)
    const durationMs = performance.now() - started
    log.raw(`END RequestId: ${requestId}`)
    log.raw(
      `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(durationMs))} ms\t` +
        `Memory Size: ${MEMORY_MB} MB\tMax Memory Used: ${Math.round(process.memoryUsage.rss() / 1048576)} MB`,
    )
    log.close()
    return { outcome, error: failed?.error, log, durationMs: roundMs(durationMs) }
  }

  const run: RunFunction = async (target, event, requestId, clientContext) => {
    const ran = await invocation(target, requestId, clientContext, async (handler, context, deadline) => {
      const outcome = await runHandler(handler, event, context, deadline, timeoutMs)
      return 'result' in outcome ? encodeResult(outcome.result) : outcome
    })
    const { outcome, error, log, durationMs } = ran
    return { payload: 'payload' in outcome ? (outcome.payload as string) : JSON.stringify(error), error, log, durationMs }
  }

  const stream: StreamFunction = async (target, event, requestId, answer, tail) => {
    const { error, log, durationMs } = await invocation(target, requestId, undefined, async (handler, context, deadline) => {
      if (!isStreamingHandler(handler)) {
        // A function that does not stream answers in one chunk, as Lambda streams it.
        const outcome = await runHandler(handler, event, context, deadline, timeoutMs)
        const encoded = 'result' in outcome ? encodeResult(outcome.result) : outcome
        if ('payload' in encoded) answer.stream.end(Buffer.from(encoded.payload))
        return encoded
      }
      const streamed = answer.stream
      const ended = new Promise<void>((resolve) => streamed.once('close', resolve).once('finish', resolve))
      // Two arguments: runHandler would take a third for a callback.
      const outcome = await runHandler((e, c) => handler(e, streamed, c), event, context, deadline, timeoutMs)
      if ('error' in outcome) {
        streamed.destroy()
        return outcome
      }
      // A handler may return before its stream is ended: Lambda ends it then.
      if (!streamed.writableEnded) streamed.end()
      await ended
      return outcome
    })
    answer.complete({
      ...(error ? { ErrorCode: error.errorType, ErrorDetails: error.errorMessage } : {}),
      ...(tail ? { LogResult: log.tail() } : {}),
    })
    return { error, durationMs }
  }

  return { run, stream }
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
