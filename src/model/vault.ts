// Kong's env vault: `{vault://env/my-secret}` reads the environment variable MY_SECRET
// (upper-cased, `-` becomes `_`); `{vault://env/my-secret/key}` reads `key` of the JSON object
// the variable holds. On Workers the environment is the Worker's bindings and secrets.

import { type Env, envString } from '../env.ts'

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

/** Returns the secret, or throws an Error whose message names the problem (never the secret). */
export function resolveVaultReference(reference: string, env: Env): string {
  const match = REFERENCE.exec(reference)
  if (!match) throw new Error(`invalid vault reference ${reference}: expected {vault://env/NAME} or {vault://env/NAME/key}`)
  const [, vault, name, key] = match
  if (vault !== 'env') throw new Error(`vault '${vault}' is not supported (only 'env' is): ${reference}`)
  const variable = name.toUpperCase().replaceAll('-', '_')
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
