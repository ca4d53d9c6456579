// JSON configuration text, for every runtime. YAML files are read by the Node/Deno
// entries (src/cli/); the Worker takes JSON from its GATEWAY_CONFIG binding.

import { ConfigError } from './validate.ts'

export function parseJsonConfig(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    // The parser's message may quote the text around the error, which may be a secret.
    const position = /at position (\d+)/.exec((error as Error).message)?.[1]
    throw new ConfigError([{ path: '', message: position === undefined ? 'not valid JSON' : `not valid JSON (at character ${Number(position) + 1})` }])
  }
}
