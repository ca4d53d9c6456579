import type { AwsLambdaConfig } from '../../config/aws-lambda-schema.ts'
import type { PayloadFormat } from './format.ts'
import { forwardPayload, usesForwardPayload } from './forward.ts'
import { legacyPayload } from './legacy.ts'

/** The payload format a route's config selects (reference §2.2). */
export function payloadFormatFor(config: AwsLambdaConfig): PayloadFormat {
  return usesForwardPayload(config) ? forwardPayload(config) : legacyPayload()
}
