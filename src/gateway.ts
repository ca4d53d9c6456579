// The gateway: one Hono app serving the routes of a validated configuration. Runtime
// entries hand it their environment, fetch and log sink; it never asks which runtime it is on.

import { Hono } from 'hono/tiny'
import type { AwsLambdaConfig } from './config/aws-lambda-schema.ts'
import type { GatewayConfig } from './config/declarative.ts'
import { cached, chain } from './credentials/chain.ts'
import { fromEnv } from './credentials/env.ts'
import { fromStatic } from './credentials/static.ts'
import type { CredentialProvider } from './credentials/types.ts'
import { envString, type Env } from './env.ts'
import { noRouteResponse } from './lambda/errors.ts'
import { createLambdaHandler, type LambdaHandler } from './lambda/handler.ts'
import type { Fetch } from './lambda/invoke.ts'
import { readLambdaRequest } from './lambda/request.ts'
import type { Logger } from './log.ts'
import { createRouter } from './router/router.ts'

/** nginx's client_body_buffer_size as Kong sets it: larger bodies count as spooled to disk. */
export const DEFAULT_CLIENT_BODY_BUFFER_SIZE = 8192

export interface GatewayOptions {
  config: GatewayConfig
  env: Env
  log: Logger
  fetch?: Fetch
  clientBodyBufferSize?: number
}

export function createGateway(options: GatewayOptions): Hono {
  const { config, env, log } = options
  const fetch: Fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const bufferSize = options.clientBodyBufferSize ?? DEFAULT_CLIENT_BODY_BUFFER_SIZE
  // Region variables are read once, as Kong reads them at start-up.
  const envRegion = envString(env, 'AWS_REGION') ?? envString(env, 'AWS_DEFAULT_REGION')
  const envCredentials = cached(chain(fromEnv(env)))

  const routes = config.routes.map((route) => {
    const region = route.plugin.aws_region ?? envRegion
    if (region === undefined) {
      log.warn('no aws_region and no AWS_REGION/AWS_DEFAULT_REGION: every request to this route will fail', { route: route.label })
    }
    warnUnsendableStatus(route.plugin, route.label, log)
    const handler: LambdaHandler = createLambdaHandler({
      label: route.label,
      config: route.plugin,
      region,
      credentials: credentialsFor(route.plugin, envCredentials),
      fetch,
      log,
    })
    return { ...route, handler }
  })
  const match = createRouter(routes)

  const app = new Hono()
  app.all('*', async (c) => {
    const url = new URL(c.req.url)
    const found = match(c.req.method, c.req.header('host') ?? url.host, url.pathname)
    if (!found) return noRouteResponse()
    const requestId = newRequestId()
    const request = await readLambdaRequest(c.req.raw, url, found, bufferSize, requestId, log)
    return found.route.handler(request)
  })
  return app
}

function credentialsFor(config: AwsLambdaConfig, fallback: CredentialProvider): CredentialProvider {
  if (config.aws_key !== undefined && config.aws_secret !== undefined) return fromStatic(config.aws_key, config.aws_secret)
  return fallback
}

function warnUnsendableStatus(config: AwsLambdaConfig, label: string, log: Logger): void {
  const status = config.unhandled_status
  if (status !== undefined && (status < 200 || status > 599)) {
    log.warn(`unhandled_status ${status} cannot be sent as a response: unhandled function errors will answer 500`, { route: label })
  }
}

/** 32 hex digits, like Kong's request id. */
function newRequestId(): string {
  return crypto.randomUUID().replaceAll('-', '')
}
