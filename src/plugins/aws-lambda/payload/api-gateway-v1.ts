// API Gateway's REST event, payload format 1.0, as AWS sends it where Kong's differs:
// strings-only query parameters with the last value in the single-value map, `null` for an
// absent query, path parameters or body, a resource template and every requestContext key.

import type { Base64Encoder } from '../../../encoding/base64.ts'
import { fieldText } from '../../../http/field-text.ts'
import { headerLines } from '../lambda-request.ts'
import type { AwsLambdaConfig } from '../schema.ts'
import { API_ID, accountId, clfTime, domain, eventBody, eventJson, queryValues, resourceTemplates, STAGE, setOwn, uuidRequestId } from './api-gateway.ts'
import { apiKeyIdentity, authorizerV1 } from './authorizer.ts'
import type { PayloadFormat } from './format.ts'

export const apiGatewayV1Payload = (config: AwsLambdaConfig, encodeBase64: Base64Encoder): PayloadFormat => {
  const account = accountId(config)
  const resourceFor = resourceTemplates()
  return {
    async build(request) {
      const resource = resourceFor(request.match.matchedPath)
      const headers: Record<string, string> = {}
      const multiValueHeaders: Record<string, string[]> = {}
      for (const [name, line] of headerLines(request)) {
        const value = fieldText(line)
        setOwn(headers, name, value) // the last value, as AWS
        if (Object.hasOwn(multiValueHeaders, name)) multiValueHeaders[name].push(value)
        else setOwn(multiValueHeaders, name, [value])
      }
      const query = queryValues(request)
      const requestId = uuidRequestId(request.gatewayRequestId)
      const authorizer = authorizerV1(request)
      const event = {
        version: '1.0',
        resource,
        path: request.upstreamPath,
        httpMethod: request.method,
        headers,
        multiValueHeaders,
        queryStringParameters: query.size === 0 ? null : Object.fromEntries([...query].map(([key, values]) => [key, values.at(-1)])),
        multiValueQueryStringParameters: query.size === 0 ? null : Object.fromEntries(query),
        pathParameters: Object.keys(request.match.captures).length > 0 ? request.match.captures : null,
        stageVariables: null,
        requestContext: {
          accountId: account,
          apiId: API_ID,
          ...(authorizer ? { authorizer } : {}),
          ...domain(request),
          extendedRequestId: requestId,
          httpMethod: request.method,
          identity: {
            accessKey: null,
            accountId: null,
            ...apiKeyIdentity(request.credential, multiValueHeaders, query),
            caller: null,
            cognitoAuthenticationProvider: null,
            cognitoAuthenticationType: null,
            cognitoIdentityId: null,
            cognitoIdentityPoolId: null,
            principalOrgId: null,
            sourceIp: request.client.sourceIp,
            user: null,
            userAgent: request.headers.get('user-agent'),
            userArn: null,
          },
          path: request.upstreamPath,
          protocol: request.client.protocol,
          requestId,
          requestTime: clfTime(request.receivedAt),
          requestTimeEpoch: request.receivedAt,
          resourceId: null,
          resourcePath: resource,
          stage: STAGE,
        },
      }
      return eventJson(event, eventBody(request, config, encodeBase64))
    },
  }
}
