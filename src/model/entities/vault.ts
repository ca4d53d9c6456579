// Vaults (Kong's kong/db/schema/entities/vaults.lua): named sources for `{vault://<prefix>/…}`
// references. Kong's env vault is supported, under any prefix, with its `config.prefix` (the
// start of the variable names it reads, https://docs.konghq.com/gateway/latest/kong-enterprise/secrets-management/backends/env/);
// other vault kinds are refused by name.

import type { Schema } from '../schema.ts'
import { metadata } from './common.ts'

function checkVaultPrefix(prefix: string): string | undefined {
  if (!/^[a-z][a-z0-9-]*[a-z0-9]$/.test(prefix)) return `invalid value: ${prefix}`
  // A bundled vault's own name is its prefix already.
  return prefix === 'env' ? 'must not be one of: env' : undefined
}

export const vaultSchema = {
  ...metadata,
  /** What references name: `{vault://<prefix>/NAME}`. */
  prefix: { type: 'string', required: true, check: checkVaultPrefix },
  /** The vault kind: `env`. */
  name: { type: 'string', required: true },
  /** A description. */
  description: { type: 'string' },
  /** The vault's settings: for env, `prefix` (below); other kinds are refused. */
  config: { type: 'any' },
} as const satisfies Schema

/** The env vault's config (Kong's kong/vaults/env/schema.lua). */
export const envVaultConfigSchema = {
  /** Prepended to the name a reference gives, before it is upper-cased (`APP_` + `db-pass` reads APP_DB_PASS). */
  prefix: {
    type: 'string',
    check: (value) => (/^[A-Za-z_-][A-Za-z0-9_-]*$/.test(value) ? undefined : `invalid value: ${value}`),
  },
} as const satisfies Schema
