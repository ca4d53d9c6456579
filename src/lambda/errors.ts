// Every error answer the gateway gives. None carries an AWS message, an ARN or a credential:
// those go to the log only (reference §4.6).

import { responseOf } from '../http/held-body.ts'

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

export function jsonResponse(status: number, body: unknown): Response {
  return responseOf(JSON.stringify(body), { status, headers: { 'content-type': JSON_CONTENT_TYPE } })
}

/** The Invoke API rejected the call: 500, or its own status when preserve_lambda_api_error_code is on. */
export function lambdaApiErrorResponse(status: number): Response {
  return jsonResponse(status, { message: 'Upstream Lambda invocation failed' })
}

/** Kong's generic error for everything that is not the Invoke API's answer. */
export function unexpectedErrorResponse(requestId: string, status = 500): Response {
  return jsonResponse(status, { message: 'An unexpected error occurred', request_id: requestId })
}

export function badGatewayResponse(reason: string): Response {
  return jsonResponse(502, { message: 'Bad Gateway', error: `could not JSON decode Lambda function response: ${reason}` })
}

/** The request body could not be read (the client went away, or its framing was broken). */
export function badRequestResponse(): Response {
  return jsonResponse(400, { message: 'Bad request' })
}

/** The client stopped sending its body for CLIENT_BODY_TIMEOUT: nginx's 408, in Kong's words. */
export function requestTimeoutResponse(requestId: string): Response {
  return jsonResponse(408, { message: 'Request timeout', request_id: requestId })
}

/** The body is over CLIENT_MAX_BODY_SIZE: the function is not invoked. */
export function bodyTooLargeResponse(): Response {
  return jsonResponse(413, { message: 'Request body too large' })
}

export function noRouteResponse(): Response {
  return jsonResponse(404, { message: 'no Route matched with those values' })
}

/** The `message` of an AWS JSON error body (`Message` or, from the auth layer, `message`). */
export function awsErrorMessage(body: Uint8Array): string {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>
    const message = parsed.Message ?? parsed.message
    return typeof message === 'string' ? message : 'nil'
  } catch {
    return 'nil'
  }
}
