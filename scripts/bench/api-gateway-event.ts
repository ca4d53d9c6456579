// The API Gateway 1.0 event the sdk-proxy sends: the fields a hand-written proxy fills in,
// so that it does about the work lambda-gateway's event builder does.

import { randomUUID } from 'node:crypto'

export function apiGatewayEvent(request: Request, body: Uint8Array, sourceIp: string | undefined) {
  const url = new URL(request.url)
  const headers: Record<string, string> = {}
  const multiValueHeaders: Record<string, string[]> = {}
  for (const [name, value] of request.headers) {
    headers[name] = value
    multiValueHeaders[name] = [value]
  }
  const query = url.searchParams.size === 0 ? null : Object.fromEntries(url.searchParams)
  const requestId = randomUUID()
  return {
    version: '1.0',
    resource: '/bench',
    path: url.pathname,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query,
    multiValueQueryStringParameters: query && Object.fromEntries(Object.entries(query).map(([key, value]) => [key, [value]])),
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'sdk-proxy',
      domainName: url.hostname,
      requestId,
      httpMethod: request.method,
      path: url.pathname,
      protocol: 'HTTP/1.1',
      identity: { sourceIp: sourceIp ?? null, userAgent: request.headers.get('user-agent') },
      requestTimeEpoch: Date.now(),
      stage: '$default',
    },
    body: body.byteLength === 0 ? null : Buffer.from(body).toString('base64'),
    isBase64Encoded: body.byteLength > 0,
  }
}
