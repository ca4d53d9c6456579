// `npm run check -- --config FILE`: loads a config exactly as the Node entry would, in this
// environment (vault references, regions, credential source settings), and prints every
// problem with its field path. Exit code 0 when the gateway would start, 1 when not.

import { parseArgs } from 'node:util'
import { loadGateway, printProblems } from './cli/start.ts'
import { ConfigError } from './config/validate.ts'
import type { Env } from './env.ts'
import { hostCredentialSources } from './node/credentials.ts'
import { nodeTransport } from './node/http-transport.ts'

const USAGE = 'usage: npm run check -- --config FILE'

export async function checkConfig(argv: string[], env: Env): Promise<boolean> {
  let configPath: string | undefined
  try {
    configPath = parseArgs({ args: argv, options: { config: { type: 'string' } }, strict: true }).values.config
  } catch (error) {
    console.error(`lambda-gateway check: ${(error as Error).message}\n${USAGE}`)
    return false
  }
  if (!configPath) {
    console.error(`lambda-gateway check: --config FILE is required\n${USAGE}`)
    return false
  }
  try {
    // Warnings (a route without a region, ssl_verify off) are shown; request logs are not.
    const hooks = { clientInfo: () => ({ sourceIp: null, protocol: 'HTTP/1.1' }), transport: nodeTransport, hostCredentials: hostCredentialSources }
    const { config } = await loadGateway(configPath, env, hooks, 'warn')
    console.log(`${configPath}: valid, ${config.routes.length} route${config.routes.length === 1 ? '' : 's'}`)
    return true
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    printProblems(configPath, error)
    return false
  }
}

if (import.meta.main) process.exit((await checkConfig(process.argv.slice(2), process.env)) ? 0 : 1)
