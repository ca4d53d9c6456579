// What the Node and Deno entries share: command line and config file; the gateway is made as
// every entry makes it (src/startup.ts). Problems are printed for a person, one per line with
// its field, and the process exits 1.

import { type FSWatcher, watch } from 'node:fs'
import { basename, dirname } from 'node:path'
import process from 'node:process'
import packageJson from '../../package.json' with { type: 'json' }
import { createAdminApp } from '../admin/app.ts'
import { type AdminSettings, readAdminSettings } from '../admin/settings.ts'
import type { Env } from '../env.ts'
import { createLastingState } from '../gateway.ts'
import { describeError, type Logger } from '../log.ts'
import { createGatewayMetrics } from '../metrics/gateway-metrics.ts'
import { statusListener } from '../metrics/status-listener.ts'
import type { GatewayCertificate, GatewayConfig } from '../model/config.ts'
import { ConfigError, type ConfigProblem } from '../model/validate.ts'
import type { RequestHandler } from '../pipeline/exchange.ts'
import { PLUGINS } from '../plugins/index.ts'
import { newRequestId } from '../request-id.ts'
import type { ServerLimits } from '../settings.ts'
import { loadGateway, type RuntimeHooks } from '../startup.ts'
import { ConfigFileError, type ConfigSource, readConfigSource } from './config-file.ts'
import { parseServerOptions, type ServerOptions } from './options.ts'
import { configHash, createReloader, type LoadedConfig, type Reloader } from './reload.ts'

const VERSION = packageJson.version

/** A gateway listening on a runtime's server, as the Node and Deno entries return it. */
export interface RunningServer {
  url: string
  /** The https listener's, with `--https-port`. */
  httpsUrl?: string
  /** The admin listener's, with ADMIN_LISTEN. */
  adminUrl?: string
  /** The status listener's, with STATUS_LISTEN. */
  statusUrl?: string
  close(): Promise<void>
}

export interface PreparedServer {
  options: ServerOptions
  /** The current configuration's gateway, whatever reloads happen. */
  handler: RequestHandler
  /** Loads the file again (SIGHUP, --watch) or another configuration (the admin listener). */
  reloader: Reloader
  /** ADMIN_LISTEN and ADMIN_TOKEN, when the admin listener is on. */
  admin?: AdminSettings
  /** What the status listener answers, with STATUS_LISTEN. */
  status?: RequestHandler
  limits: ServerLimits
  log: Logger
  /** The certificates the https listener serves (those with SNIs), when it is on. */
  served: readonly GatewayCertificate[]
}

/** Where a listener listens and what answers there. */
export interface Listener {
  port: number
  host: string
  https: boolean
  handler: RequestHandler
}

/** A problem with a setting of the environment (`LOG_LEVEL`, `HTTPS_PORT (--https-port)`), not with the file. */
const SETTING = /^[A-Z][A-Z0-9_]*(?: \(|$)/

/** Problems are printed for a person, one per line with its field: the environment's apart from the file's. */
export function printProblems(configPath: string, error: ConfigError): void {
  if (error instanceof ConfigFileError) {
    console.error(`lambda-gateway: ${configPath}: ${error.problems[0].message}`)
    return
  }
  const lines = (problems: ConfigProblem[]) => problems.map((p) => `  ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n')
  const settings = error.problems.filter((problem) => SETTING.test(problem.path))
  const file = error.problems.filter((problem) => !SETTING.test(problem.path))
  if (settings.length > 0) console.error(`lambda-gateway: invalid setting${settings.length === 1 ? '' : 's'} in the environment:\n${lines(settings)}`)
  if (file.length > 0) console.error(`lambda-gateway: invalid configuration in ${configPath}:\n${lines(file)}`)
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
  const https = options.httpsPort !== undefined
  const servedOf = (config: GatewayConfig) => (https ? config.certificates.filter((certificate) => certificate.snis.length > 0) : [])
  const lasting = createLastingState()
  // Counted across reloads, as the process's.
  const metrics = options.statusListen ? createGatewayMetrics() : 'the status listener is off: set STATUS_LISTEN (like 127.0.0.1:8100) to serve /metrics'
  let log: Logger | undefined
  let limits: ServerLimits | undefined
  // Every configuration, the first and each reloaded one, is loaded the same way.
  const load = ({ text, document }: ConfigSource): LoadedConfig => {
    // Building resolves vault references in the document it is given: `GET /config` shows them unresolved.
    const original = structuredClone(document)
    const loaded = loadGateway(document, env, {
      ...hooks,
      lasting,
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
    log ??= loaded.log
    limits ??= loaded.limits
    const unserved = https ? [] : loaded.config.certificates.filter((certificate) => certificate.snis.length > 0)
    if (unserved.length > 0) {
      loaded.log.warn('certificates are served by the https listener only: set HTTPS_PORT (--https-port) to serve them', {
        certificates: unserved.map((certificate) => certificate.path),
      })
    }
    return { handler: loaded.handler, hash: configHash(text), document: original, served: servedOf(loaded.config), routes: loaded.config.routes.length }
  }
  try {
    const admin = readAdminSettings(env)
    const first = load(await readConfigSource(options.configPath))
    log!.info('configuration loaded', { file: options.configPath, routes: first.routes })
    const counted = typeof metrics === 'string' ? undefined : (applied: boolean) => metrics.configurationReload(applied)
    const reloader = createReloader(first, { file: options.configPath, load, log: log!, counted })
    const prepared = { options, handler: reloader.handler, reloader, ...(admin ? { admin } : {}), log: log!, limits: limits!, served: first.served }
    if (typeof metrics === 'string') return prepared
    const { gateway, status } = statusListener(metrics, reloader.handler)
    return { ...prepared, handler: gateway, status }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    printProblems(options.configPath, error)
    return null
  }
}

/**
 * The http listener, the https one with `--https-port`, the status listener with STATUS_LISTEN,
 * the admin listener with ADMIN_LISTEN, and reloads on SIGHUP (and on changes to the file with
 * `--watch`); null (after printing why) when one cannot listen, the others closed.
 */
export async function listenAll(prepared: PreparedServer, listen: (listener: Listener) => Promise<RunningServer | null>): Promise<RunningServer | null> {
  const { options, handler, status, admin, reloader, log } = prepared
  const { host } = options
  const listeners: Array<[keyof RunningServer, Listener]> = [['url', { port: options.port, host, https: false, handler }]]
  if (options.httpsPort !== undefined) listeners.push(['httpsUrl', { port: options.httpsPort, host, https: true, handler }])
  if (status && options.statusListen) listeners.push(['statusUrl', { ...options.statusListen, https: false, handler: status }])
  if (admin) {
    const app = createAdminApp({ reloader, log, token: admin.token, version: VERSION, plugins: PLUGINS })
    listeners.push(['adminUrl', { host: admin.host, port: admin.port, https: false, handler: ownEndpoints(app) }])
  }
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
  const stopReloads = reloadOnChange(prepared)
  return {
    ...(urls as { url: string }),
    close: () => {
      stopReloads()
      return Promise.all(running.map((each) => each.close())).then(() => undefined)
    },
  }
}

/** A listener's handler for the gateway's own endpoints (the admin API): no plugins, no request log line. */
function ownEndpoints(app: (request: Request) => Promise<Response>): RequestHandler {
  return { handle: async (request) => ({ response: await app(request), requestId: newRequestId(), sent: () => undefined }) }
}

/** SIGHUP, and with `--watch` a change to the file, reload it; returns what stops that. */
function reloadOnChange({ options, reloader, log }: PreparedServer): () => void {
  const reload = () => void reloader.reloadFile().catch((error) => log.error(`configuration not reloaded: ${describeError(error)}`))
  process.on('SIGHUP', reload)
  let watcher: FSWatcher | undefined
  let pending: ReturnType<typeof setTimeout> | undefined
  if (options.watch) {
    // The folder, not the file: editors replace a file by renaming another over it.
    const file = basename(options.configPath)
    watcher = watch(dirname(options.configPath), (_event, name) => {
      if (name !== file) return
      // One reload for the several events one save makes.
      clearTimeout(pending)
      pending = setTimeout(reload, WATCH_SETTLE_MS)
    })
  }
  return () => {
    process.off('SIGHUP', reload)
    clearTimeout(pending)
    watcher?.close()
  }
}

/** How long a watched file must stay unchanged before it is reloaded. */
const WATCH_SETTLE_MS = 100
