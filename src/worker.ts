// Cloudflare Workers entry. The configuration is the GATEWAY_CONFIG binding (the declarative
// format as JSON text, or a JSON object var); vault references and credentials read the
// Worker's bindings and secrets.

import type { Env } from './env.ts'
import { createLogger, type Logger, type LogLevel } from './log.ts'
import { parseJsonConfig } from './model/load.ts'
import { ConfigError } from './model/validate.ts'
import { failedAnswer } from './pipeline/answers.ts'
import { answer, type RequestHandler } from './pipeline/exchange.ts'
import type { ClientInfo } from './pipeline/request.ts'
import { acceptedRequestId, newRequestId } from './request-id.ts'
import { createClusterStore } from './runtime/workers/cluster-store.ts'
import type { RateLimitCounters } from './runtime/workers/counters-object.ts'
import { loadGateway, platformTerminatesTls } from './startup.ts'

// The Durable Object class of the `cluster` rate-limit policy (wrangler.toml binds it).
export { RateLimitCounters } from './runtime/workers/counters-object.ts'

/**
 * Cloudflare's edge sets CF-Connecting-IP (clients cannot), tells the protocol in `cf`, and
 * gives the Worker the URL with the scheme the client used.
 */
function clientInfo(request: Request): ClientInfo {
  const protocol = (request as { cf?: { httpProtocol?: string } }).cf?.httpProtocol
  const scheme = request.url.startsWith('https:') ? 'https' : 'http'
  return { sourceIp: request.headers.get('cf-connecting-ip'), protocol: protocol ?? 'HTTP/1.1', scheme }
}

/** Workers dashboards and `wrangler dev` show console.error lines as errors: only warnings and errors go there. */
function workersConsole(line: string, level: LogLevel): void {
  if (level === 'warn' || level === 'error') console.error(line)
  else console.log(line)
}

interface Loaded {
  source: unknown
  handler?: RequestHandler
  problems?: string[]
  log: Logger
}

// Built once per isolate and per configuration value.
let loaded: Loaded | undefined

function load(env: Env): Loaded {
  if (loaded && loaded.source === env.GATEWAY_CONFIG) return loaded
  const source = env.GATEWAY_CONFIG
  try {
    if (source === undefined) throw new ConfigError([{ path: 'GATEWAY_CONFIG', message: 'binding is not set' }])
    if (env.STATUS_LISTEN !== undefined) {
      throw new ConfigError([{ path: 'STATUS_LISTEN', message: 'not supported on Workers: an isolate has no listener of its own to serve /metrics; unset it' }])
    }
    const document = typeof source === 'string' ? parseJsonConfig(source) : source
    const counters = env.RATE_LIMIT_COUNTERS as DurableObjectNamespace<RateLimitCounters> | undefined
    const { handler, log } = loadGateway(document, env, {
      clientInfo,
      logSink: workersConsole,
      httpsWithoutSni: true,
      checkCertificates: platformTerminatesTls,
      counterStores: counters
        ? { cluster: createClusterStore(counters) }
        : { missing: { cluster: 'the Worker has no RATE_LIMIT_COUNTERS Durable Object binding (declare it and its migration in wrangler.toml)' } },
    })
    loaded = { source, log, handler }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    // The problems may be in the settings themselves: told at info level and above.
    loaded = { source, log: createLogger('info', workersConsole), problems: error.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)) }
  }
  return loaded
}

export default {
  fetch(request: Request, env: Env, ctx?: ExecutionContext): Response | Promise<Response> {
    const { handler, problems, log } = load(env)
    // What the log phase starts (counting an answer) would be cancelled with the request: kept alive.
    if (handler) return answer(handler, request, env, log, ctx && ((work) => ctx.waitUntil(work)))
    const requestId = acceptedRequestId(request.headers.get('x-request-id') ?? undefined) ?? newRequestId()
    log.error('invalid configuration: the gateway cannot serve requests', { request_id: requestId, problems })
    return failedAnswer(requestId)
  },
}
