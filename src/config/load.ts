// JSON configuration text, for every runtime. YAML files are read by the Node/Deno
// entries (src/cli/); the Worker takes JSON from its GATEWAY_CONFIG binding.

import { ConfigError } from './validate.ts'

export function parseJsonConfig(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ConfigError([{ path: '', message: `not valid JSON: ${(error as Error).message}` }])
  }
}
