// The servers measured, each started as its users would start it, in two suites. The Lambda
// suite's floor is the Lambda server itself, asked at the Invoke path; the plain-proxy suite's
// is the plain upstream, asked directly: what no gateway can beat.

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startRedisServer } from '../../test/support/redis-server.ts'
import {
  CLUSTER_RATE_LIMIT,
  gatewayConfig,
  INVOKE_PATH,
  PLAIN_PATH,
  PROXY_PATH,
  prometheusConfig,
  proxyConfig,
  RATE_LIMIT_PATHS,
  rateLimitConfig,
  tracingConfig,
} from './bench-config.ts'
import { type RunningServer, startCommand, startServer } from './servers.ts'

/** What the targets stand in front of, started once per bench run. */
export interface Upstreams {
  lambda: RunningServer
  plain: RunningServer
}

export type Suite = 'lambda' | 'plain-proxy' | 'workerd' | 'rate-limit' | 'runtimes'

export interface Target {
  name: string
  suite: Suite
  /** The path requests are sent to. */
  path: string
  /** Starts the target in front of its upstream; a floor returns the upstream itself. */
  start(upstreams: Upstreams): Promise<RunningServer>
}

const script = (name: string) => join(import.meta.dirname, name)

export function configFile(config: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lambda-gateway-bench-')), 'kong.json')
  writeFileSync(file, JSON.stringify(config))
  return file
}

/** The production command line and defaults (info logs, one line per request); `env` adds settings. */
function startGateway(config: Record<string, unknown>, env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer([join(import.meta.dirname, '../../src/node.ts'), '--config', configFile(config), '--port', '0', '--host', '127.0.0.1'], {
    PATH: process.env.PATH,
    ...env,
  })
}

const DENO = join(import.meta.dirname, '../../node_modules/deno/deno')

/** The gateway under Deno, the production command line (package.json's start:deno) and defaults. */
function startDenoGateway(config: Record<string, unknown>): Promise<RunningServer> {
  const entry = join(import.meta.dirname, '../../src/deno.ts')
  return startCommand(
    DENO,
    ['run', '--allow-net', '--allow-env', '--allow-read', entry, '--config', configFile(config), '--port', '0', '--host', '127.0.0.1'],
    {
      PATH: process.env.PATH,
    },
  )
}

/** The Worker bundle served by workerd alone, as Cloudflare runs it (workerd-direct.ts). */
function startWorkerdDirect(config: Record<string, unknown>): Promise<RunningServer> {
  return startServer([script('workerd-direct.ts'), configFile(config)])
}

/** The Worker bundle in workerd (Miniflare), the counters' Durable Objects bound. */
function startWorkerd(config: Record<string, unknown>): Promise<RunningServer> {
  return startServer([script('workerd-gateway.ts'), configFile(config)])
}

export const TARGETS: readonly Target[] = [
  { name: 'floor', suite: 'lambda', path: INVOKE_PATH, start: async ({ lambda }) => lambda },
  { name: 'lambda-gateway', suite: 'lambda', path: PROXY_PATH, start: ({ lambda }) => startGateway(gatewayConfig(lambda.url)) },
  // The same route with the prometheus plugin counting every request (the status listener beside it, not scraped).
  {
    name: 'prom-on',
    suite: 'lambda',
    path: PROXY_PATH,
    start: ({ lambda }) => startGateway(prometheusConfig(lambda.url), { STATUS_LISTEN: '127.0.0.1:0' }),
  },
  { name: 'sdk-proxy', suite: 'lambda', path: PROXY_PATH, start: ({ lambda }) => startServer([script('sdk-proxy.ts'), lambda.url]) },
  { name: 'node-http-forward', suite: 'lambda', path: PROXY_PATH, start: ({ lambda }) => startServer([script('http-forward.ts'), lambda.url]) },
  { name: 'node-http-event-forward', suite: 'lambda', path: PROXY_PATH, start: ({ lambda }) => startServer([script('event-forward.ts'), lambda.url]) },
  // The opentelemetry plugin on the gateway's route: every trace exported (to the plain upstream), or none sampled.
  { name: 'otel-sampled', suite: 'lambda', path: PROXY_PATH, start: ({ lambda, plain }) => startGateway(tracingConfig(lambda.url, plain.url, 1)) },
  { name: 'otel-unsampled', suite: 'lambda', path: PROXY_PATH, start: ({ lambda, plain }) => startGateway(tracingConfig(lambda.url, plain.url, 0)) },
  { name: 'plain-upstream', suite: 'plain-proxy', path: PLAIN_PATH, start: async ({ plain }) => plain },
  { name: 'gateway-proxy', suite: 'plain-proxy', path: PLAIN_PATH, start: ({ plain }) => startGateway(proxyConfig(plain.url)) },
  { name: 'node-http-proxy', suite: 'plain-proxy', path: PLAIN_PATH, start: ({ plain }) => startServer([script('http-forward.ts'), '--pipe', plain.url]) },
  // The control for memory per request: the Lambda suite's forwarder, which reads bodies whole.
  { name: 'node-http-buffered', suite: 'plain-proxy', path: PLAIN_PATH, start: ({ plain }) => startServer([script('http-forward.ts'), plain.url]) },
  // The `cluster` rate-limit policy's cost on Workers: the same proxied route in workerd, bare and
  // behind rate-limiting counted in Durable Objects (every bench request from one client: one object).
  { name: 'workerd-bare', suite: 'workerd', path: PLAIN_PATH, start: ({ plain }) => startWorkerd(proxyConfig(plain.url)) },
  { name: 'workerd-cluster', suite: 'workerd', path: PLAIN_PATH, start: ({ plain }) => startWorkerd(proxyConfig(plain.url, CLUSTER_RATE_LIMIT)) },
  // The same two gateway targets on the other runtimes: under `deno run`, and the Worker bundle in
  // workerd without Miniflare (CPU per request there is workerd's own: what the isolate and
  // Cloudflare's runtime spend, without a dev proxy).
  { name: 'deno-lambda-gateway', suite: 'runtimes', path: PROXY_PATH, start: ({ lambda }) => startDenoGateway(gatewayConfig(lambda.url)) },
  { name: 'deno-gateway-proxy', suite: 'runtimes', path: PLAIN_PATH, start: ({ plain }) => startDenoGateway(proxyConfig(plain.url)) },
  { name: 'workerd-lambda-gateway', suite: 'runtimes', path: PROXY_PATH, start: ({ lambda }) => startWorkerdDirect(gatewayConfig(lambda.url)) },
  { name: 'workerd-gateway-proxy', suite: 'runtimes', path: PLAIN_PATH, start: ({ plain }) => startWorkerdDirect(proxyConfig(plain.url)) },
  // The rate-limiting plugin's cost: one gateway config, a bare route and one per policy.
  { name: 'rl-bare', suite: 'rate-limit', path: RATE_LIMIT_PATHS.bare, start: ({ lambda }) => startGateway(rateLimitConfig(lambda.url)) },
  { name: 'rl-local', suite: 'rate-limit', path: RATE_LIMIT_PATHS.local, start: ({ lambda }) => startGateway(rateLimitConfig(lambda.url)) },
  { name: 'rl-redis', suite: 'rate-limit', path: RATE_LIMIT_PATHS.redis, start: startWithRedis },
]

/** The gateway with a redis-server of its own (Debian's, from PATH), both stopped together. */
async function startWithRedis({ lambda }: Upstreams): Promise<RunningServer> {
  const redis = await startRedisServer()
  const gateway = await startGateway(rateLimitConfig(lambda.url, redis.port))
  return { ...gateway, stop: () => gateway.stop().finally(() => redis.stop()) }
}

export async function startUpstreams(): Promise<Upstreams> {
  const [lambda, plain] = await Promise.all([startServer([script('lambda-server.ts')]), startServer([script('plain-upstream.ts')])])
  return { lambda, plain }
}
