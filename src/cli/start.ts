// What the Node and Deno entries share: command line and config file; the gateway is made as
// every entry makes it (src/startup.ts). Problems are printed for a person, one per line with
// its field, and the process exits 1.

import type { Env } from '../env.ts'
import type { Logger } from '../log.ts'
import { ConfigError } from '../model/validate.ts'
import type { RequestHandler } from '../pipeline/exchange.ts'
import type { ServerLimits } from '../settings.ts'
import { loadGateway, type RuntimeHooks } from '../startup.ts'
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
