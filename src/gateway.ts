// The gateway: one Hono app serving the routes of a validated configuration. Runtime
// entries hand it their environment, fetch and log sink; it never asks which runtime it is on.

import { Hono } from 'hono/tiny'
import { type RouteTransport, routeCredentials } from './credentials/routes.ts'
import { readStsSettings } from './credentials/sts.ts'
import type { HostCredentialSources } from './credentials/types.ts'
import type { Base64Encoder } from './encoding/base64.ts'
import { type Env, envString } from './env.ts'
import { getOrCreate } from './get-or-create.ts'
import { discardBody } from './http/held-body.ts'
import { describeError, type Logger } from './log.ts'
import type { GatewayConfig, GatewayRoute } from './model/declarative.ts'
import { checkRegion } from './model/schema.ts'
import { ConfigError, type ConfigProblem, joinPath } from './model/validate.ts'
import { type Exchange, failedAnswer, type RequestHandler } from './pipeline/exchange.ts'
import {
  type BodyReader,
  BodyReadTimeout,
  BodyTooLarge,
  ClientGone,
  type ClientInfoReader,
  type LambdaRequest,
  lambdaRequest,
  type RequestHead,
  readRequestBody,
  UNKNOWN_CLIENT,
} from './pipeline/request.ts'
import {
  badRequestResponse,
  bodyTooLargeResponse,
  clientClosedResponse,
  jsonResponse,
  noRouteResponse,
  requestTimeoutResponse,
  unexpectedErrorResponse,
} from './plugins/aws-lambda/errors.ts'
import { createLambdaHandler, type LambdaHandler } from './plugins/aws-lambda/handler.ts'
import { NULL_BODY_STATUSES } from './plugins/aws-lambda/response/response.ts'
import type { AwsLambdaConfig } from './plugins/aws-lambda/schema.ts'
import type { SigningCrypto } from './plugins/aws-lambda/signing.ts'
import { acceptedRequestId, newRequestId } from './request-id.ts'
import { createRouter, routingHost } from './router/router.ts'
import { type BodyLimits, DEFAULT_BODY_LIMITS } from './settings.ts'
import { fetchTransport, type Transport, UnsupportedTransport } from './transport.ts'

export type { Exchange, RequestHandler }

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
  /** How this runtime reads a request body (Node: from its socket, with a timeout between reads). */
  readBody?: BodyReader
  /** How this runtime tells the client's address and protocol (API Gateway events). */
  clientInfo?: ClientInfoReader
  /** `HEALTH_PATH`: GET/HEAD there answers 200 before any route is matched. */
  healthPath?: string
  /** `LAMBDA_ERROR_DETAILS=hide`: function errors answered sanitised, AWS's x-amz* headers not forwarded. */
  hideErrorDetails?: boolean
}

/** What is known of a request while it is served, for its log line. */
interface RequestState {
  /** What the runtime's server passed beside the request (Node's IncomingMessage, Deno's address, Worker bindings). */
  runtime: unknown
  receivedAt: number
  requestId: string
  gatewayRequestId: string
  url?: URL
  route?: GatewayRoute
  timing: RequestHead['timing']
  /** Health checks are not logged: orchestrators probe every few seconds. */
  quiet?: boolean
}

/**
 * Throws ConfigError when the environment cannot be used (region, STS or credential source
 * settings) or a route asks for a transport this runtime does not have.
 */
export function createGateway(options: GatewayOptions): RequestHandler {
  const { config, env, log } = options
  const limits = options.body ?? DEFAULT_BODY_LIMITS
  const readBody = options.readBody ?? readRequestBody
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
      for (const { field, message } of error.problems) problems.push({ path: joinPath(route.pluginPath, field), message })
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
      hideErrorDetails: options.hideErrorDetails,
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

  const app = new Hono<{ Bindings: RequestState }>()
  app.all('*', async (c) => {
    const response = await route(c.req.raw, c.env)
    // An answer that carries no body stops whatever would produce it (a streamed Invoke call).
    // Done here: Hono answers HEAD with a copy of this response that drops the body uncancelled.
    return c.req.method === 'HEAD' || NULL_BODY_STATUSES.has(response.status) ? withoutBody(response) : response
  })
  // Whatever a handler throws is the sanitised 500, never Hono's default text.
  app.onError((error, c) => {
    log.error(`request failed: ${describeError(error)}`, { request_id: c.env.requestId })
    return unexpectedErrorResponse(c.env.requestId)
  })

  async function route(raw: Request, state: RequestState): Promise<Response> {
    const url = new URL(raw.url)
    state.url = url
    if (options.healthPath !== undefined && url.pathname === options.healthPath && (raw.method === 'GET' || raw.method === 'HEAD')) {
      state.quiet = true
      return healthResponse()
    }
    const found = match(raw.method, routingHost(url, raw.headers.get('host') ?? undefined), url.pathname)
    if (!found) return noRouteResponse()
    state.route = found.route
    const { receivedAt, requestId, gatewayRequestId, timing } = state
    const client = clientInfo(raw, state.runtime)
    return serve(raw, state.runtime, found, { url, match: found, client, receivedAt, requestId, gatewayRequestId, log, timing })
  }

  async function serve(raw: Request, runtime: unknown, found: NonNullable<ReturnType<typeof match>>, head: RequestHead): Promise<Response> {
    const fields = { request_id: head.requestId, route: found.route.label }
    let request: LambdaRequest
    try {
      request = lambdaRequest(raw, head, await readBody(raw, runtime, limits.maxSize), limits)
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        log.info(error.message, fields)
        return bodyTooLargeResponse()
      }
      if (error instanceof BodyReadTimeout) {
        log.info(error.message, fields)
        return requestTimeoutResponse(head.requestId)
      }
      if (error instanceof ClientGone) {
        log.info(describeError(error), fields)
        return clientClosedResponse()
      }
      // The client broke the body's framing: its fault, not a server error (the HTTP server has
      // usually answered it 400 already).
      log.warn(`request failed: ${describeError(error)}`, fields)
      return badRequestResponse()
    }
    return found.route.handler(request)
  }

  /** One line per request, with the status the client got; the path without its query, which may carry secrets. */
  function logLine(state: RequestState, method: string, status: number): void {
    if (state.quiet) return
    const plugin = state.route?.plugin
    log.info('request', {
      request_id: state.requestId,
      ...(state.requestId === state.gatewayRequestId ? {} : { gateway_request_id: state.gatewayRequestId }),
      route: state.route?.label ?? null,
      function: plugin?.function_name ?? null,
      invocation_type: plugin?.invocation_type ?? null,
      method,
      path: state.url?.pathname ?? null,
      status,
      latency_ms: Date.now() - state.receivedAt,
      lambda_ms: state.timing.lambdaMs ?? null,
    })
  }

  return {
    async handle(request, runtime) {
      const gatewayRequestId = newRequestId()
      const state: RequestState = {
        runtime,
        receivedAt: Date.now(),
        gatewayRequestId,
        requestId: acceptedRequestId(request.headers.get('x-request-id') ?? undefined) ?? gatewayRequestId,
        timing: {},
      }
      let response: Response
      try {
        response = await app.fetch(request, state)
        response = withRequestId(response, state.requestId)
      } catch (error) {
        log.error(`request failed: ${describeError(error)}`, { request_id: state.requestId })
        response = failedAnswer(state.requestId)
      }
      return { response, requestId: state.requestId, sent: (status) => logLine(state, request.method, status) }
    },
  }
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

/** The same answer without its body, which is cancelled. */
function withoutBody(response: Response): Response {
  discardBody(response)
  return new Response(null, { status: response.status, headers: response.headers })
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
