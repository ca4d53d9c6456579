// What the Node and Deno entries share: command line, settings, config file → gateway.
// Problems are printed for a person, one per line with its field, and the process exits 1.

import type { HostCredentialSources } from '../credentials/types.ts'
import type { Base64Encoder } from '../encoding/base64.ts'
import type { Env } from '../env.ts'
import { createGateway } from '../gateway.ts'
import { createLogger, type Logger, type LogLevel } from '../log.ts'
import { type BuildOptions, buildGatewayConfig } from '../model/declarative.ts'
import { ConfigError } from '../model/validate.ts'
import type { RequestHandler } from '../pipeline/exchange.ts'
import type { BodyReader, ClientInfoReader } from '../pipeline/request.ts'
import type { SigningCrypto } from '../plugins/aws-lambda/signing.ts'
import { readServerLimits, readSettings, SERVER_LIMIT_VARIABLES, type ServerLimits } from '../settings.ts'
import type { Transport } from '../transport.ts'
import { readConfigFile } from './config-file.ts'
import { parseServerOptions, type ServerOptions } from './options.ts'

/** A gateway listening on a runtime's server, as the Node and Deno entries return it. */
export interface RunningServer {
  url: string
  close(): Promise<void>
}

export interface PreparedServer {
  options: ServerOptions
  handler: RequestHandler
  limits: ServerLimits
  log: Logger
}

/** What the runtime entry adds to the portable gateway. */
export interface RuntimeHooks {
  clientInfo: ClientInfoReader
  transport: Transport
  hostCredentials: HostCredentialSources
  signingCrypto?: SigningCrypto
  encodeBase64?: Base64Encoder
  /** The entry's HTTP server: how it reads bodies, and the limits it cannot honour (refused when set). */
  server?: { bodyReader(timeoutMs: number): BodyReader; unsupportedLimits?: ReadonlyArray<keyof ServerLimits>; runtime: string }
}

/**
 * The gateway a parsed config file gives in this environment; throws ConfigError listing every
 * problem. Vault references in `document` are resolved in place.
 */
export function loadGateway(document: unknown, env: Env, hooks: RuntimeHooks, logLevel?: LogLevel, build?: BuildOptions) {
  const settings = readSettings(env)
  const log = createLogger(logLevel ?? settings.logLevel, (line) => console.error(line))
  const limits = hooks.server ? serverLimits(env, hooks.server) : undefined
  const config = buildGatewayConfig(document, env, build)
  const { server, ...runtime } = hooks
  const handler = createGateway({
    config,
    env,
    log,
    body: settings.body,
    healthPath: settings.healthPath,
    hideErrorDetails: settings.lambdaErrorDetails === 'hide',
    ...(server && limits ? { readBody: server.bodyReader(limits.bodyTimeoutMs) } : {}),
    ...runtime,
  })
  return { handler, config, log, limits }
}

/** The server limits; one this runtime cannot honour is refused when set, never ignored. */
function serverLimits(env: Env, server: NonNullable<RuntimeHooks['server']>): ServerLimits {
  const { limits, set } = readServerLimits(env)
  const refused = set.filter((key) => server.unsupportedLimits?.includes(key))
  if (refused.length > 0) {
    throw new ConfigError(
      refused.map((key) => ({ path: SERVER_LIMIT_VARIABLES[key], message: `not supported on ${server.runtime}: its server has no such setting; unset it` })),
    )
  }
  return limits
}

/** Problems are printed for a person, one per line with its field. */
export function printProblems(configPath: string, error: ConfigError): void {
  const lines = error.problems.map((p) => `  ${p.path ? `${p.path}: ` : ''}${p.message}`)
  console.error(`lambda-gateway: invalid configuration in ${configPath}:\n${lines.join('\n')}`)
}

/** Returns the gateway to serve, or null after printing why it cannot start. */
export async function prepareServer(
  argv: string[],
  env: Env,
  hooks: RuntimeHooks & { server: NonNullable<RuntimeHooks['server']> },
): Promise<PreparedServer | null> {
  let options: ServerOptions
  try {
    options = parseServerOptions(argv, env as Record<string, string | undefined>)
  } catch (error) {
    console.error(`lambda-gateway: ${(error as Error).message}`)
    return null
  }
  try {
    const { handler, config, log, limits } = loadGateway(await readConfigFile(options.configPath), env, hooks)
    log.info('configuration loaded', { file: options.configPath, routes: config.routes.length })
    return { options, handler, log, limits: limits! }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    printProblems(options.configPath, error)
    return null
  }
}
