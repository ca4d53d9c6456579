import { type Base64Encoder, bytesToBase64 } from '../../../encoding/base64.ts'
import type { AwsLambdaConfig } from '../schema.ts'
import { apiGatewayV1Payload } from './api-gateway-v1.ts'
import { apiGatewayV2Payload } from './api-gateway-v2.ts'
import type { PayloadFormat } from './format.ts'
import { forwardPayload, usesForwardPayload } from './forward.ts'
import { legacyPayload } from './legacy.ts'

/** The payload format a route's config selects (docs/aws-lambda-plugin.md#payload-formats): API Gateway events first, as in Kong. */
export function payloadFormatFor(config: AwsLambdaConfig, route: { methods: readonly string[]; encodeBase64?: Base64Encoder }): PayloadFormat {
  const encodeBase64 = route.encodeBase64 ?? bytesToBase64
  if (config.awsgateway_compatible) {
    return config.awsgateway_compatible_payload_version === '2.0'
      ? apiGatewayV2Payload(config, route.methods, encodeBase64)
      : apiGatewayV1Payload(config, encodeBase64)
  }
  return usesForwardPayload(config) ? forwardPayload(config, encodeBase64) : legacyPayload()
}
