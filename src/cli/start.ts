// What the Node and Deno entries share: command line and config file; the gateway is made as
// every entry makes it (src/startup.ts). Problems are printed for a person, one per line with
// its field, and the process exits 1.

import type { Env } from '../env.ts'
import type { Logger } from '../log.ts'
import type { GatewayCertificate, GatewayConfig } from '../model/config.ts'
import { ConfigError } from '../model/validate.ts'
import type { RequestHandler } from '../pipeline/exchange.ts'
import type { ServerLimits } from '../settings.ts'
import { loadGateway, type RuntimeHooks } from '../startup.ts'
import { readConfigFile } from './config-file.ts'
import { parseServerOptions, type ServerOptions } from './options.ts'

/** A gateway listening on a runtime's server, as the Node and Deno entries return it. */
export interface RunningServer {
  url: string
  /** The https listener's, with `--https-port`. */
  httpsUrl?: string
  close(): Promise<void>
}

export interface PreparedServer {
  options: ServerOptions
  handler: RequestHandler
  limits: ServerLimits
  log: Logger
  /** The certificates the https listener serves (those with SNIs), when it is on. */
  served: GatewayCertificate[]
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
    const https = options.httpsPort !== undefined
    const servedOf = (config: GatewayConfig) => config.certificates.filter((certificate) => certificate.snis.length > 0)
    const { handler, config, log, limits } = loadGateway(await readConfigFile(options.configPath), env, {
      ...hooks,
      // Routes with `snis` need the server name of https requests from the runtime.
      ...(https && !hooks.server.https.tellsServerName ? { httpsWithoutSni: true } : {}),
      checkCertificates: (config) => {
        const problems = hooks.checkCertificates?.(config) ?? []
        if (!https) return problems
        const served = servedOf(config)
        const message = 'no certificate in the file has snis to serve: add certificates with their snis, or unset it'
        return [...problems, ...(served.length === 0 ? [{ path: 'HTTPS_PORT (--https-port)', message }] : (hooks.server.https.refuse?.(served) ?? []))]
      },
    })
    const served = servedOf(config)
    if (!https && served.length > 0) {
      log.warn('certificates are served by the https listener only: set HTTPS_PORT (--https-port) to serve them', {
        certificates: served.map((certificate) => certificate.path),
      })
    }
    log.info('configuration loaded', { file: options.configPath, routes: config.routes.length })
    return { options, handler, log, limits: limits!, served: https ? served : [] }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    printProblems(options.configPath, error)
    return null
  }
}

/**
 * The http listener, and the https one with `--https-port`; null (after printing why) when
 * either cannot listen, the other closed.
 */
export async function listenBoth(
  { options }: PreparedServer,
  listen: (port: number, https: boolean) => Promise<RunningServer | null>,
): Promise<RunningServer | null> {
  const http = await listen(options.port, false)
  if (!http || options.httpsPort === undefined) return http
  const https = await listen(options.httpsPort, true)
  if (!https) {
    await http.close()
    return null
  }
  return { url: http.url, httpsUrl: https.url, close: () => Promise.all([http.close(), https.close()]).then(() => undefined) }
}
