// Every answer the gateway itself gives, and the one place an error becomes one. None carries a
// library's error text, an AWS message or a credential: those go to the log only.

import { responseOf } from '../http/held-body.ts'
import { describeError, type Logger } from '../log.ts'
import { BodyReadTimeout, BodyTooLarge, BodyUnreadable, ClientGone } from './request.ts'

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

export function jsonResponse(status: number, body: unknown): Response {
  return responseOf(JSON.stringify(body), { status, headers: { 'content-type': JSON_CONTENT_TYPE } })
}

/**
 * Kong's `kong.response.error`: the message with the request's id (always JSON here; Kong also
 * answers HTML, XML or text by the request's Accept).
 */
export function errorResponse(status: number, message: string, requestId: string): Response {
  return jsonResponse(status, { message, request_id: requestId })
}

/**
 * Kong's `kong.response.error` with a configured status (`field`): one outside 400–599 fails every
 * such answer with a 500 in Kong, as here, which is said once when the configuration loads.
 */
export function configuredErrorResponse(status: number, field: string, log: Logger, route: string): (message: string, requestId: string) => Response {
  if (Number.isInteger(status) && status >= 400 && status <= 599) return (message, requestId) => errorResponse(status, message, requestId)
  log.warn(`${field} ${status} cannot be sent by kong.response.error (400–599): refused requests will answer 500`, { route })
  return (_message, requestId) => unexpectedErrorResponse(requestId)
}

/** Kong's generic error for everything that is not the Invoke API's answer. */
export function unexpectedErrorResponse(requestId: string, status = 500): Response {
  return errorResponse(status, 'An unexpected error occurred', requestId)
}

/** The sanitised 500 with its X-Request-Id, for an answer that could not be written or made. */
export function failedAnswer(requestId: string): Response {
  const response = unexpectedErrorResponse(requestId)
  response.headers.set('x-request-id', requestId)
  return response
}

/** The request body could not be read (its framing was broken). */
export function badRequestResponse(): Response {
  return jsonResponse(400, { message: 'Bad request' })
}

/**
 * The client went away before its answer: nothing is sent. 499 is nginx's status for it, so the
 * request's log line tells a client that left from a gateway that failed.
 */
export function clientClosedResponse(): Response {
  return new Response(null, { status: 499 })
}

/** The client stopped sending its body for CLIENT_BODY_TIMEOUT: nginx's 408, in Kong's words. */
export function requestTimeoutResponse(requestId: string): Response {
  return errorResponse(408, 'Request timeout', requestId)
}

/** The body is over CLIENT_MAX_BODY_SIZE: the function is not invoked. */
export function bodyTooLargeResponse(): Response {
  return jsonResponse(413, { message: 'Request body too large' })
}

/** Kong's 404 (`kong.response.error`: with the request id). */
export function noRouteResponse(requestId: string): Response {
  return errorResponse(404, 'no Route matched with those values', requestId)
}

/**
 * An http request on a route whose `protocols` are `https` only, answered as Kong does before
 * any plugin runs: its 426 (`https_redirect_status_code` 426), or a redirect to the same host
 * and path over https, without a body.
 */
export function httpsRequiredResponse(status: number, location: string, requestId: string): Response {
  if (status !== 426) return new Response(null, { status, headers: { location } })
  const response = errorResponse(426, 'Please use HTTPS protocol', requestId)
  response.headers.set('connection', 'Upgrade')
  response.headers.set('upgrade', 'TLS/1.2, HTTP/1.1')
  return response
}

/** A route that matched, with no plugin that answered and no service to proxy to: Kong's 503 (`kong.response.error`). */
export function noServiceResponse(requestId: string): Response {
  return errorResponse(503, 'no Service found with those values', requestId)
}

/** Kong's answers when proxying failed (nginx's 502 and 504 through Kong's error handler, the balancer's 503). */
export function upstreamFailedResponse(timedOut: boolean, requestId: string): Response {
  return timedOut
    ? errorResponse(504, 'The upstream server is timing out', requestId)
    : errorResponse(502, 'An invalid response was received from the upstream server', requestId)
}

/** The service's host names nothing (DNS: no such name): Kong's 503 from its balancer, before any try. */
export function nameResolutionFailedResponse(requestId: string): Response {
  return errorResponse(503, 'name resolution failed', requestId)
}

/**
 * No target of the service's upstream can take the request (all unhealthy, or no weight): the
 * balancer's words before the first try, nginx's 503 through Kong's error handler on a retry.
 */
export function noPeerResponse(requestId: string, retrying: boolean): Response {
  return errorResponse(503, retrying ? 'The upstream server is currently unavailable' : 'failure to get a peer from the ring-balancer', requestId)
}

/**
 * The answer to an error a plugin (or the body reader) threw: the request's own faults as nginx
 * answers them, logged at info or warn; anything else is the sanitised 500, logged as an error.
 */
export function errorAnswer(error: unknown, requestId: string, log: Logger, fields: Record<string, unknown>): Response {
  if (error instanceof BodyTooLarge) {
    log.info(error.message, fields)
    return bodyTooLargeResponse()
  }
  if (error instanceof BodyReadTimeout) {
    log.info(error.message, fields)
    return requestTimeoutResponse(requestId)
  }
  if (error instanceof ClientGone) {
    log.info(describeError(error), fields)
    return clientClosedResponse()
  }
  if (error instanceof BodyUnreadable) {
    log.warn(describeError(error), fields)
    return badRequestResponse()
  }
  log.error(`request failed: ${describeError(error)}`, fields)
  return unexpectedErrorResponse(requestId)
}

/** An authentication plugin's 401 (`kong.response.error`), with its `WWW-Authenticate` challenge. */
export function unauthorizedResponse(message: string, challenge: string, requestId: string): Response {
  const response = errorResponse(401, message, requestId)
  response.headers.set('www-authenticate', challenge)
  return response
}
