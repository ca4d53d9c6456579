// How each invocation type is answered: DryRun stops once the request is valid, Event answers
// 202 and runs the function afterwards (its outcome only logged), RequestResponse answers the
// result, or the function error flagged with X-Amz-Function-Error; through
// InvokeWithResponseStream, an event stream of what the function writes.

import type { ServerResponse } from 'node:http'
import { describeError, type LogFields, type Logger } from '../log.ts'
import type { Reply } from './http-reply.ts'
import type { InvokeRequest } from './invoke-request.ts'
import { streamedAnswer } from './response-stream.ts'
import { type RunFunction, type StreamFunction, VERSION } from './run-function.ts'

export type Handled =
  | {
      reply: Reply
      fields: LogFields
      /** work that runs once the answer is sent (Event invocations) */
      after?: () => void
    }
  /** InvokeWithResponseStream: the answer is written as the function writes; resolves with the log line's fields once it is sent. */
  | { stream: (res: ServerResponse) => Promise<LogFields> }

export function createInvocationAnswerer(
  { run, stream }: { run: RunFunction; stream: StreamFunction },
  logger: Logger,
): (request: InvokeRequest, requestId: string, fields: LogFields) => Promise<Handled> {
  const runEvent = async ({ target, event }: InvokeRequest, requestId: string) => {
    const logFields = { function: target.name, requestId }
    try {
      const { error, durationMs } = await run(target, event, requestId, undefined)
      if (error) logger.warn('event failed', { ...logFields, durationMs, error })
      else logger.info('event done', { ...logFields, durationMs })
    } catch (error) {
      logger.error('event failed', { ...logFields, error: describeError(error) })
    }
  }

  return async (request, requestId, fields) => {
    const headers: Record<string, string> = { 'x-amzn-RequestId': requestId, 'X-Amz-Executed-Version': VERSION }
    if (request.invocationType === 'DryRun') return { reply: { status: 204, headers }, fields }
    if (request.streaming) {
      return {
        stream: async (res) => {
          const { error } = await stream(request.target, request.event, requestId, streamedAnswer(res, headers), request.tail)
          return { ...fields, status: 200, functionError: error?.errorType }
        },
      }
    }
    if (request.invocationType === 'Event') {
      return { reply: { status: 202, headers }, fields, after: () => void setImmediate(() => void runEvent(request, requestId)) }
    }
    const { payload, error, log } = await run(request.target, request.event, requestId, request.clientContext)
    const replyHeaders: Record<string, string> = { 'Content-Type': 'application/json', ...headers }
    if (error) replyHeaders['X-Amz-Function-Error'] = 'Unhandled'
    if (request.tail) replyHeaders['X-Amz-Log-Result'] = log.tail()
    return { reply: { status: 200, headers: replyHeaders, body: payload }, fields: { ...fields, functionError: error?.errorType } }
  }
}
