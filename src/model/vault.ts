// Kong's env vault: `{vault://env/my-secret}` reads the environment variable MY_SECRET
// (upper-cased, `-` becomes `_`); `{vault://env/my-secret/key}` reads `key` of the JSON object
// the variable holds. A file's `vaults` may declare env vaults under other prefixes, each with
// the start of the names it reads (`{vault://app/db-pass}` with `config.prefix: APP_` reads
// APP_DB_PASS). On Workers the environment is the Worker's bindings and secrets.

import { type Env, envString } from '../env.ts'
import type { Schema } from './schema.ts'
import { type ConfigProblem, isPlainObject, joinPath } from './validate.ts'

const REFERENCE = /^\{vault:\/\/([^/}]+)\/([^/}?]+)(?:\/([^/}?]+))?\/?\}$/

/** The variable a reference reads is not set. */
export class UnsetVariable extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnsetVariable'
  }
}

export function isVaultReference(value: string): boolean {
  return value.startsWith('{vault://')
}

/** The env vaults a file declares: prefix → the start of the variable names it reads. */
export type EnvVaults = ReadonlyMap<string, string>

/** Returns the secret, or throws an Error whose message names the problem (never the secret). */
export function resolveVaultReference(reference: string, env: Env, vaults: EnvVaults = new Map()): string {
  const match = REFERENCE.exec(reference)
  if (!match) throw new Error(`invalid vault reference ${reference}: expected {vault://env/NAME} or {vault://env/NAME/key}`)
  const [, vault, name, key] = match
  const prefix = vault === 'env' ? '' : vaults.get(vault)
  if (prefix === undefined) throw new Error(`vault '${vault}' is not supported (only env vaults are: 'env', or a prefix declared in vaults): ${reference}`)
  const variable = `${prefix}${name}`.toUpperCase().replaceAll('-', '_')
  const value = envString(env, variable)
  if (value === undefined) {
    throw new UnsetVariable(`vault reference ${reference}: environment variable ${variable} is not set`)
  }
  if (key === undefined) return value
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    throw new Error(`vault reference ${reference}: environment variable ${variable} does not hold a JSON object`)
  }
  const field = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>)[key] : undefined
  if (typeof field !== 'string' || field === '') {
    throw new Error(`vault reference ${reference}: key '${key}' not found in environment variable ${variable}`)
  }
  return field
}

/** What resolving the references of a configuration needs. */
export interface ReferenceContext {
  env: Env
  vaults: EnvVaults
  problems: ConfigProblem[]
  /**
   * A reference whose variable is not set here is told to this instead of being a problem, and
   * left unresolved (`npm run check --workers`: the Worker has its own secrets).
   */
  unsetVariable?: (problem: ConfigProblem) => void
}

/** Resolves, in place, the vault references in the fields of `record` that take them; the values get the fields' own checks. */
export function resolveRecordReferences(record: Record<string, unknown>, schema: Schema, path: string, context: ReferenceContext): void {
  for (const [key, spec] of Object.entries(schema)) {
    const value = record[key]
    if (spec.type === 'record' && isPlainObject(value)) resolveRecordReferences(value, spec.fields, joinPath(path, key), context)
    if (!('referenceable' in spec) || typeof value !== 'string' || !isVaultReference(value)) continue
    try {
      const resolved = resolveVaultReference(value, context.env, context.vaults)
      // The secret's format is checked too; the message never quotes it.
      const problem = 'check' in spec ? spec.check?.(resolved as never) : undefined
      if (problem) context.problems.push({ path: joinPath(path, key), message: `the value of ${value} ${problem}` })
      else record[key] = resolved
    } catch (error) {
      const problem = { path: joinPath(path, key), message: (error as Error).message }
      if (error instanceof UnsetVariable && context.unsetVariable) context.unsetVariable(problem)
      else context.problems.push(problem)
    }
  }
}
