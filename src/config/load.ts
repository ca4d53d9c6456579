// Configuration text → routes, for every runtime. YAML files are read by the Node/Deno
// entries (src/cli/); the Worker takes JSON from its GATEWAY_CONFIG binding.

import type { Env } from '../env.ts'
import { buildGatewayConfig, type GatewayConfig } from './declarative.ts'
import { ConfigError } from './validate.ts'

export function parseJsonConfig(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ConfigError([{ path: '', message: `not valid JSON: ${(error as Error).message}` }])
  }
}

export function loadConfig(document: unknown, env: Env): GatewayConfig {
  return buildGatewayConfig(document, env)
}
