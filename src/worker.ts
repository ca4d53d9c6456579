// Cloudflare Workers entry. The configuration is the GATEWAY_CONFIG binding (the declarative
// format as JSON text, or a JSON object var), or the JSON text under a key of the CONFIG_KV
// namespace (src/runtime/workers/kv-config.ts); vault references and credentials read the
// Worker's bindings and secrets.

import type { Env } from './env.ts'
import { headersAreText } from './http/field-text.ts'
import { createLogger, describeError, type Logger, type LogLevel } from './log.ts'
import { parseJsonConfig } from './model/load.ts'
import { ConfigError } from './model/validate.ts'
import { failedAnswer } from './pipeline/answers.ts'
import { answer, type RequestHandler } from './pipeline/exchange.ts'
import type { ClientInfo } from './pipeline/request.ts'
import { acceptedRequestId, newRequestId } from './request-id.ts'
import { createClusterStore } from './runtime/workers/cluster-store.ts'
import type { RateLimitCounters } from './runtime/workers/counters-object.ts'
import { configKvKey, kvConfigReader } from './runtime/workers/kv-config.ts'
import { loadGateway, platformTerminatesTls } from './startup.ts'

// The Durable Object class of the `cluster` rate-limit policy (wrangler.toml binds it).
export { RateLimitCounters } from './runtime/workers/counters-object.ts'

// workerd's Headers give a value's UTF-8 bytes decoded and send text as UTF-8: header text is taken as it is.
headersAreText()

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
  /** Where the configuration is: GATEWAY_CONFIG, or `CONFIG_KV <key>`. */
  origin: string
  source: unknown
  handler?: RequestHandler
  problems?: string[]
  log: Logger
}

// Built once per isolate and per configuration value.
let loaded: Loaded | undefined
/** A configuration from KV refused while another is served: not tried again on every request. */
let refused: unknown
const readKvConfig = kvConfigReader()

function build(env: Env, origin: string, source: unknown): Loaded {
  try {
    if (source === undefined) throw new ConfigError([{ path: 'GATEWAY_CONFIG', message: 'binding is not set' }])
    if (source === null) throw new ConfigError([{ path: 'CONFIG_KV', message: `has no key ${configKvKey(env)}` }])
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
    return { origin, source, log, handler }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    return unservable(origin, source, error)
  }
}

function unservable(origin: string, source: unknown, error: ConfigError): Loaded {
  // The problems may be in the settings themselves: told at info level and above.
  return { origin, source, log: createLogger('info', workersConsole), problems: error.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)) }
}

/**
 * The gateway for this configuration value. From KV, a value that is refused leaves the one
 * before under the same key serving (logged once); GATEWAY_CONFIG changes only with a deploy,
 * a new isolate.
 */
function load(env: Env, origin: string, source: unknown, keepLastGood: boolean): Loaded {
  const before = loaded?.origin === origin ? loaded : undefined
  if (before && (before.source === source || (keepLastGood && source === refused && before.handler))) return before
  const next = build(env, origin, source)
  if (next.handler || !keepLastGood || !before?.handler) {
    loaded = next
    refused = undefined
    return loaded
  }
  refused = source
  before.log.error('configuration not reloaded: invalid configuration in CONFIG_KV; the one before is still served', { problems: next.problems })
  return before
}

/** The configuration: the CONFIG_KV binding's key, else GATEWAY_CONFIG. */
async function current(env: Env): Promise<Loaded> {
  const kv = env.CONFIG_KV as KVNamespace | undefined
  if (!kv) return load(env, 'GATEWAY_CONFIG', env.GATEWAY_CONFIG, false)
  const key = configKvKey(env)
  const origin = `CONFIG_KV ${key}`
  if (env.GATEWAY_CONFIG !== undefined) {
    return unservable(origin, undefined, new ConfigError([{ path: 'GATEWAY_CONFIG', message: 'set beside the CONFIG_KV binding: keep one of the two' }]))
  }
  let text: string | null
  try {
    text = await readKvConfig(kv, key, env)
  } catch (error) {
    if (error instanceof ConfigError) return unservable(origin, undefined, error)
    const problem = `could not be read: ${describeError(error)}`
    // The configuration before goes on serving.
    if (loaded?.origin === origin && loaded.handler) {
      loaded.log.error(`configuration not reloaded: CONFIG_KV ${problem}`)
      return loaded
    }
    return unservable(origin, undefined, new ConfigError([{ path: 'CONFIG_KV', message: problem }]))
  }
  return load(env, origin, text, true)
}

export default {
  async fetch(request: Request, env: Env, ctx?: ExecutionContext): Promise<Response> {
    const { handler, problems, log } = await current(env)
    // What the log phase starts (counting an answer) would be cancelled with the request: kept alive.
    if (handler) return answer(handler, request, env, log, ctx && ((work) => ctx.waitUntil(work)))
    const requestId = acceptedRequestId(request.headers.get('x-request-id') ?? undefined) ?? newRequestId()
    log.error('invalid configuration: the gateway cannot serve requests', { request_id: requestId, problems })
    return failedAnswer(requestId)
  },
}
