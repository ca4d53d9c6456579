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
  proxyConfig,
  RATE_LIMIT_PATHS,
  rateLimitConfig,
  tracingConfig,
} from './bench-config.ts'
import { type RunningServer, startServer } from './servers.ts'

/** What the targets stand in front of, started once per bench run. */
export interface Upstreams {
  lambda: RunningServer
  plain: RunningServer
}

export type Suite = 'lambda' | 'plain-proxy' | 'workerd' | 'rate-limit'

export interface Target {
  name: string
  suite: Suite
  /** The path requests are sent to. */
  path: string
  /** Starts the target in front of its upstream; a floor returns the upstream itself. */
  start(upstreams: Upstreams): Promise<RunningServer>
}

const script = (name: string) => join(import.meta.dirname, name)

function configFile(config: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lambda-gateway-bench-')), 'kong.json')
  writeFileSync(file, JSON.stringify(config))
  return file
}

/** The production command line and defaults (info logs, one line per request). */
function startGateway(config: Record<string, unknown>): Promise<RunningServer> {
  return startServer([join(import.meta.dirname, '../../src/node.ts'), '--config', configFile(config), '--port', '0', '--host', '127.0.0.1'], {
    PATH: process.env.PATH,
  })
}

/** The Worker bundle in workerd (Miniflare), the counters' Durable Objects bound. */
function startWorkerd(config: Record<string, unknown>): Promise<RunningServer> {
  return startServer([script('workerd-gateway.ts'), configFile(config)])
}

export const TARGETS: readonly Target[] = [
  { name: 'floor', suite: 'lambda', path: INVOKE_PATH, start: async ({ lambda }) => lambda },
  { name: 'lambda-gateway', suite: 'lambda', path: PROXY_PATH, start: ({ lambda }) => startGateway(gatewayConfig(lambda.url)) },
  { name: 'sdk-proxy', suite: 'lambda', path: PROXY_PATH, start: ({ lambda }) => startServer([script('sdk-proxy.ts'), lambda.url]) },
  { name: 'node-http-forward', suite: 'lambda', path: PROXY_PATH, start: ({ lambda }) => startServer([script('http-forward.ts'), lambda.url]) },
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
