// Reads a declarative config file, YAML or JSON by its extension (Node and Deno); the same
// parsing for a config that arrives as text (the admin listener's `POST /config`).

import { readFile } from 'node:fs/promises'
import { parse as parseYaml, type YAMLParseError } from 'yaml'
import { parseJsonConfig } from '../model/load.ts'
import { ConfigError } from '../model/validate.ts'

/** A config's text as read, and the document it holds. */
export interface ConfigSource {
  text: string
  document: unknown
}

export async function readConfigFile(path: string): Promise<unknown> {
  return (await readConfigSource(path)).document
}

export async function readConfigSource(path: string): Promise<ConfigSource> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new ConfigError([{ path: '', message: `cannot read ${path}: ${(error as Error).message}` }])
  }
  if (/\.json$/i.test(path)) return { text, document: parseJsonConfig(text) }
  if (!/\.ya?ml$/i.test(path)) {
    throw new ConfigError([{ path: '', message: `${path}: expected a .yaml, .yml or .json file` }])
  }
  return { text, document: parseYamlConfig(text) }
}

/** YAML text (which JSON text is too), as Kong reads a declarative config. */
export function parseYamlConfig(text: string): unknown {
  try {
    // Merge keys (<<: *anchor), common in hand-written decK files, as Kong's YAML reader takes them.
    return parseYaml(text, { merge: true })
  } catch (error) {
    // Only where and what kind: the parser's message quotes the line, which may hold a secret.
    const { linePos, code } = error as YAMLParseError
    const where = linePos ? ` at line ${linePos[0].line}, column ${linePos[0].col}` : ''
    throw new ConfigError([{ path: '', message: `not valid YAML${where}${code ? ` (${code})` : ''}` }])
  }
}
