// The metrics the status listener serves: Kong 3's prometheus plugin's request metrics, with its
// names, labels and buckets (https://github.com/Kong/kong/blob/master/kong/plugins/prometheus/exporter.lua),
// its upstream target health, and this gateway's own Lambda series — invocations by function and
// outcome, credential refreshes. Made by the Node and Deno entries when STATUS_LISTEN is set;
// the Worker never loads this file.

import type { UpstreamBalancer } from '../balancer/create.ts'
import type { Latencies } from '../pipeline/log-phase.ts'
import type { PluginHandlers } from '../pipeline/plugin.ts'
import type { PrometheusConfig } from '../plugins/prometheus/schema.ts'
import { createRegistry } from './registry.ts'

export interface GatewayMetrics {
  /** A prometheus plugin instance's handlers: its log phase counts the requests of the route it serves. */
  prometheus(config: PrometheusConfig): PluginHandlers
  /** A credential cache's refresh, and whether it got credentials. */
  credentialRefresh(credentials: string, ok: boolean): void
  /** A new configuration (SIGHUP, --watch, POST /config): applied, or refused with nothing changed. */
  configurationReload(applied: boolean): void
  /** The configuration's upstreams: their targets' health is read at each scrape. */
  upstreams(balancers: ReadonlyMap<string, UpstreamBalancer>): void
  /** The metrics in Prometheus' text format. */
  render(): string
}

const KONG_LATENCY_BUCKETS = [1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000]
const UPSTREAM_LATENCY_BUCKETS = [25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000]
/** Kong's workspace label: a declarative configuration is the `default` workspace. */
const WORKSPACE = 'default'
const HEALTH_STATES = ['healthchecks_off', 'healthy', 'unhealthy', 'dns_error'] as const

export function createGatewayMetrics(): GatewayMetrics {
  const registry = createRegistry()
  const latency = ['service', 'route', 'workspace']
  const kong = {
    status: registry.counter('kong_http_requests_total', 'HTTP status codes per consumer/service/route in Kong', [
      'service',
      'route',
      'code',
      'source',
      'workspace',
      'consumer',
    ]),
    kongLatency: registry.histogram(
      'kong_kong_latency_ms',
      'Latency added by Kong and enabled plugins for each service/route in Kong',
      latency,
      KONG_LATENCY_BUCKETS,
    ),
    upstreamLatency: registry.histogram(
      'kong_upstream_latency_ms',
      'Latency added by upstream response for each service/route in Kong',
      latency,
      UPSTREAM_LATENCY_BUCKETS,
    ),
    requestLatency: registry.histogram(
      'kong_request_latency_ms',
      'Total latency incurred during requests for each service/route in Kong',
      latency,
      UPSTREAM_LATENCY_BUCKETS,
    ),
    bandwidth: registry.counter('kong_bandwidth_bytes', 'Total bandwidth (ingress/egress) throughput in bytes', [
      'service',
      'route',
      'direction',
      'workspace',
      'consumer',
    ]),
    targetHealth: registry.gauge(
      'kong_upstream_target_health',
      'Health status of targets of upstream. States = healthchecks_off|healthy|unhealthy|dns_error, value is 1 when state is populated.',
      ['upstream', 'target', 'address', 'state', 'subsystem'],
    ),
  }
  const invocations = registry.counter(
    'lambda_gateway_invocations_total',
    'Lambda Invoke calls per route and function, by outcome (ok, function_error, api_error, timeout, error) and the Invoke API status',
    ['route', 'function', 'outcome', 'status'],
  )
  const refreshes = registry.counter('lambda_gateway_credential_refreshes_total', 'AWS credential refreshes per credential source, by outcome (ok, failed)', [
    'credentials',
    'outcome',
  ])
  const reloads = registry.counter('lambda_gateway_config_reloads_total', 'Configurations loaded while serving, by outcome (applied, refused)', ['outcome'])
  let balancers: ReadonlyMap<string, UpstreamBalancer> = new Map()
  /** Kong reads target health only when an instance asks for it (`upstream_health_metrics` on any). */
  let healthWanted = false

  return {
    prometheus(config) {
      healthWanted ||= config.upstream_health_metrics
      return {
        log(ctx, served) {
          // Kong's labels: the service's name else its host, the route's name else its id (else, where
          // Kong would make a random one, its place in the file).
          const service = served.service?.name ?? served.service?.host ?? ''
          const route = served.route.name ?? served.route.id ?? served.route.label
          const consumer = config.per_consumer ? (served.consumer?.username ?? '') : ''
          if (config.bandwidth_metrics) {
            const { requestSize, responseSize } = served
            if (requestSize > 0) kong.bandwidth.inc([service, route, 'ingress', WORKSPACE, consumer], requestSize)
            if (responseSize > 0) kong.bandwidth.inc([service, route, 'egress', WORKSPACE, consumer], responseSize)
          }
          if (config.status_code_metrics) {
            kong.status.inc([service, route, String(served.status), served.source === 'service' ? 'service' : 'kong', WORKSPACE, consumer])
          }
          if (config.latency_metrics) observeLatencies(served.latencies, [service, route, WORKSPACE])
          const invocation = ctx.upstreamCall?.invocation
          if (invocation) invocations.inc([route, invocation.function, invocation.outcome, invocation.status === undefined ? '' : String(invocation.status)])
          return undefined
        },
      }
    },
    credentialRefresh(credentials, ok) {
      refreshes.inc([credentials, ok ? 'ok' : 'failed'])
    },
    configurationReload(applied) {
      reloads.inc([applied ? 'applied' : 'refused'])
    },
    upstreams(made) {
      balancers = made
    },
    render() {
      kong.targetHealth.reset()
      if (healthWanted) {
        for (const [name, balancer] of balancers) {
          const off = !usesHealthchecks(balancer)
          for (const { target, health } of balancer.checked) {
            const address = `${target.host}:${target.port}`
            const state = off ? 'healthchecks_off' : health.healthy ? 'healthy' : 'unhealthy'
            for (const each of HEALTH_STATES) kong.targetHealth.set([name, address, address, each, 'http'], each === state ? 1 : 0)
          }
        }
      }
      return registry.render()
    },
  }

  function observeLatencies(latencies: Latencies, labels: string[]): void {
    if (latencies.request >= 0) kong.requestLatency.observe(labels, latencies.request)
    if (latencies.proxy >= 0) kong.upstreamLatency.observe(labels, latencies.proxy)
    if (latencies.kong >= 0) kong.kongLatency.observe(labels, latencies.kong)
  }
}

/** Kong's healthchecker runs only for an upstream with active probes or passive failure thresholds (healthcheckers.lua). */
function usesHealthchecks({ upstream }: UpstreamBalancer): boolean {
  const { active, passive } = upstream.healthchecks
  return (
    active.healthy.interval !== 0 ||
    active.unhealthy.interval !== 0 ||
    passive.unhealthy.tcp_failures !== 0 ||
    passive.unhealthy.timeouts !== 0 ||
    passive.unhealthy.http_failures !== 0
  )
}
