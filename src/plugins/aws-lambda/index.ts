// The aws-lambda plugin (Kong's kong/plugins/aws-lambda, priority 750): every request it serves
// is answered in the access phase with the function's result, as Kong's `kong.response.exit`
// does, so a route it applies to needs no upstream and the lower-priority access handlers do
// not run (https://github.com/Kong/kong/blob/master/kong/plugins/aws-lambda/handler.lua).

import { readStsSettings } from '../../credentials/sts.ts'
import { type Env, envString } from '../../env.ts'
import { getOrCreate } from '../../get-or-create.ts'
import { checkRegion } from '../../model/schema.ts'
import { ConfigError, joinPath } from '../../model/validate.ts'
import type { GatewayServices, PluginDefinition, PluginSetup } from '../../pipeline/plugin.ts'
import { type Transport, UnsupportedTransport } from '../../transport.ts'
import { routeCredentials } from './credentials.ts'
import { createLambdaHandler } from './handler.ts'
import { invocationOutcome } from './invoke.ts'
import { lambdaRequest } from './lambda-request.ts'
import { type AwsLambdaConfig, awsLambdaSchema, checkAwsLambdaEntity } from './schema.ts'

export const awsLambdaPlugin: PluginDefinition<typeof awsLambdaSchema> = {
  name: 'aws-lambda',
  priority: 750,
  schema: awsLambdaSchema,
  check: checkAwsLambdaEntity,
  terminates: () => true,
  create(config, setup) {
    const { envRegion, credentialsFor, transportFor } = setup.services.kept('aws-lambda', () => awsServices(setup))
    const transport = transportFor(config, setup.path)
    const region = config.aws_region ?? envRegion
    warnAtStart(config, region, setup)
    const handler = createLambdaHandler({
      label: setup.route.label,
      methods: setup.route.methods,
      config,
      region,
      credentials: credentialsFor(config, region, transport),
      fetch: transport.fetch,
      signingCrypto: setup.services.signingCrypto,
      encodeBase64: setup.services.encodeBase64,
      hideErrorDetails: setup.services.hideErrorDetails,
      log: setup.log,
    })
    return {
      async access(ctx) {
        ctx.logFields.function = config.function_name
        ctx.logFields.invocation_type = config.invocation_type
        const request = await lambdaRequest(ctx)
        try {
          return await handler(request)
        } finally {
          const { timing } = request
          ctx.logFields.lambda_ms = timing.lambdaMs ?? null
          const outcome = invocationOutcome(timing)
          const invocation = outcome && { function: config.function_name, outcome, ...(timing.status === undefined ? {} : { status: timing.status }) }
          if (timing.lambdaMs !== undefined || invocation) ctx.upstreamCall = { ms: timing.lambdaMs, ...(invocation ? { invocation } : {}) }
        }
      },
    }
  },
}

/**
 * What every aws-lambda instance shares, kept across reloads (the environment does not change):
 * the environment's region, credential caches, connection pools.
 */
function awsServices({ env, log, services }: PluginSetup) {
  const envRegion = regionFromEnv(env)
  return {
    envRegion,
    credentialsFor: routeCredentials({
      env,
      log,
      sts: readStsSettings(env),
      envRegion,
      hostSources: services.hostCredentials,
      refreshed: typeof services.metrics === 'object' ? services.metrics.credentialRefresh : undefined,
    }),
    transportFor: transports(services),
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
function transports({ transport }: GatewayServices) {
  const made = new Map<string, { fetch: ReturnType<Transport>; key: string }>()
  return ({ proxy_url: proxyUrl, ssl_verify: verifyTls }: AwsLambdaConfig, path: string) => {
    const key = `proxy=${proxyUrl ?? 'none'} verify=${verifyTls}`
    try {
      return getOrCreate(made, key, () => ({ fetch: transport({ proxyUrl, verifyTls }), key }))
    } catch (error) {
      if (!(error instanceof UnsupportedTransport)) throw error
      throw new ConfigError(error.problems.map(({ field, message }) => ({ path: joinPath(path, field), message })))
    }
  }
}

function warnAtStart(config: AwsLambdaConfig, region: string | undefined, { route, log }: PluginSetup): void {
  if (region === undefined) log.warn('no aws_region and no AWS_REGION/AWS_DEFAULT_REGION: every request to this route will fail', { route: route.label })
  if (!config.ssl_verify) log.warn('ssl_verify is off: TLS certificates of the Lambda and STS endpoints are not checked', { route: route.label })
  const status = config.unhandled_status
  if (status !== undefined && (status < 200 || status > 599)) {
    log.warn(`unhandled_status ${status} cannot be sent as a response: unhandled function errors will answer 500`, { route: route.label })
  }
}
