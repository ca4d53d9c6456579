// Kong's `forward_request_*` payload (docs/aws-lambda-plugin.md#forward-payload): only the parts that
// are switched on.

import { type Base64Encoder, bytesToText } from '../../../encoding/base64.ts'
import { fieldText } from '../../../http/field-text.ts'
import { parseArgs } from '../../../http/url-args.ts'
import { headerEntries, type LambdaRequest } from '../lambda-request.ts'
import { parseBodyArgs } from '../request-args.ts'
import type { AwsLambdaConfig } from '../schema.ts'
import { bodyToSend } from './body.ts'
import type { PayloadFormat } from './format.ts'

/** Sent as text even when `base64_encode_body` is on (an exact match on the header, as in Kong). */
const RAW_CONTENT_TYPES = new Set(['text/plain', 'text/html', 'application/xml', 'text/xml', 'application/soap+xml'])

export function usesForwardPayload(config: AwsLambdaConfig): boolean {
  return config.forward_request_method || config.forward_request_uri || config.forward_request_headers || config.forward_request_body
}

export const forwardPayload = (config: AwsLambdaConfig, encodeBase64: Base64Encoder): PayloadFormat => ({
  async build(request) {
    const payload: Record<string, unknown> = {}
    if (config.forward_request_method) payload.request_method = request.method
    if (config.forward_request_uri) {
      payload.request_uri = request.match.requestPath + request.url.search
      payload.request_uri_args = parseArgs(request.url.search.slice(1))
    }
    if (config.forward_request_headers) payload.request_headers = Object.fromEntries(headerEntries(request).map(([name, value]) => [name, fieldText(value)]))
    if (config.forward_request_body) Object.assign(payload, await bodyFields(request, config, encodeBase64))
    return JSON.stringify(payload)
  },
})

async function bodyFields(request: LambdaRequest, config: AwsLambdaConfig, encodeBase64: Base64Encoder): Promise<Record<string, unknown>> {
  const raw = bodyToSend(request, config)
  const contentType = request.headers.get('content-type')
  const parsed = await parseBodyArgs(contentType, raw, request.bodyTooLarge)
  const fields: Record<string, unknown> = {}
  if (parsed.kind === 'unsupported-type') {
    fields.request_body_args = {}
    if (config.base64_encode_body && !RAW_CONTENT_TYPES.has(contentType ?? '')) {
      fields.request_body = encodeBase64(raw ?? new Uint8Array())
      fields.request_body_base64 = true
      return fields
    }
  } else if (parsed.kind === 'parsed') {
    fields.request_body_args = parsed.args
  }
  if (raw !== null) fields.request_body = bytesToText(raw)
  return fields
}
