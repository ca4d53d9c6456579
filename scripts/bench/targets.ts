// The servers measured, each started as its users would start it. The floor is the Lambda
// server itself, asked at the Invoke path: what no gateway can beat.

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gatewayConfig, INVOKE_PATH, PROXY_PATH } from './bench-config.ts'
import { type RunningServer, startServer } from './servers.ts'

export interface Target {
  name: string
  /** The path requests are sent to. */
  path: string
  /** Starts the target in front of the Lambda server; the floor returns that server itself. */
  start(lambda: RunningServer): Promise<RunningServer>
}

const script = (name: string) => join(import.meta.dirname, name)

export const TARGETS: readonly Target[] = [
  { name: 'floor', path: INVOKE_PATH, start: async (lambda) => lambda },
  {
    name: 'lambda-gateway',
    path: PROXY_PATH,
    start: (lambda) => {
      const file = join(mkdtempSync(join(tmpdir(), 'lambda-gateway-bench-')), 'kong.json')
      writeFileSync(file, JSON.stringify(gatewayConfig(lambda.url)))
      // The production command line and defaults (info logs, one line per request).
      return startServer([join(import.meta.dirname, '../../src/node.ts'), '--config', file, '--port', '0', '--host', '127.0.0.1'], { PATH: process.env.PATH })
    },
  },
  { name: 'sdk-proxy', path: PROXY_PATH, start: (lambda) => startServer([script('sdk-proxy.ts'), lambda.url]) },
  { name: 'node-http-forward', path: PROXY_PATH, start: (lambda) => startServer([script('http-forward.ts'), lambda.url]) },
]

export function startLambdaServer(): Promise<RunningServer> {
  return startServer([script('lambda-server.ts')])
}
