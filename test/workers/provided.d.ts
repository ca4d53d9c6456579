// What test/workers/global-setup.ts provides to the tests inside workerd.
declare module 'vitest' {
  export interface ProvidedContext {
    mockUrl: string
    upstreamUrl: string
    gatewayConfig: string
  }
}

export {}
