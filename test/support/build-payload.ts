// Payloads built as the gateway builds them, for the unit and property tests of
// src/plugins/aws-lambda/payload/: the route's plugin config with Kong's defaults applied, and a fetch
// Request read by readRequestBody, as the gateway reads it.

import { createLogger } from '../../src/log.ts'
import { buildGatewayConfig, type GatewayConsumer, type GatewayCredential } from '../../src/model/declarative.ts'
import { authenticate } from '../../src/pipeline/authenticate.ts'
import { createContext, type RequestContext } from '../../src/pipeline/context.ts'
import { type ClientInfo, readRequestBody } from '../../src/pipeline/request.ts'
import { type LambdaRequest, lambdaRequest } from '../../src/plugins/aws-lambda/lambda-request.ts'
import { payloadFormatFor } from '../../src/plugins/aws-lambda/payload/index.ts'
import type { AwsLambdaConfig } from '../../src/plugins/aws-lambda/schema.ts'

/** The route's plugin config, defaults applied, as the gateway would load it. */
function pluginConfig(fields: Record<string, unknown>) {
  const document = {
    _format_version: '3.0',
    routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'aws-lambda', config: { function_name: 'f', aws_region: 'us-east-1', ...fields } }] }],
  }
  return buildGatewayConfig(document, {}).plugins[0].config as AwsLambdaConfig
}

export interface RouteContext {
  /** What the router matched: the path after strip_path, the named captures, the route path (null: none). */
  match?: LambdaRequest['match']
  /** The route's `methods`. */
  methods?: readonly string[]
  client?: ClientInfo
  /**
   * What an authentication plugin before aws-lambda found: `authenticate()` is called with this
   * consumer and credential (none: the anonymous consumer), as key-auth, basic-auth and jwt call it.
   */
  consumer?: GatewayConsumer
  credential?: GatewayCredential
  /** X-Credential-Identifier (key-auth: the credential's id, the default here; basic-auth: its username; jwt: its key). */
  identifier?: string
  /** The JWT the jwt plugin verified. */
  authenticatedJwt?: RequestContext['authenticatedJwt']
  /** What the plugin did to the request after (`hide_credentials` removing the credential). */
  afterAuthentication?: (ctx: RequestContext) => void
}

/** The payload, parsed, that a route with the plugin `fields` sends for `request`. */
export async function buildPayload(fields: Record<string, unknown>, request: Request, route: RouteContext = {}): Promise<Record<string, any>> {
  return JSON.parse(await payloadText(fields, request, route))
}

/** The payload as sent. */
export async function payloadText(fields: Record<string, unknown>, request: Request, route: RouteContext = {}): Promise<string> {
  const url = new URL(request.url)
  const methods = route.methods ?? []
  const ctx = createContext(
    { request, runtime: undefined, readBody: readRequestBody, limits: { bufferSize: 8192, maxSize: 0 } },
    {
      url,
      match: route.match ?? { requestPath: url.pathname, path: url.pathname, captures: {}, matchedPath: null },
      route: { label: 'r', methods },
      client: route.client ?? { sourceIp: '127.0.0.1', protocol: 'HTTP/1.1', scheme: 'http' },
      receivedAt: Date.now(),
      requestId: '0123456789abcdef0123456789abcdef',
      gatewayRequestId: '0123456789abcdef0123456789abcdef',
      log: createLogger('error', () => {}),
    },
  )
  if (route.consumer) {
    const { credential } = route
    authenticate(ctx, route.consumer, credential && { credential, identifier: route.identifier ?? credential.id })
    ctx.authenticatedJwt = route.authenticatedJwt
    route.afterAuthentication?.(ctx)
  }
  return payloadFormatFor(pluginConfig(fields), { methods }).build(await lambdaRequest(ctx))
}
