// The request body a payload carries, after Kong's large-body rule
// (docs/aws-lambda-plugin.md#large-bodies).

import type { Bytes } from '../../../encoding/base64.ts'
import type { LambdaRequest } from '../lambda-request.ts'
import type { AwsLambdaConfig } from '../schema.ts'

/** The body, or null when there is none or `skip_large_bodies` drops it (logged, as Kong does). */
export function bodyToSend(request: LambdaRequest, config: AwsLambdaConfig): Bytes | null {
  if (request.body !== null && request.bodyTooLarge && config.skip_large_bodies) {
    request.log.error('request body was buffered to disk, too large', { request_id: request.requestId, bytes: request.body.byteLength })
    return null
  }
  return request.body
}
