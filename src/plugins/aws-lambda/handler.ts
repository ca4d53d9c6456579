// One route's Lambda call, from client request to client response: build the payload,
// invoke, map the answer. Per-route work (endpoint, credentials, formats) is done once here.

import type { CredentialProvider } from '../../credentials/types.ts'
import type { Base64Encoder } from '../../encoding/base64.ts'
import type { SigningCrypto } from '../../encoding/signing-crypto.ts'
import { describeError, type Logger } from '../../log.ts'
import { bodyTooLargeResponse, clientClosedResponse, unexpectedErrorResponse } from '../../pipeline/answers.ts'
import { setRequestHeaderLines } from '../../pipeline/change-request.ts'
import { CLIENT, inSpan } from '../../tracing/trace.ts'
import type { Fetch } from '../../transport.ts'
import { awsErrorReason, badGatewayResponse, lambdaApiErrorResponse } from './errors.ts'
import { InvokeFailure, type InvokeResult, invoke, invokeTarget } from './invoke.ts'
import { headerLines, type LambdaRequest } from './lambda-request.ts'
import { payloadFormatFor } from './payload/index.ts'
import { FunctionError, functionFailure } from './response/function-error.ts'
import { plainResponse } from './response/plain.ts'
import { BadProxyResponse, proxyIntegrationResponse } from './response/proxy-integration.ts'
import type { AwsLambdaConfig } from './schema.ts'
import { type StreamingRoute, streamedResponse } from './stream/streamed-response.ts'

export interface LambdaRouteOptions {
  label: string
  /** The route's `methods` (API Gateway 2.0 route keys). */
  methods: readonly string[]
  config: AwsLambdaConfig
  /** From the config, else AWS_REGION / AWS_DEFAULT_REGION. */
  region: string | undefined
  credentials: CredentialProvider
  fetch: Fetch
  /** The runtime's hashes and HMACs for SigV4; WebCrypto when not given. */
  signingCrypto?: SigningCrypto
  /** The runtime's base64 for event bodies; the portable one when not given. */
  encodeBase64?: Base64Encoder
  /**
   * LAMBDA_ERROR_DETAILS=hide: a function error is the sanitised answer (details logged), and
   * AWS's x-amz* headers never reach clients. Kong forwards both.
   */
  hideErrorDetails?: boolean
  log: Logger
}

export type LambdaHandler = (request: LambdaRequest) => Promise<Response>

export function createLambdaHandler(options: LambdaRouteOptions): LambdaHandler {
  const { config, label, log } = options
  const hide = options.hideErrorDetails === true
  const target = options.region === undefined ? undefined : invokeTarget(config, options.region, options.credentials, options.signingCrypto)
  const payload = payloadFormatFor(config, options)
  // Payload 2.0 routes also get 2.0's response rules (cookies, a result without statusCode).
  const responseVersion = config.awsgateway_compatible ? config.awsgateway_compatible_payload_version : '1.0'
  const mapResponse = config.is_proxy_integration
    ? (result: InvokeResult, request: LambdaRequest) => proxyIntegrationResponse(result, request, responseVersion, hide)
    : (result: InvokeResult, request: LambdaRequest) => plainResponse(result, config, request, hide)
  const preserve = config.preserve_lambda_api_error_code
  const limit = EVENT_LIMITS[config.invocation_type]
  const fields = (request: LambdaRequest) => ({ request_id: request.requestId, route: label, function: config.function_name })
  const apiError = ({ status, headers, body }: InvokeResult, request: LambdaRequest) => {
    log.error(`AWS Lambda API returned error: ${awsErrorReason(headers, body)}, status code: ${status}`, fields(request))
    return lambdaApiErrorResponse(preserve ? status : 500)
  }
  const streaming: StreamingRoute | undefined =
    target && config.response_streaming
      ? { target, fetch: options.fetch, isProxyIntegration: config.is_proxy_integration, hideAwsHeaders: hide, log, fields, apiError }
      : undefined
  // `unhandled_status` answers an unhandled error where Kong applies it: buffered, without proxy integration.
  const unhandledStatus = !config.is_proxy_integration && !config.response_streaming && sendable(config.unhandled_status) ? config.unhandled_status : 502
  /** A failed function's answer: Kong's (proxy integration: 502, else generic), or with `hide` the sanitised one. */
  const functionErrorResponse = (error: FunctionError, request: LambdaRequest) => {
    log.error(error.message, fields(request))
    if (hide) return unexpectedErrorResponse(request.requestId, error.unhandled ? unhandledStatus : 502)
    return config.is_proxy_integration ? badGatewayResponse('the function failed') : unexpectedErrorResponse(request.requestId)
  }

  const call: LambdaHandler = async (request) => {
    if (!target) {
      log.error('no region specified: set aws_region, AWS_REGION or AWS_DEFAULT_REGION (a route with its own host is signed for a region too)', fields(request))
      return unexpectedErrorResponse(request.requestId)
    }
    try {
      const event = await payload.build(request)
      const size = eventBytes(event, limit)
      if (size > limit) {
        // Lambda would refuse it: say so before anything is sent (base64 growth included).
        log.info(`event of ${size} bytes exceeds Lambda's ${limit}-byte limit for ${config.invocation_type} invocations: not invoked`, fields(request))
        return bodyTooLargeResponse()
      }
      if (streaming) return await streamedResponse(streaming, event, request)
      const result = await invoke(target, event, options.fetch, request.timing, request.trace)
      if (result.status >= 400) return apiError(result, request)
      const failure = hide ? functionFailure(result) : undefined
      if (failure) return functionErrorResponse(failure, request)
      return mapResponse(result, request)
    } catch (error) {
      if (error instanceof FunctionError) return functionErrorResponse(error, request)
      if (error instanceof BadProxyResponse) {
        const detail = error.detail === undefined ? '' : ` (${error.detail})`
        log.error(`could not JSON decode Lambda function response: ${error.message}${detail}`, fields(request))
        return badGatewayResponse(error.message)
      }
      if (error instanceof InvokeFailure) request.timing.failure = error.kind
      // An InvokeFailure's message already says what its cause said; an abort reason may be a string.
      const reason = error instanceof Error ? error.message : describeError(error)
      if (request.clientSignal?.()?.aborted) {
        log.info(`the client went away before its answer: ${reason}`, fields(request))
        return clientClosedResponse()
      }
      log.error(reason, fields(request))
      const status = error instanceof InvokeFailure ? failureStatus(error.kind, preserve) : 500
      return unexpectedErrorResponse(request.requestId, status)
    }
  }
  // In a trace, the call is a client span with OpenTelemetry's FaaS and AWS attributes
  // (https://opentelemetry.io/docs/specs/semconv/faas/faas-spans/#outgoing-invocations), and
  // the event's trace headers are that span's: the function's tracecontext propagator reads
  // its parent from them.
  const method = config.response_streaming ? 'InvokeWithResponseStream' : 'Invoke'
  const attributes = {
    'rpc.system': 'aws-api',
    'rpc.service': 'Lambda',
    'rpc.method': method,
    'faas.invoked_name': config.function_name,
    'faas.invoked_provider': 'aws',
    ...(options.region === undefined ? {} : { 'faas.invoked_region': options.region }),
  }
  return (request) => {
    const trace = request.trace
    if (!trace) return call(request)
    return inSpan(
      trace,
      `Lambda.${method}`,
      async (span) => {
        Object.assign(span.attributes, attributes)
        const carried = trace.headers(span)
        const names = new Set(carried.map(([name]) => name))
        setRequestHeaderLines(request, [...headerLines(request).filter(([name]) => !names.has(name)), ...carried])
        const answer = await call(request)
        if (answer.status >= 500) span.error = 'the Lambda call failed'
        return answer
      },
      CLIENT,
    )
  }
}

/** Lambda's request payload limits (docs/aws-protocols.md#payload-limits): 6 MiB synchronous, 1 MiB asynchronous. */
const EVENT_LIMITS: Record<AwsLambdaConfig['invocation_type'], number> = { RequestResponse: 6_291_456, DryRun: 6_291_456, Event: 1_048_576 }

/** The event's UTF-8 size, computed only when it could be over `limit`. */
function eventBytes(event: string, limit: number): number {
  return event.length * 3 <= limit ? event.length : new TextEncoder().encode(event).byteLength
}

/** A status a response can carry (Kong's unhandled_status may be 100-999). */
function sendable(status: number | undefined): status is number {
  return status !== undefined && status >= 200 && status <= 599
}

const PRESERVED_STATUS: Record<InvokeFailure['kind'], number> = { timeout: 504, connect: 502, redirect: 502, credentials: 500, refused: 502 }

/** An answer the gateway refuses to read is a bad gateway whatever the setting: no Lambda answer looks like it. */
function failureStatus(kind: InvokeFailure['kind'], preserve: boolean): number {
  return preserve || kind === 'refused' ? PRESERVED_STATUS[kind] : 500
}
