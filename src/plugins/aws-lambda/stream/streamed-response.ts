// `response_streaming`: InvokeWithResponseStream's PayloadChunks reach the client as they come.
// The client's status waits for the first body byte (or, with proxy integration, the end of
// the HTTP prelude): a function error before it takes the buffered paths' answers. After it, a
// failure can only break the response: the body stream errors (the client sees a connection
// cut, never a truncated success) and the log says why. Chunks are read from Lambda only as the
// client takes them (pull, no queue), so a slow client holds Lambda back instead of the gateway
// buffering for it.

import { NULL_BODY_STATUSES } from '../../../http/null-body.ts'
import { describeError, type LogFields, type Logger } from '../../../log.ts'
import type { Fetch } from '../../../transport.ts'
import { InvokeFailure, type InvokeResult, type InvokeTarget, readAnswer } from '../invoke.ts'
import type { LambdaRequest } from '../lambda-request.ts'
import { FunctionError } from '../response/function-error.ts'
import { forwardedHeaders, logTail } from '../response/headers.ts'
import { BadProxyResponse } from '../response/proxy-integration.ts'
import { responseWithBody } from '../response/response.ts'
import { HTTP_INTEGRATION_TYPE, PreludeSplitter, preludeResponse } from './http-prelude.ts'
import { type InvokeEvent, InvokeEventReader } from './invoke-events.ts'
import { invokeStream, type StreamCall } from './invoke-stream.ts'

export interface StreamingRoute {
  target: InvokeTarget
  fetch: Fetch
  isProxyIntegration: boolean
  /** LAMBDA_ERROR_DETAILS=hide: AWS's x-amz* headers are not forwarded. */
  hideAwsHeaders: boolean
  log: Logger
  fields: (request: LambdaRequest) => LogFields
  /** The answer to an Invoke API error (status ≥ 400), as for buffered calls. */
  apiError: (answer: InvokeResult, request: LambdaRequest) => Response
}

/** Where the client's response starts: its head, and the body bytes that came with it. */
interface ResponseStart {
  status: number
  headers: Headers
  first: Uint8Array | undefined
  /** InvokeComplete came before any body byte: the body is empty. */
  complete: boolean
}

export async function streamedResponse(route: StreamingRoute, event: string, request: LambdaRequest): Promise<Response> {
  const call = await invokeStream(route.target, event, route.fetch, request.clientSignal?.(), request.timing, request.trace)
  let start: ResponseStart
  let events: InvokeEventReader
  try {
    if (call.response.status >= 400) {
      const { status, headers } = call.response
      // The error body is a read from Lambda like any other: `timeout` bounds it.
      call.startWaiting()
      const body = await readAnswer(call.response)
      call.end()
      return route.apiError({ status, headers, body }, request)
    }
    if (!call.response.body) throw new InvokeFailure('connect', 'Lambda InvokeWithResponseStream answered without a body')
    events = new InvokeEventReader(call.response.body, call)
    const headers = forwardedHeaders(call.response.headers, request, route.hideAwsHeaders)
    start =
      route.isProxyIntegration && headers.get('content-type') === HTTP_INTEGRATION_TYPE
        ? await startFromPrelude(events, headers, request)
        : await startFromFirstChunk(events, call.response.status, headers, request)
  } catch (error) {
    call.end(error)
    if (call.timedOut) throw new InvokeFailure('timeout', `Lambda InvokeWithResponseStream sent nothing for ${route.target.timeoutMs} ms`, { cause: error })
    throw error
  } finally {
    request.timing.lambdaMs = Date.now() - call.started
  }
  if (start.complete || NULL_BODY_STATUSES.has(start.status)) {
    // Nothing (more) to send: the call ends, its connection closed if Lambda had more.
    call.end(start.complete ? undefined : new Error(`status ${start.status} has no body`))
    return responseWithBody(start.status, start.headers, '')
  }
  return new Response(bodyStream(route, start.first, events, call, request), { status: start.status, headers: start.headers })
}

/** Raw mode: the Invoke API's status and headers (its content type is the function's). */
async function startFromFirstChunk(events: InvokeEventReader, status: number, headers: Headers, request: LambdaRequest): Promise<ResponseStart> {
  for (;;) {
    const event = await events.next()
    if (event.type === 'chunk') {
      if (event.payload.byteLength > 0) return { status, headers, first: event.payload, complete: false }
      continue
    }
    completed(event, request)
    return { status, headers, first: undefined, complete: true }
  }
}

/** Proxy integration: status and headers from the function's HTTP prelude. */
async function startFromPrelude(events: InvokeEventReader, headers: Headers, request: LambdaRequest): Promise<ResponseStart> {
  const splitter = new PreludeSplitter()
  for (;;) {
    const event = await events.next()
    if (event.type === 'complete') {
      completed(event, request)
      throw new BadProxyResponse('streamed response ended inside its prelude')
    }
    const split = splitter.push(event.payload)
    if (split) {
      const head = preludeResponse(split.prelude, headers)
      return { ...head, first: split.rest.byteLength > 0 ? split.rest : undefined, complete: false }
    }
  }
}

/**
 * The last event: its log tail goes to the debug log, a function error is thrown as the
 * buffered paths take one (before the response starts, the handler answers it and logs its
 * ErrorCode and ErrorDetails; after, the broken stream's log line says them).
 */
function completed(event: Extract<InvokeEvent, { type: 'complete' }>, request: LambdaRequest): void {
  if (event.logResult) logTail(event.logResult, request.log, request.requestId)
  if (event.errorCode) throw new FunctionError(`InvokeComplete ErrorCode ${event.errorCode}: ${event.errorDetails ?? 'no details'}`, true)
}

function bodyStream(
  route: StreamingRoute,
  first: Uint8Array | undefined,
  events: InvokeEventReader,
  call: StreamCall,
  request: LambdaRequest,
): ReadableStream<Uint8Array> {
  let pending = first
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (pending) {
          controller.enqueue(pending)
          pending = undefined
          return
        }
        try {
          for (;;) {
            const event = await events.next()
            if (event.type === 'chunk') {
              if (event.payload.byteLength === 0) continue
              controller.enqueue(event.payload)
              return
            }
            completed(event, request)
            call.end()
            controller.close()
            return
          }
        } catch (error) {
          route.log.error(`response stream broken after the response started: ${describeError(error)}`, route.fields(request))
          call.end(error)
          controller.error(error)
        }
      },
      // The client went away: so does the Invoke call.
      cancel(reason) {
        call.end(reason ?? new Error('client went away'))
      },
    },
    { highWaterMark: 0 },
  )
}
