// The gateway: one Hono app serving the routes of a validated configuration. Runtime
// entries hand it their environment, fetch and log sink; it never asks which runtime it is on.

import { Hono } from 'hono/tiny'
import type { AwsLambdaConfig } from './config/aws-lambda-schema.ts'
import type { GatewayConfig } from './config/declarative.ts'
import { checkRegion } from './config/schema.ts'
import { ConfigError, type ConfigProblem, joinPath } from './config/validate.ts'
import { type RouteTransport, routeCredentials } from './credentials/routes.ts'
import { readStsSettings } from './credentials/sts.ts'
import type { HostCredentialSources } from './credentials/types.ts'
import type { Base64Encoder } from './encoding/base64.ts'
import { type Env, envString } from './env.ts'
import { getOrCreate } from './get-or-create.ts'
import { badRequestResponse, bodyTooLargeResponse, jsonResponse, noRouteResponse, unexpectedErrorResponse } from './lambda/errors.ts'
import { createLambdaHandler, type LambdaHandler } from './lambda/handler.ts'
import { BodyTooLarge, type ClientInfoReader, type LambdaRequest, type RequestHead, readLambdaRequest, UNKNOWN_CLIENT } from './lambda/request.ts'
import type { SigningCrypto } from './lambda/signing.ts'
import type { Logger } from './log.ts'
import { acceptedRequestId, newRequestId } from './request-id.ts'
import { createRouter, routingHost } from './router/router.ts'
import { type BodyLimits, DEFAULT_BODY_LIMITS } from './settings.ts'
import { fetchTransport, type Transport, UnsupportedTransport } from './transport.ts'

export interface GatewayOptions {
  config: GatewayConfig
  env: Env
  log: Logger
  /** How this runtime reaches AWS; the default, fetch, refuses proxy_url and ssl_verify: false. */
  transport?: Transport
  /** Credential sources tried after the environment (Node/Deno: file, container, web identity, IMDS). */
  hostCredentials?: HostCredentialSources
  /** Faster hashes and HMACs than WebCrypto for signing, where the runtime has them (Node). */
  signingCrypto?: SigningCrypto
  /** A faster base64 for event bodies than the portable one, where the runtime has it (Node). */
  encodeBase64?: Base64Encoder
  body?: BodyLimits
  /** How this runtime tells the client's address and protocol (API Gateway events). */
  clientInfo?: ClientInfoReader
  /** `HEALTH_PATH`: GET/HEAD there answers 200 before any route is matched. */
  healthPath?: string
}

/**
 * Throws ConfigError when the environment cannot be used (region, STS or credential source
 * settings) or a route asks for a transport this runtime does not have.
 */
export function createGateway(options: GatewayOptions): Hono {
  const { config, env, log } = options
  const limits = options.body ?? DEFAULT_BODY_LIMITS
  const clientInfo: ClientInfoReader = options.clientInfo ?? (() => UNKNOWN_CLIENT)
  const envRegion = regionFromEnv(env)
  const credentialsFor = routeCredentials({ env, log, sts: readStsSettings(env), envRegion, hostSources: options.hostCredentials })
  const problems: ConfigProblem[] = []
  const transportFor = transports(options.transport ?? fetchTransport)

  const routes = config.routes.flatMap((route) => {
    let transport: RouteTransport
    try {
      transport = transportFor(route.plugin)
    } catch (error) {
      if (!(error instanceof UnsupportedTransport)) throw error
      problems.push({ path: joinPath(route.pluginPath, error.field), message: error.message })
      return []
    }
    const region = route.plugin.aws_region ?? envRegion
    if (region === undefined) {
      log.warn('no aws_region and no AWS_REGION/AWS_DEFAULT_REGION: every request to this route will fail', { route: route.label })
    }
    if (!route.plugin.ssl_verify) log.warn('ssl_verify is off: TLS certificates of the Lambda and STS endpoints are not checked', { route: route.label })
    warnUnsendableStatus(route.plugin, route.label, log)
    const handler: LambdaHandler = createLambdaHandler({
      label: route.label,
      methods: route.methods,
      config: route.plugin,
      region,
      credentials: credentialsFor(route.plugin, region, transport),
      fetch: transport.fetch,
      signingCrypto: options.signingCrypto,
      encodeBase64: options.encodeBase64,
      log,
    })
    return [{ ...route, handler }]
  })
  if (problems.length > 0) throw new ConfigError(problems)
  const match = createRouter(routes)
  const shadowed = options.healthPath === undefined ? undefined : match('GET', '', options.healthPath)
  if (shadowed) {
    log.warn(`HEALTH_PATH ${options.healthPath} is also a path of this route: GET and HEAD there answer the health check, not the route`, {
      route: shadowed.route.label,
    })
  }

  const app = new Hono()
  app.all('*', async (c) => {
    const receivedAt = Date.now()
    const url = new URL(c.req.url)
    const gatewayRequestId = newRequestId()
    const requestId = acceptedRequestId(c.req.header('x-request-id')) ?? gatewayRequestId
    // Not logged: orchestrators probe every few seconds.
    if (options.healthPath !== undefined && url.pathname === options.healthPath && (c.req.method === 'GET' || c.req.method === 'HEAD')) {
      return withRequestId(healthResponse(), requestId)
    }
    const found = match(c.req.method, routingHost(url, c.req.header('host')), url.pathname)
    const timing: RequestHead['timing'] = {}
    const response = found
      ? await serve(c.req.raw, found, { url, match: found, client: clientInfo(c.req.raw, c.env), receivedAt, requestId, gatewayRequestId, log, timing })
      : noRouteResponse()
    const plugin = found?.route.plugin
    // One line per request; the path without its query, which may carry secrets.
    log.info('request', {
      request_id: requestId,
      ...(requestId === gatewayRequestId ? {} : { gateway_request_id: gatewayRequestId }),
      route: found?.route.label ?? null,
      function: plugin?.function_name ?? null,
      invocation_type: plugin?.invocation_type ?? null,
      method: c.req.method,
      path: url.pathname,
      status: response.status,
      latency_ms: Date.now() - receivedAt,
      lambda_ms: timing.lambdaMs ?? null,
    })
    return withRequestId(response, requestId)
  })

  async function serve(raw: Request, found: NonNullable<ReturnType<typeof match>>, head: RequestHead): Promise<Response> {
    const fields = { request_id: head.requestId, route: found.route.label }
    let request: LambdaRequest
    try {
      request = await readLambdaRequest(raw, head, limits)
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        log.info(error.message, fields)
        return bodyTooLargeResponse()
      }
      // The client went away or broke the body's framing: its fault, not a server error (the
      // HTTP server has usually answered it 400 already).
      log.warn(`request failed: ${(error as Error).message}`, fields)
      return badRequestResponse()
    }
    try {
      return await found.route.handler(request)
    } catch (error) {
      log.error(`request failed: ${(error as Error).message}`, fields)
      return unexpectedErrorResponse(head.requestId)
    }
  }
  return app
}

/** AWS_REGION, else AWS_DEFAULT_REGION, read once as Kong reads them at start-up. */
function regionFromEnv(env: Env): string | undefined {
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION']) {
    const region = envString(env, name)
    if (region === undefined) continue
    const problem = checkRegion(region)
    if (problem) throw new ConfigError([{ path: name, message: problem }])
    return region
  }
  return undefined
}

/** One fetch per distinct transport setting, shared by the routes that use it (and their pools). */
function transports(transport: Transport): (config: AwsLambdaConfig) => RouteTransport {
  const made = new Map<string, RouteTransport>()
  return ({ proxy_url: proxyUrl, ssl_verify: verifyTls }) => {
    const key = `proxy=${proxyUrl ?? 'none'} verify=${verifyTls}`
    return getOrCreate(made, key, () => ({ fetch: transport({ proxyUrl, verifyTls }), key }))
  }
}

function warnUnsendableStatus(config: AwsLambdaConfig, label: string, log: Logger): void {
  const status = config.unhandled_status
  if (status !== undefined && (status < 200 || status > 599)) {
    log.warn(`unhandled_status ${status} cannot be sent as a response: unhandled function errors will answer 500`, { route: label })
  }
}

/** The opt-in health check (`HEALTH_PATH`): the process is up and has a valid configuration. */
function healthResponse(): Response {
  return jsonResponse(200, { status: 'ok' })
}

/** Every answer carries the request id it was logged under. */
function withRequestId(response: Response, requestId: string): Response {
  try {
    response.headers.set('x-request-id', requestId)
    return response
  } catch {
    // Immutable headers (a response passed through as fetched): copy them.
    const copy = new Response(response.body, response)
    copy.headers.set('x-request-id', requestId)
    return copy
  }
}
