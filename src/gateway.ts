// The gateway: one fetch handler serving the routes of a validated configuration, each through its
// plugin plan (src/pipeline/). Runtime entries hand it their environment, transport and log
// sink; it never asks which runtime it is on, and knows no plugin by name.

import type { Balancer } from './balancer/balancer.ts'
import { type BalancerOptions, createBalancers, type UpstreamBalancer } from './balancer/create.ts'
import type { HostCredentialSources } from './credentials/types.ts'
import type { Base64Encoder } from './encoding/base64.ts'
import type { SigningCrypto } from './encoding/signing-crypto.ts'
import type { Env } from './env.ts'
import { getOrCreate } from './get-or-create.ts'
import { withEditedHeaders } from './http/edit-headers.ts'
import { discardBody } from './http/held-body.ts'
import { NULL_BODY_STATUSES } from './http/null-body.ts'
import { describeError, type Logger } from './log.ts'
import type { LogFiles } from './log-files.ts'
import type { GatewayMetrics } from './metrics/gateway-metrics.ts'
import type { GatewayConfig, GatewayRoute } from './model/declarative.ts'
import { ConfigError, type ConfigProblem } from './model/validate.ts'
import { failedAnswer, httpsRequiredResponse, jsonResponse, noRouteResponse, noServiceResponse } from './pipeline/answers.ts'
import { createContext, type RequestContext } from './pipeline/context.ts'
import type { Exchange, RequestHandler } from './pipeline/exchange.ts'
import { type AnswerSource, type Served, served } from './pipeline/log-phase.ts'
import { planRoute } from './pipeline/plan.ts'
import type { GatewayServices, PluginDefinition, PluginHandlers } from './pipeline/plugin.ts'
import { type RealIpSettings, realClientAddress } from './pipeline/real-ip.ts'
import { type BodyReader, type ClientInfo, type ClientInfoReader, readRequestBody, UNKNOWN_CLIENT } from './pipeline/request.ts'
import { type RoutePlan, runPlan } from './pipeline/run.ts'
import { PLUGINS } from './plugins/index.ts'
import { fetchUpstreamTransport } from './proxy/fetch-transport.ts'
import { createProxy } from './proxy/proxy.ts'
import type { UpstreamTransport } from './proxy/upstream-transport.ts'
import type { CounterStore, CounterStores } from './rate-limit/counter-store.ts'
import { createLocalStore } from './rate-limit/local-store.ts'
import { acceptedRequestId, newRequestId } from './request-id.ts'
import { createRouter, routingHost } from './router/router.ts'
import { type BodyLimits, DEFAULT_BODY_LIMITS } from './settings.ts'
import { fetchTransport, type Transport } from './transport.ts'

export type { Exchange, RequestHandler }

export interface GatewayOptions {
  config: GatewayConfig
  env: Env
  log: Logger
  /** How this runtime reaches the network; the default, fetch, refuses proxy_url and ssl_verify: false. */
  transport?: Transport
  /** How this runtime sends proxied requests to services (default: fetch, which refuses the TLS settings Workers cannot honour). */
  upstreamTransport?: UpstreamTransport
  /** Balancers by upstream name instead of those made from the configuration's upstreams (tests). */
  balancers?: ReadonlyMap<string, Balancer>
  /**
   * Starts the active health checks of the upstreams' balancers and returns what stops them
   * (Node, Deno: src/balancer/active-checks.ts). Without it (Workers: an isolate has no
   * background timers), an upstream with active checks enabled is refused.
   */
  activeHealthChecks?: StartActiveChecks
  /** Credential sources tried after the environment (Node/Deno: file, container, web identity, IMDS). */
  hostCredentials?: HostCredentialSources
  /** The rate-limit stores beyond `local` this runtime offers (Node/Deno: redis; Workers: cluster). */
  counterStores?: Omit<CounterStores, 'local'>
  /** Files file-log appends to, where the runtime has a file system (Node, Deno); without them file-log is refused. */
  logFiles?: LogFiles
  /** Faster hashes and HMACs than WebCrypto for signing, where the runtime has them (Node). */
  signingCrypto?: SigningCrypto
  /** A faster base64 for event bodies than the portable one, where the runtime has it (Node). */
  encodeBase64?: Base64Encoder
  body?: BodyLimits
  /** How this runtime reads a request body (Node: from its socket, with a timeout between reads). */
  readBody?: BodyReader
  /** How this runtime tells the client's address and protocol (API Gateway events). */
  clientInfo?: ClientInfoReader
  /** `TRUSTED_IPS`: the peers whose `REAL_IP_HEADER` tells the client's address (nginx's realip module in Kong). */
  realIp?: RealIpSettings
  /** `HEALTH_PATH`: GET/HEAD there answers 200 before any route is matched. */
  healthPath?: string
  /** `LAMBDA_ERROR_DETAILS=hide`: function errors answered sanitised, AWS's x-amz* headers not forwarded. */
  hideErrorDetails?: boolean
  /** What a reload keeps from the configuration before (default: nothing; src/cli/reload.ts passes the process's). */
  lasting?: LastingState
  /**
   * The metrics the status listener serves (Node, Deno with STATUS_LISTEN), or why there are none:
   * the prometheus plugin is refused with it. Without it, Workers' reason.
   */
  metrics?: GatewayMetrics | string
  /** The plugins it runs (default: every plugin of this gateway); the config was read with the same. */
  registry?: readonly PluginDefinition[]
  /**
   * Requests arrive over TLS without the runtime telling their server name (Workers, Deno's https
   * listener): routes with `snis` are refused at load, since Kong matches https requests against
   * them. Node tells it (ClientInfo.sni); over plain HTTP Kong ignores `snis` too.
   */
  httpsWithoutSni?: boolean
}

/**
 * What outlives a configuration in one process, so that a reload keeps it: values plugins keep
 * by settings (credential caches, Lambda connection pools) and the `local` rate-limit counters,
 * which a reload must not reset.
 */
export interface LastingState {
  readonly values: Map<string, unknown>
  readonly localCounters: CounterStore
  /** The values kept while a configuration uses them, with how many do. */
  readonly used: Map<string, { value: unknown; users: number }>
}

export function createLastingState(): LastingState {
  return { values: new Map(), localCounters: createLocalStore(), used: new Map() }
}

export type StartActiveChecks = (balancers: Iterable<UpstreamBalancer>, transport: UpstreamTransport, log: Logger) => () => void

/** The balancers of the configuration's upstreams, by name; what this runtime cannot do is a problem. */
function upstreamBalancers(config: GatewayConfig, options: BalancerOptions, problems: Map<string, ConfigProblem>): ReadonlyMap<string, UpstreamBalancer> {
  try {
    return createBalancers(config.upstreams, options)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    for (const problem of error.problems) problems.set(problem.path, problem)
    return new Map()
  }
}

/** What is known of a request while it is served, for its log line. */
interface RequestState {
  /** What the runtime's server passed beside the request (Node's IncomingMessage, Deno's address, Worker bindings). */
  runtime: unknown
  receivedAt: number
  requestId: string
  gatewayRequestId: string
  url?: URL
  route?: GatewayRoute
  ctx?: RequestContext
  /** The plugins that took part: their log handlers run once the answer is sent. */
  plugins?: PluginHandlers[]
  /** Who made the answer, for their log handlers. */
  source?: AnswerSource
  /** Health checks are not logged: orchestrators probe every few seconds. */
  quiet?: boolean
}

/** Why a Worker has no metrics: the prometheus plugin's refusal. */
const NOT_SCRAPABLE =
  'not supported on Workers: an isolate cannot be scraped (no listener of its own, and each isolate counts apart); use Cloudflare’s Workers metrics, or send logs with http-log and traces with opentelemetry'

/**
 * Throws ConfigError listing every problem found while making the routes' plugins (the
 * environment's settings they read, what this runtime cannot do).
 */
export function createGateway(options: GatewayOptions): RequestHandler {
  const { config, env, log } = options
  const limits = options.body ?? DEFAULT_BODY_LIMITS
  const readBody = options.readBody ?? readRequestBody
  const peerInfo: ClientInfoReader = options.clientInfo ?? (() => UNKNOWN_CLIENT)
  const { realIp } = options
  // Once per request, before routing: every plugin, log line and event sees the same address.
  const clientInfo: ClientInfoReader = realIp
    ? (request, runtime) => {
        const peer = peerInfo(request, runtime)
        return { ...peer, sourceIp: realClientAddress(peer.sourceIp, request.headers, realIp), peerIp: peer.sourceIp }
      }
    : peerInfo
  const shared = new Map<string, unknown>()
  const lasting = options.lasting ?? createLastingState()
  const closing: Array<() => Promise<void>> = []
  const usedHere = new Set<string>()
  const services: GatewayServices = {
    transport: options.transport ?? fetchTransport,
    hostCredentials: options.hostCredentials,
    signingCrypto: options.signingCrypto,
    encodeBase64: options.encodeBase64,
    logFiles: options.logFiles,
    counters: { ...options.counterStores, local: lasting.localCounters },
    hideErrorDetails: options.hideErrorDetails === true,
    metrics: options.metrics ?? NOT_SCRAPABLE,
    once: (key, make) => getOrCreate(shared, key, make) as ReturnType<typeof make>,
    kept: (key, make) => getOrCreate(lasting.values, key, make) as ReturnType<typeof make>,
    keptWhileUsed: (key, make, done) => {
      const used = getOrCreate(lasting.used, key, () => ({ value: make(), users: 0 }))
      const value = used.value as ReturnType<typeof make>
      // Counted once per configuration; the next one is built before this one closes, so what both use lives on.
      if (!usedHere.has(key)) {
        usedHere.add(key)
        used.users++
        closing.push(async () => {
          if (--used.users > 0) return
          lasting.used.delete(key)
          await done(value)
        })
      }
      return value
    },
  }
  const problems = new Map<string, ConfigProblem>()
  const transport = options.upstreamTransport ?? fetchUpstreamTransport
  // A runtime that cannot send the client's Host (fetch) cannot send an upstream's host_header either.
  const hostHeader = (transport.unsupported?.({ preserveHost: true }) ?? []).length === 0
  const made = options.balancers
    ? undefined
    : upstreamBalancers(config, { activeHealthChecks: options.activeHealthChecks !== undefined, hostHeader, log }, problems)
  const proxySetup = { transport, sendsHost: hostHeader, balancers: options.balancers ?? made ?? new Map(), realIp, log }
  const routes = config.routes.flatMap((route) => {
    try {
      const plan: RoutePlan = planRoute(route, config.plugins, options.registry ?? PLUGINS, {
        env,
        log,
        services,
        consumers: config,
        upstream: (route) => (route.service ? createProxy(route, route.service, proxySetup) : (ctx) => noServiceResponse(ctx.requestId)),
      })
      return [{ ...route, plan }]
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      // A service's or a global plugin is made for each of its routes: its problems are said once.
      for (const problem of error.problems) problems.set(`${problem.path}\n${problem.message}`, problem)
      return []
    }
  })
  if (options.httpsWithoutSni) {
    for (const route of routes.filter((r) => r.snis.length > 0)) {
      const message =
        "not supported on this runtime: it does not tell a request's TLS server name, which Kong matches https requests against (match on `hosts` instead)"
      problems.set(route.path, { path: `${route.path}.snis`, message })
    }
  }
  if (problems.size > 0) throw new ConfigError([...problems.values()])
  // Only a configuration that loads tells the status listener its upstreams.
  if (typeof services.metrics === 'object' && made) services.metrics.upstreams(made)
  const unapplied = routes.filter((route) => route.pathHandling === 'v1').map((route) => route.label)
  if (unapplied.length > 0) {
    // Kong 3's words: its default router flavour joins paths the v0 way whatever the route says.
    log.warn(
      "path_handling='v1' is deprecated and will not work under 'expressions' or 'traditional_compatible' router_flavor, please use path_handling='v0' instead",
      {
        routes: unapplied,
      },
    )
  }
  const match = createRouter(routes)
  const shadowed = options.healthPath === undefined ? undefined : match({ method: 'GET', host: '', path: options.healthPath, scheme: 'http', header: () => [] })
  if (shadowed) {
    log.warn(`HEALTH_PATH ${options.healthPath} is also a path of this route: GET and HEAD there answer the health check, not the route`, {
      route: shadowed.route.label,
    })
  }

  /**
   * The answer to `raw`: whatever serving it throws is the sanitised 500. An answer that carries
   * no body stops whatever would produce it (a streamed Invoke call).
   */
  async function answer(raw: Request, state: RequestState): Promise<Response> {
    let response: Response
    try {
      response = await serve(raw, state)
    } catch (error) {
      response = failed(error, state.requestId)
    }
    return raw.method === 'HEAD' || NULL_BODY_STATUSES.has(response.status) ? withoutBody(response) : response
  }

  function failed(error: unknown, requestId: string): Response {
    log.error(`request failed: ${describeError(error)}`, { request_id: requestId })
    return failedAnswer(requestId)
  }

  async function serve(raw: Request, state: RequestState): Promise<Response> {
    const url = new URL(raw.url)
    state.url = url
    if (options.healthPath !== undefined && url.pathname === options.healthPath && (raw.method === 'GET' || raw.method === 'HEAD')) {
      state.quiet = true
      return healthResponse()
    }
    const { receivedAt, requestId, gatewayRequestId, runtime } = state
    const client = clientInfo(raw, runtime)
    const found = match({
      method: raw.method,
      host: routingHost(url, raw.headers.get('host') ?? undefined),
      path: url.pathname,
      scheme: client.scheme,
      sni: client.sni,
      header: headerValues(raw.headers, client),
    })
    if (!found) return noRouteResponse(requestId)
    state.route = found.route
    const { protocols, httpsRedirectStatusCode } = found.route
    // Kong believes a trusted proxy's X-Forwarded-Proto and X-Forwarded-Host here.
    const forwarded = (name: string) => (realIp?.trusted(client.peerIp ?? client.sourceIp) ? raw.headers.get(name) : null)
    // The route first: only https-only routes need the trusted-peer check.
    if (protocols.includes('https') && !protocols.includes('http') && (forwarded('x-forwarded-proto') ?? client.scheme) !== 'https') {
      const location = `https://${forwarded('x-forwarded-host') ?? url.hostname}${url.pathname}${url.search}`
      return httpsRequiredResponse(httpsRedirectStatusCode, location, requestId)
    }
    const ctx = createContext(
      { request: raw, runtime, readBody, limits },
      { url, match: found, route: found.route, client, receivedAt, requestId, gatewayRequestId, log },
    )
    state.ctx = ctx
    const { response, source, plugins } = await runPlan(found.route.plan, ctx)
    state.plugins = plugins
    state.source = source
    return response
  }

  /**
   * One line per request, with the status the client got; the path without its query, which may
   * carry secrets. Returns the work the plugins' log phase started, if any.
   */
  function logLine(state: RequestState, method: string, status: number, response: Response): Promise<unknown> | undefined {
    if (state.quiet) return undefined
    log.info('request', {
      request_id: state.requestId,
      ...(state.requestId === state.gatewayRequestId ? {} : { gateway_request_id: state.gatewayRequestId }),
      route: state.route?.label ?? null,
      ...state.ctx?.logFields,
      method,
      path: state.url?.pathname ?? null,
      status,
      latency_ms: Date.now() - state.receivedAt,
    })
    if (!state.ctx || !state.route || !state.plugins) return undefined
    const pending: Promise<unknown>[] = []
    // Made only for a request some plugin logs.
    let done: Served | undefined
    for (const plugin of state.plugins) {
      if (!plugin.log) continue
      done ??= served(state.ctx, state.route, response, status, state.source ?? 'error', Date.now())
      // The answer is sent: a log handler's failure is the log's, and the next plugin still logs.
      try {
        const work = plugin.log(state.ctx, done)
        if (work) pending.push(work)
      } catch (error) {
        log.error(`a plugin's log phase failed: ${describeError(error)}`, { request_id: state.requestId })
      }
    }
    return pending.length > 0 ? Promise.allSettled(pending) : undefined
  }

  const stopChecks = made && options.activeHealthChecks?.(made.values(), transport, log)
  return {
    close: async () => {
      stopChecks?.()
      await Promise.all(closing.map((send) => send()))
    },
    async handle(request, runtime) {
      const gatewayRequestId = newRequestId()
      const state: RequestState = {
        runtime,
        receivedAt: Date.now(),
        gatewayRequestId,
        requestId: acceptedRequestId(request.headers.get('x-request-id') ?? undefined) ?? gatewayRequestId,
      }
      let response: Response
      try {
        response = withRequestId(await answer(request, state), state.requestId)
      } catch (error) {
        response = failed(error, state.requestId)
      }
      const made = response
      return { response, requestId: state.requestId, sent: (status) => logLine(state, request.method, status, made) }
    },
  }
}

/**
 * A header's values for route `headers`: each line apart where the runtime keeps them (Node),
 * as nginx gives them to Kong; elsewhere fetch's value, repeated lines joined with `, `.
 */
function headerValues(headers: Headers, client: ClientInfo): (name: string) => readonly string[] {
  const lines = client.raw?.headerLines
  if (lines) return (name) => lines.flatMap(([key, value]) => (key === name ? [value] : []))
  return (name) => {
    const value = headers.get(name)
    return value === null ? [] : [value]
  }
}

/** The opt-in health check (`HEALTH_PATH`): the process is up and has a valid configuration. */
function healthResponse(): Response {
  return jsonResponse(200, { status: 'ok' })
}

/** The same answer without its body, which is cancelled. */
function withoutBody(response: Response): Response {
  discardBody(response)
  return new Response(null, { status: response.status, headers: response.headers })
}

/** Every answer carries the request id it was logged under. */
function withRequestId(response: Response, requestId: string): Response {
  return withEditedHeaders(response, (headers) => headers.set('x-request-id', requestId))
}
