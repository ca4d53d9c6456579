declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../../src/worker.ts')
  }
  interface Env {
    GATEWAY_CONFIG?: string
    CONFIG_KV_TEST: KVNamespace
    RATE_LIMIT_COUNTERS: DurableObjectNamespace<import('../../src/runtime/workers/counters-object.ts').RateLimitCounters>
  }
}
