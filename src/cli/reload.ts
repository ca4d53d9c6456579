// Changing the configuration of a running Node or Deno gateway (SIGHUP, --watch, the admin
// listener's POST /config): the new file is loaded completely, as at start-up, and only when
// it is valid does it replace the gateway, in one step. A request is served whole by the
// gateway that was current when it arrived, so requests in flight finish on the configuration
// they started with; what the process keeps across configurations (credential caches, Lambda
// connection pools, `local` rate-limit counters) is handed to every load (LastingState).

import { createHash } from 'node:crypto'
import type { Logger } from '../log.ts'
import type { GatewayCertificate } from '../model/config.ts'
import { ConfigError, type ConfigProblem } from '../model/validate.ts'
import type { RequestHandler } from '../pipeline/exchange.ts'
import { type ConfigSource, readConfigSource } from './config-file.ts'

/** A configuration being served: its gateway, and what the admin listener tells of it. */
export interface LoadedConfig {
  handler: RequestHandler
  /** Kong's `configuration_hash`: the MD5 of the configuration's text. */
  hash: string
  /** The document as read (vault references unresolved), for `GET /config`. */
  document: unknown
  /** The certificates the https listener serves. */
  served: readonly GatewayCertificate[]
  routes: number
}

/** Loads a document as the entry does at start-up; throws ConfigError listing every problem. */
export type LoadConfig = (source: ConfigSource) => LoadedConfig

export interface ReloadCounts {
  /** Configurations that replaced the one before. */
  reloads: number
  /** Configurations refused (nothing changed). */
  failures: number
}

export interface Reloader {
  /** What the listeners serve: always the current configuration's gateway. */
  readonly handler: RequestHandler
  readonly current: LoadedConfig
  readonly counts: Readonly<ReloadCounts>
  /** Reads the file again; false when it is refused (every problem logged with its field), which changes nothing. */
  reloadFile(): Promise<boolean>
  /**
   * Serves the configuration `read` gives instead (one change at a time, in the order asked);
   * rejects with a ConfigError when it is refused, which changes nothing.
   */
  apply(read: () => ConfigSource | Promise<ConfigSource>, origin: string): Promise<LoadedConfig>
}

export function configHash(text: string): string {
  // Kong's hash of a declarative configuration (not a security measure: it tells versions apart).
  return createHash('md5').update(text).digest('hex')
}

export interface ReloaderOptions {
  file: string
  load: LoadConfig
  log: Logger
  /** Told of each new configuration: applied, or refused (the metrics of the status listener). */
  counted?(applied: boolean): void
}

export function createReloader(first: LoadedConfig, { file, load, log, counted }: ReloaderOptions): Reloader {
  let current = first
  const counts: ReloadCounts = { reloads: 0, failures: 0 }
  let queue: Promise<unknown> = Promise.resolve()

  async function replace(read: () => ConfigSource | Promise<ConfigSource>, origin: string): Promise<LoadedConfig> {
    let next: LoadedConfig | undefined
    try {
      next = load(await read())
      const changed = certificatesChanged(current.served, next.served)
      if (changed) throw new ConfigError([changed])
    } catch (error) {
      // Built but refused: what it started (active health checks) stops.
      void next?.handler.close?.()
      if (error instanceof ConfigError) {
        counts.failures++
        counted?.(false)
        log.error(`configuration not reloaded: invalid configuration in ${origin}; the one before is still served`, {
          problems: error.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)),
        })
      }
      throw error
    }
    const before = current
    current = next
    counts.reloads++
    counted?.(true)
    // Its requests in flight finish on it; what it runs in the background stops, and what waits
    // to be sent (log entries) is sent.
    void before.handler.close?.()
    log.info('configuration reloaded', { from: origin, configuration_hash: next.hash })
    return next
  }

  function apply(read: () => ConfigSource | Promise<ConfigSource>, origin: string): Promise<LoadedConfig> {
    const done = queue.then(() => replace(read, origin))
    queue = done.catch(() => {})
    return done
  }

  return {
    handler: {
      handle: (request, runtime) => current.handler.handle(request, runtime),
      close: async () => await current.handler.close?.(),
    },
    get current() {
      return current
    },
    counts,
    apply,
    reloadFile: () =>
      apply(() => readConfigSource(file), file).then(
        () => true,
        (error) => {
          if (error instanceof ConfigError) return false
          throw error
        },
      ),
  }
}

/**
 * The https listener is made with the certificates it serves: a configuration that changes
 * them is refused rather than served with the old ones.
 */
function certificatesChanged(before: readonly GatewayCertificate[], after: readonly GatewayCertificate[]): ConfigProblem | undefined {
  const pairs = (certificates: readonly GatewayCertificate[]) =>
    JSON.stringify(certificates.map((c) => [c.cert, c.key, c.cert_alt ?? null, c.key_alt ?? null, [...c.snis].sort()]))
  if (pairs(before) === pairs(after)) return undefined
  return { path: 'certificates', message: 'the certificates the https listener serves changed: restart the gateway to serve them' }
}
