// API Gateway's HTTP API event, payload format 2.0 (also what Function URLs send): cookies
// apart, repeated query values joined with `,`, optional keys omitted when empty, `body`
// among them (AWS sends no `body` key for a request without one, never `body: null`).

import type { Base64Encoder } from '../../../encoding/base64.ts'
import { fieldText } from '../../../http/field-text.ts'
import { headerLines, rawQuery } from '../lambda-request.ts'
import type { AwsLambdaConfig } from '../schema.ts'
import { API_ID, accountId, clfTime, domain, eventBody, eventJson, queryValues, resourceTemplates, STAGE, setOwn, uuidRequestId } from './api-gateway.ts'
import { authorizerV2 } from './authorizer.ts'
import type { PayloadFormat } from './format.ts'

export const apiGatewayV2Payload = (config: AwsLambdaConfig, methods: readonly string[], encodeBase64: Base64Encoder): PayloadFormat => {
  const account = accountId(config)
  const resourceFor = resourceTemplates()
  // A route of one method is API Gateway's `GET /path`; of none, `ANY /path`; of several, the
  // one that matched (as several API Gateway routes would).
  const fixedMethod = methods.length === 0 ? 'ANY' : methods.length === 1 ? methods[0] : undefined
  return {
    async build(request) {
      const routeKey = request.match.matchedPath === null ? '$default' : `${fixedMethod ?? request.method} ${resourceFor(request.match.matchedPath)}`
      const headers: Record<string, string> = {}
      const cookies: string[] = []
      for (const [name, line] of headerLines(request)) {
        const value = fieldText(line)
        if (name === 'cookie')
          cookies.push(
            ...value
              .split(';')
              .map((cookie) => cookie.trim())
              .filter(Boolean),
          )
        else setOwn(headers, name, Object.hasOwn(headers, name) ? `${headers[name]},${value}` : value)
      }
      const query = queryValues(request)
      const authorizer = authorizerV2(request)
      const event = {
        version: '2.0',
        routeKey,
        rawPath: request.upstreamPath,
        rawQueryString: rawQuery(request),
        ...(cookies.length > 0 ? { cookies } : {}),
        headers,
        ...(query.size > 0 ? { queryStringParameters: Object.fromEntries([...query].map(([key, values]) => [key, values.join(',')])) } : {}),
        ...(Object.keys(request.match.captures).length > 0 ? { pathParameters: request.match.captures } : {}),
        requestContext: {
          accountId: account,
          apiId: API_ID,
          ...(authorizer ? { authorizer } : {}),
          ...domain(request),
          http: {
            method: request.method,
            path: request.upstreamPath,
            protocol: request.client.protocol,
            sourceIp: request.client.sourceIp,
            userAgent: request.headers.get('user-agent') ?? '',
          },
          requestId: uuidRequestId(request.gatewayRequestId),
          routeKey,
          stage: STAGE,
          time: clfTime(request.receivedAt),
          timeEpoch: request.receivedAt,
        },
      }
      return eventJson(event, eventBody(request, config, encodeBase64), true)
    },
  }
}
