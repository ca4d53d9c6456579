// What test/workers/global-setup.ts provides to the tests inside workerd.
declare module 'vitest' {
  export interface ProvidedContext {
    mockUrl: string
    gatewayConfig: string
    wsEchoPort: number
  }
}

export {}
