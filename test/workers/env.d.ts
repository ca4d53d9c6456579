declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../../src/worker.ts')
  }
  interface Env {
    GATEWAY_CONFIG?: string
  }
}
