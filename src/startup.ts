// Start-up, written once for every entry: settings from the environment, the declarative
// document → validated config → the gateway, with what the runtime adds. Throws ConfigError
// listing every problem; the entry decides how to tell them (Node/Deno print and exit, the
// Worker answers 500 and logs them).

import type { HostCredentialSources } from './credentials/types.ts'
import type { Base64Encoder } from './encoding/base64.ts'
import type { SigningCrypto } from './encoding/signing-crypto.ts'
import type { Env } from './env.ts'
import { createGateway, type StartActiveChecks } from './gateway.ts'
import { createLogger, type LogLevel } from './log.ts'
import type { LogFiles } from './log-files.ts'
import { type BuildOptions, buildGatewayConfig, type GatewayCertificate, type GatewayConfig } from './model/declarative.ts'
import { ConfigError, type ConfigProblem } from './model/validate.ts'
import type { BodyReader, ClientInfoReader } from './pipeline/request.ts'
import type { UpstreamTransport } from './proxy/upstream-transport.ts'
import type { CounterStores } from './rate-limit/counter-store.ts'
import { readServerLimits, readSettings, SERVER_LIMIT_VARIABLES, type ServerLimits } from './settings.ts'
import type { Transport } from './transport.ts'

/** What the runtime entry adds to the portable gateway. */
export interface RuntimeHooks {
  clientInfo: ClientInfoReader
  /** How this runtime reaches the network; the default, fetch, refuses proxy_url and ssl_verify: false. */
  transport?: Transport
  /** How this runtime sends proxied requests to services (default: fetch). */
  upstreamTransport?: UpstreamTransport
  /** Runs upstreams' active health checks (Node, Deno); without it they are refused at load. */
  activeHealthChecks?: StartActiveChecks
  hostCredentials?: HostCredentialSources
  /** The rate-limit stores beyond `local` this runtime offers (Node/Deno: redis; Workers: cluster). */
  counterStores?: Omit<CounterStores, 'local'>
  /** Where log lines go (default: stderr through console.error). */
  logSink?: (line: string, level: LogLevel) => void
  signingCrypto?: SigningCrypto
  encodeBase64?: Base64Encoder
  /** Files file-log appends to (Node, Deno); without them file-log is refused. */
  logFiles?: LogFiles
  /** Requests arrive over TLS without the runtime telling their server name (Workers): routes with `snis` are refused. */
  httpsWithoutSni?: boolean
  /** What this runtime finds wrong with the file's certificates (Node/Deno: Kong's checks; Workers: any served one). */
  checkCertificates?: (config: GatewayConfig) => ConfigProblem[]
  /** The entry's HTTP server: how it reads bodies, and the limits it cannot honour (refused when set). */
  server?: {
    bodyReader(timeoutMs: number): BodyReader
    unsupportedLimits?: ReadonlyArray<keyof ServerLimits>
    runtime: string
    /** Its https listener: whether it tells a request's TLS server name, and what it cannot serve of the certificates with SNIs. */
    https: { tellsServerName: boolean; refuse?(served: readonly GatewayCertificate[]): ConfigProblem[] }
  }
}

/**
 * The gateway a parsed config file gives in this environment; throws ConfigError listing every
 * problem. Vault references in `document` are resolved in place.
 */
export function loadGateway(document: unknown, env: Env, hooks: RuntimeHooks, logLevel?: LogLevel, build?: BuildOptions) {
  const settings = readSettings(env)
  const log = createLogger(logLevel ?? settings.logLevel, hooks.logSink ?? ((line) => console.error(line)))
  const limits = hooks.server ? serverLimits(env, hooks.server) : undefined
  const config = buildGatewayConfig(document, env, build)
  const certificateProblems = hooks.checkCertificates?.(config) ?? []
  if (certificateProblems.length > 0) throw new ConfigError(certificateProblems)
  // Once per load: what reading the file changed (a 1.1 or 2.1 file's migrated paths).
  for (const warning of config.warnings) log.warn(warning.message, warning.fields)
  const { server, logSink: _sink, checkCertificates: _check, ...runtime } = hooks
  const handler = createGateway({
    config,
    env,
    log,
    body: settings.body,
    healthPath: settings.healthPath,
    realIp: settings.realIp,
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

/** Workers: the platform terminates TLS with its own certificates, so a certificate with SNIs would never be served. */
export function platformTerminatesTls(config: GatewayConfig): ConfigProblem[] {
  return config.certificates
    .filter((certificate) => certificate.snis.length > 0)
    .map(({ path }) => ({ path, message: 'not served on Workers: Cloudflare terminates TLS with the certificates of your zone; remove it' }))
}
