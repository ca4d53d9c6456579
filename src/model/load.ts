// JSON configuration text, for every runtime. YAML files are read by the Node/Deno
// entries (src/cli/); the Worker takes JSON from its GATEWAY_CONFIG binding.

import { ConfigError } from './validate.ts'

export function parseJsonConfig(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    // Where and why, never the parser's quote of the text around it, which may be a secret.
    const message = (error as Error).message
    const at = /^(.*) in JSON at position \d+ \(line (\d+) column (\d+)\)/.exec(message)
    if (at) throw new ConfigError([{ path: '', message: `not valid JSON: line ${at[2]}, column ${at[3]}: ${at[1]}` }])
    const ended = /Unexpected end of JSON input/.test(message)
    throw new ConfigError([{ path: '', message: ended ? 'not valid JSON: it ends too early' : 'not valid JSON: an unexpected character' }])
  }
}
