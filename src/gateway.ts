// The gateway: one Hono app serving the routes of a validated configuration. Runtime
// entries hand it their environment, fetch and log sink; it never asks which runtime it is on.

import { Hono } from 'hono/tiny'
import type { AwsLambdaConfig } from './config/aws-lambda-schema.ts'
import type { GatewayConfig } from './config/declarative.ts'
import { routeCredentials, type RouteTransport } from './credentials/routes.ts'
import { readStsSettings } from './credentials/sts.ts'
import type { HostCredentialSources } from './credentials/types.ts'
import { envString, type Env } from './env.ts'
import { checkRegion } from './config/schema.ts'
import { ConfigError, joinPath, type ConfigProblem } from './config/validate.ts'
import { bodyTooLargeResponse, noRouteResponse, unexpectedErrorResponse } from './lambda/errors.ts'
import { createLambdaHandler, type LambdaHandler } from './lambda/handler.ts'
import { BodyTooLarge, readLambdaRequest, UNKNOWN_CLIENT, type ClientInfoReader } from './lambda/request.ts'
import type { Logger } from './log.ts'
import { newRequestId } from './request-id.ts'
import { createRouter } from './router/router.ts'
import { DEFAULT_BODY_LIMITS, type BodyLimits } from './settings.ts'
import { fetchTransport, UnsupportedTransport, type Transport } from './transport.ts'

export interface GatewayOptions {
  config: GatewayConfig
  env: Env
  log: Logger
  /** How this runtime reaches AWS; the default, fetch, refuses proxy_url and ssl_verify: false. */
  transport?: Transport
  /** Credential sources tried after the environment (Node/Deno: file, container, web identity, IMDS). */
  hostCredentials?: HostCredentialSources
  body?: BodyLimits
  /** How this runtime tells the client's address and protocol (API Gateway events). */
  clientInfo?: ClientInfoReader
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
      log,
    })
    return [{ ...route, handler }]
  })
  if (problems.length > 0) throw new ConfigError(problems)
  const match = createRouter(routes)

  const app = new Hono()
  app.all('*', async (c) => {
    const receivedAt = Date.now()
    const url = new URL(c.req.url)
    const found = match(c.req.method, c.req.header('host') ?? url.host, url.pathname)
    if (!found) return noRouteResponse()
    const requestId = newRequestId()
    try {
      const head = { url, match: found, client: clientInfo(c.req.raw, c.env), receivedAt, requestId, log }
      const request = await readLambdaRequest(c.req.raw, head, limits)
      return await found.route.handler(request)
    } catch (error) {
      const fields = { request_id: requestId, route: found.route.label }
      if (error instanceof BodyTooLarge) {
        log.info(error.message, fields)
        return bodyTooLargeResponse()
      }
      // E.g. the client went away while sending its body.
      log.error(`request failed: ${(error as Error).message}`, fields)
      return unexpectedErrorResponse(requestId)
    }
  })
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
    let route = made.get(key)
    if (!route) made.set(key, (route = { fetch: transport({ proxyUrl, verifyTls }), key }))
    return route
  }
}

function warnUnsendableStatus(config: AwsLambdaConfig, label: string, log: Logger): void {
  const status = config.unhandled_status
  if (status !== undefined && (status < 200 || status > 599)) {
    log.warn(`unhandled_status ${status} cannot be sent as a response: unhandled function errors will answer 500`, { route: label })
  }
}
