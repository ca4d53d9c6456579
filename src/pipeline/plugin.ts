// What a plugin is to the pipeline, after Kong's `kong/plugins/<name>/schema.lua` and
// `handler.lua`: a name, a priority, the schema of its `config`, and handlers for the phases it
// takes part in. The pipeline runs them; it knows no plugin by name
// (https://docs.konghq.com/gateway/latest/plugin-development/custom-logic/).

import type { HostCredentialSources } from '../credentials/types.ts'
import type { Base64Encoder } from '../encoding/base64.ts'
import type { SigningCrypto } from '../encoding/signing-crypto.ts'
import type { Env } from '../env.ts'
import type { Logger } from '../log.ts'
import type { LogFiles } from '../log-files.ts'
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts'
import type { GatewayConfig, GatewayRoute, PluginEntity } from '../model/declarative.ts'
import type { Schema, Validated } from '../model/schema.ts'
import type { CounterStores } from '../rate-limit/counter-store.ts'
import type { Transport } from '../transport.ts'
import type { RequestContext } from './context.ts'
import type { Served } from './log-phase.ts'

export interface PluginDefinition<S extends Schema = Schema> {
  readonly name: string
  /** Kong's PRIORITY: a higher one runs first in every phase (ties: the name later in the alphabet first). */
  readonly priority: number
  /** Its `config` fields, with Kong's names, types, defaults and checks. */
  readonly schema: S
  /** Kong's entity checks across fields, in Kong's words; none when the config is valid. */
  check?(config: Validated<S>): string[]
  /**
   * Kong's deprecated shorthand fields, still in real files: each (`redis_host`) is moved to
   * where it now lives (`['redis', 'host']`) before the config is validated.
   */
  readonly shorthands?: Readonly<Record<string, readonly [string, string]>>
  /**
   * It cannot be scoped to a consumer or a consumer group (Kong's `consumer = typedefs.no_consumer`
   * in its schema: authentication plugins, which find the consumer, and cors).
   */
  readonly noConsumer?: boolean
  /**
   * Whether, with this config, it answers every request in the access phase (aws-lambda;
   * request-termination without a `trigger`): a route it applies to then needs no upstream.
   */
  terminates?(config: Validated<S>): boolean
  /**
   * One instance per configured plugin and route, made when the configuration loads (a
   * service's or a global plugin serves each of its routes with its own): the place for work
   * that need not be done per request. Throws ConfigError for what this runtime cannot do.
   */
  create(config: Validated<S>, setup: PluginSetup): PluginHandlers
}

/** What a plugin instance is made with. */
export interface PluginSetup {
  /** The route it serves, as the configuration declares it. */
  route: GatewayRoute
  /** Where its `config` is in the file (`routes[2].plugins[0].config`), for problems found while making it. */
  path: string
  /** The route and service the plugin is configured on (neither: a global plugin), not the route it serves. */
  scope: Pick<PluginEntity, 'route' | 'service'>
  env: Env
  log: Logger
  /** What the runtime and the gateway hand every plugin: transports, credentials, settings. */
  services: GatewayServices
  /** The configuration's consumers and their credentials (what authentication plugins look a request's consumer up in). */
  consumers: ConsumerDirectory
}

/** The consumers of the configuration and their credentials, as the model built them. */
export type ConsumerDirectory = Pick<GatewayConfig, 'consumers' | 'credentials'>

/**
 * What a plugin may need from the gateway and the runtime beyond its config, the same for
 * every instance (so that pools and caches are shared).
 */
export interface GatewayServices {
  /** How this runtime reaches the network (Workers: fetch, which refuses proxy_url and ssl_verify: false). */
  readonly transport: Transport
  /** Credential sources tried after the environment (Node/Deno: file, container, web identity, IMDS). */
  readonly hostCredentials?: HostCredentialSources
  /** Faster hashes and HMACs than WebCrypto for signing, where the runtime has them (Node). */
  readonly signingCrypto?: SigningCrypto
  /** A faster base64 than the portable one, where the runtime has it (Node). */
  readonly encodeBase64?: Base64Encoder
  /** Where rate limits count: `local` everywhere, `redis` and `cluster` where the runtime has them. */
  readonly counters: CounterStores
  /** Files file-log appends to, where the runtime has a file system (Node, Deno). */
  readonly logFiles?: LogFiles
  /** `LAMBDA_ERROR_DETAILS=hide`. */
  readonly hideErrorDetails: boolean
  /** What the status listener serves (Node, Deno with STATUS_LISTEN), else why this runtime has none (the prometheus plugin's refusal). */
  readonly metrics: GatewayMetrics | string
  /** One value per key for the whole configuration, made on first use: what instances share. */
  once<T>(key: string, make: () => T): T
  /**
   * One value per key for the process, kept when the configuration is reloaded (credential
   * caches, connection pools): the key must name everything the value is made from.
   */
  kept<T>(key: string, make: () => T): T
  /**
   * One value per key kept across reloads while a configuration uses it, for what holds work in
   * flight (a log queue keeps its waiting entries and their retries when the file is reloaded).
   * `done` runs, and the server's close waits for it, once the last configuration that used it
   * has closed: at the process's close, or a reload to a file without it.
   */
  keptWhileUsed<T>(key: string, make: () => T, done: (value: T) => Promise<void>): T
}

/** A phase handler may answer (Kong's `kong.response.exit`); undefined lets the request go on. */
type MaybeAnswer = Response | undefined | Promise<Response | undefined>

export interface PluginHandlers {
  /**
   * Kong's rewrite phase: before any plugin's access phase, for the instances that apply to the
   * route whoever the consumer (one scoped to a consumer is known only after authentication).
   */
  rewrite?(ctx: RequestContext): void
  /**
   * Kong's access phase, in priority order. An answer ends the phase: lower-priority access
   * handlers do not run, while the response phases below still run for every plugin of the
   * request, as in Kong.
   */
  access?(ctx: RequestContext): MaybeAnswer
  /**
   * Kong's header_filter and body_filter: the answer on its way out, returned changed (or as
   * it was); for every plugin of the request, in priority order, whatever answered.
   */
  response?(ctx: RequestContext, response: Response): Response | Promise<Response>
  /**
   * Kong's log phase: after the answer's head is written, with what the client got (status,
   * headers, sizes, latencies; `serialize` in serialize.ts makes Kong's log entry of it). Work it
   * starts that must still finish (sending logs) is returned, never awaited by the answer:
   * a runtime that ends a request's work with its answer (Workers) keeps it alive until it settles.
   */
  log?(ctx: RequestContext, served: Served): Promise<unknown> | undefined
}
