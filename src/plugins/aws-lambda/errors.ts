// The aws-lambda plugin's own answers, after Kong's handler: none carries an AWS message, an
// ARN or a credential; those go to the log only (docs/aws-lambda-plugin.md#error-answers).

import { xmlElement } from '../../encoding/xml.ts'
import { jsonResponse } from '../../pipeline/answers.ts'

/** The Invoke API rejected the call: 500, or its own status when preserve_lambda_api_error_code is on. */
export function lambdaApiErrorResponse(status: number): Response {
  return jsonResponse(status, { message: 'Upstream Lambda invocation failed' })
}

export function badGatewayResponse(reason: string): Response {
  return jsonResponse(502, { message: 'Bad Gateway', error: `could not JSON decode Lambda function response: ${reason}` })
}

/**
 * Why the Invoke API refused a call, for the log: the `message` of its JSON error body (Kong's
 * log line), else what the rest of the answer says — the `X-Amzn-ErrorType` header (up to its
 * first `:`) or an XML body's `Code`, with its `Message` — else an excerpt of the body (an
 * HTML error page), so that a bad signature and AccessDenied never look alike.
 */
export function awsErrorReason(headers: Headers, body: Uint8Array): string {
  const text = new TextDecoder().decode(body.subarray(0, MAX_PARSED_BYTES))
  const message = jsonMessage(text)
  if (message !== undefined) return oneLine(message, MAX_MESSAGE_CHARS)
  const type = headers.get('x-amzn-errortype')?.split(':')[0] || xmlElement(text, 'Code')
  const xmlMessage = xmlElement(text, 'Message')
  const parts = [type, xmlMessage].filter((part): part is string => part !== undefined && part !== '').map((part) => oneLine(part, MAX_MESSAGE_CHARS))
  if (parts.length > 0) return parts.join(': ')
  const excerpt = oneLine(text, MAX_EXCERPT_CHARS)
  return excerpt === '' ? 'empty body' : `body: ${excerpt}`
}

/** Error bodies are small; past this it is not one worth reading whole. */
const MAX_PARSED_BYTES = 64 * 1024
const MAX_MESSAGE_CHARS = 1000
const MAX_EXCERPT_CHARS = 200

/** `Message` or, from the auth layer, `message`. */
function jsonMessage(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as Record<string, unknown> | null
    const message = parsed?.Message ?? parsed?.message
    return typeof message === 'string' ? message : undefined
  } catch {
    return undefined
  }
}

/** One line of at most `max` characters: control characters (line breaks too) become spaces, runs of them one. */
function oneLine(text: string, max: number): string {
  const line = text.replace(/[\x00-\x20\x7f-\x9f\u2028\u2029]+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max)}…` : line
}
