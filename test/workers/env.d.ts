declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../../src/worker.ts')
  }
  interface Env {
    GATEWAY_CONFIG?: string
    RATE_LIMIT_COUNTERS: DurableObjectNamespace<import('../../src/runtime/workers/counters-object.ts').RateLimitCounters>
  }
}
