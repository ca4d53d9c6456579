// Kong's env vault: `{vault://env/NAME}` and `{vault://env/NAME/key}`. Errors name the
// reference and the variable but never the secret.

import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/env.ts'
import { isVaultReference, resolveVaultReference } from '../../src/model/vault.ts'

const SECRET = 's3cr3t-Value/with+chars'

function errorOf(reference: string, env: Env): Error {
  try {
    resolveVaultReference(reference, env)
  } catch (error) {
    return error as Error
  }
  throw new Error(`expected ${reference} to be rejected`)
}

describe('isVaultReference', () => {
  it('recognises references by their prefix', () => {
    expect(isVaultReference('{vault://env/x}')).toBe(true)
    expect(isVaultReference('vault://env/x')).toBe(false)
    expect(isVaultReference('plain')).toBe(false)
  })
})

describe('resolveVaultReference', () => {
  it('reads the variable named by upper-casing and turning - into _', () => {
    const env = { MY_AWS_SECRET: SECRET, 'my-aws-secret': 'wrong', my_aws_secret: 'wrong' }
    expect(resolveVaultReference('{vault://env/my-aws-secret}', env)).toBe(SECRET)
    expect(resolveVaultReference('{vault://env/My-Aws_Secret}', env)).toBe(SECRET)
    expect(resolveVaultReference('{vault://env/MY_AWS_SECRET}', env)).toBe(SECRET)
  })

  it('accepts a trailing slash', () => {
    expect(resolveVaultReference('{vault://env/my-secret/}', { MY_SECRET: SECRET })).toBe(SECRET)
  })

  it('reads a key of a JSON object', () => {
    const env = { AWS_CREDS: JSON.stringify({ access_key: 'AKIA123', secret_key: SECRET }) }
    expect(resolveVaultReference('{vault://env/aws-creds/secret_key}', env)).toBe(SECRET)
    expect(resolveVaultReference('{vault://env/aws-creds/access_key}', env)).toBe('AKIA123')
    expect(resolveVaultReference('{vault://env/aws-creds/secret_key/}', env)).toBe(SECRET)
  })

  it('reports a missing variable by name', () => {
    const error = errorOf('{vault://env/missing-var}', { OTHER: SECRET })
    expect(error.message).toContain('MISSING_VAR')
    expect(error.message).toContain('not set')
    expect(errorOf('{vault://env/empty}', { EMPTY: '' }).message).toContain('EMPTY')
    expect(errorOf('{vault://env/binding}', { BINDING: { secret: SECRET } }).message).toContain('BINDING')
  })

  it('reports a key of a variable that does not hold JSON, without the value', () => {
    const error = errorOf('{vault://env/plain/key}', { PLAIN: SECRET })
    expect(error.message).toContain('PLAIN')
    expect(error.message).toContain('JSON')
    expect(error.message).not.toContain(SECRET)
  })

  it('reports a missing, empty or non-string key without the value', () => {
    const env = { CREDS: JSON.stringify({ secret_key: SECRET, empty: '', number: 12345, nested: { secret: SECRET } }) }
    for (const key of ['other', 'empty', 'number', 'nested']) {
      const error = errorOf(`{vault://env/creds/${key}}`, env)
      expect(error.message).toContain(`'${key}'`)
      expect(error.message).not.toContain(SECRET)
      expect(error.message).not.toContain('12345')
    }
    for (const value of [JSON.stringify(SECRET), 'null', '42']) {
      const error = errorOf('{vault://env/creds/length}', { CREDS: value })
      expect(error.message).not.toContain(SECRET)
    }
  })

  it('reads keys of a JSON object only, not indexes of an array', () => {
    // The key form names a field of a JSON object (Kong: a Lua table lookup by string key).
    const error = errorOf('{vault://env/creds/0}', { CREDS: JSON.stringify([SECRET]) })
    expect(error.message).toContain('CREDS')
    expect(error.message).not.toContain(SECRET)
  })

  it('refuses vaults other than env', () => {
    const error = errorOf('{vault://aws/my-secret}', { MY_SECRET: SECRET })
    expect(error.message).toContain("'aws'")
    expect(error.message).not.toContain(SECRET)
    expect(errorOf('{vault://hcv/path/key}', { PATH: SECRET }).message).toContain('not supported')
  })

  it('refuses malformed references', () => {
    const env = { X: SECRET, A: SECRET }
    for (const reference of [
      '{vault://env}',
      '{vault://env/}',
      '{vault://env/x',
      'vault://env/x}',
      '{vault://env/a/b/c}',
      '{vault:/env/x}',
      '{vault://env/x?version=2}',
      '{vault://env/x} ',
    ]) {
      const error = errorOf(reference, env)
      expect(error.message).toContain('invalid vault reference')
      expect(error.message).not.toContain(SECRET)
    }
  })
})
