// What the Node and Deno entries share: command line and config file; the gateway is made as
// every entry makes it (src/startup.ts). Problems are printed for a person, one per line with
// its field, and the process exits 1.

import type { Env } from '../env.ts'
import type { Logger } from '../log.ts'
import { createGatewayMetrics } from '../metrics/gateway-metrics.ts'
import { statusListener } from '../metrics/status-listener.ts'
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
  /** The status listener's, with STATUS_LISTEN. */
  statusUrl?: string
  close(): Promise<void>
}

export interface PreparedServer {
  options: ServerOptions
  handler: RequestHandler
  limits: ServerLimits
  log: Logger
  /** The certificates the https listener serves (those with SNIs), when it is on. */
  served: GatewayCertificate[]
  /** What the status listener answers, with STATUS_LISTEN. */
  status?: RequestHandler
}

/** Where a listener listens and what answers there. */
export interface Listener {
  port: number
  host: string
  https: boolean
  handler: RequestHandler
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
    const metrics = options.statusListen ? createGatewayMetrics() : 'the status listener is off: set STATUS_LISTEN (like 127.0.0.1:8100) to serve /metrics'
    const { handler, config, log, limits } = loadGateway(await readConfigFile(options.configPath), env, {
      ...hooks,
      metrics,
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
    const prepared = { options, handler, log, limits: limits!, served: https ? served : [] }
    if (typeof metrics === 'string') return prepared
    const { gateway, status } = statusListener(metrics, handler)
    return { ...prepared, handler: gateway, status }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    printProblems(options.configPath, error)
    return null
  }
}

/**
 * The http listener, the https one with `--https-port`, the status listener with STATUS_LISTEN;
 * null (after printing why) when one cannot listen, the others closed.
 */
export async function listenAll(
  { options, handler, status }: PreparedServer,
  listen: (listener: Listener) => Promise<RunningServer | null>,
): Promise<RunningServer | null> {
  const { host } = options
  const listeners: Array<[keyof RunningServer, Listener]> = [['url', { port: options.port, host, https: false, handler }]]
  if (options.httpsPort !== undefined) listeners.push(['httpsUrl', { port: options.httpsPort, host, https: true, handler }])
  if (status && options.statusListen) listeners.push(['statusUrl', { ...options.statusListen, https: false, handler: status }])
  const running: RunningServer[] = []
  const urls: Partial<Record<keyof RunningServer, string>> = {}
  for (const [name, listener] of listeners) {
    const server = await listen(listener)
    if (!server) {
      await Promise.all(running.map((each) => each.close()))
      return null
    }
    running.push(server)
    urls[name] = server.url
  }
  if (running.length === 1) return running[0]
  return { ...(urls as { url: string }), close: () => Promise.all(running.map((each) => each.close())).then(() => undefined) }
}
