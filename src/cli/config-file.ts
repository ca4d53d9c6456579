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

/** The file cannot be read, or is no YAML or JSON at all: told as that, not as an invalid field. */
export class ConfigFileError extends ConfigError {
  constructor(message: string) {
    super([{ path: '', message }])
    this.name = 'ConfigFileError'
  }
}

/** What an operating system's refusal to read a file means, in words. */
const READ_FAILURES: Readonly<Record<string, string>> = {
  ENOENT: 'there is no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory, not a file',
}

export async function readConfigFile(path: string): Promise<unknown> {
  return (await readConfigSource(path)).document
}

export async function readConfigSource(path: string): Promise<ConfigSource> {
  let text: string
  if (!/\.(?:ya?ml|json)$/i.test(path)) throw new ConfigFileError('expected a .yaml, .yml or .json file')
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException
    throw new ConfigFileError(`cannot be read: ${READ_FAILURES[code ?? ''] ?? message}`)
  }
  if (!/\.json$/i.test(path)) return { text, document: parseYamlConfig(text) }
  try {
    return { text, document: parseJsonConfig(text) }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    throw new ConfigFileError(error.problems[0].message)
  }
}

/** YAML text (which JSON text is too), as Kong reads a declarative config. */
export function parseYamlConfig(text: string): unknown {
  try {
    // Merge keys (<<: *anchor), common in hand-written decK files, as Kong's YAML reader takes them.
    return parseYaml(text, { merge: true })
  } catch (error) {
    const { linePos, code, message } = error as YAMLParseError
    // The reason without the lines the parser quotes after it, which may hold a secret.
    const reason = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
    const where = linePos ? `line ${linePos[0].line}, column ${linePos[0].col}: ` : ''
    throw new ConfigFileError(`not valid YAML: ${where}${reason}${YAML_HINTS[code] ?? ''}`)
  }
}

/** What the parser's words for the usual slips leave unsaid. */
const YAML_HINTS: Readonly<Partial<Record<YAMLParseError['code'], string>>> = {
  BLOCK_AS_IMPLICIT_KEY: ' (often a line indented deeper than the key before it, or a value and a new key on one line)',
  BAD_INDENT: ' (check the indentation here and just above)',
  TAB_AS_INDENT: ' (YAML is indented with spaces, not tabs)',
  DUPLICATE_KEY: ' (a key is written twice in one mapping)',
}
