// Where a declarative document holds secrets: an aws-lambda `aws_secret`, the rate-limiting
// plugins' Redis password (`redis.password`, or its shorthand `redis_password`), and the secret
// fields of credential entities (a key, a password, a JWT or HMAC secret, a certificate's key),
// wherever the document nests them. `check --print-json` refuses literal ones; tests look for every one in logs.

import { isKindName, KINDS } from './kinds.ts'
import { isEnvTemplate } from './templates.ts'
import { isPlainObject, joinPath, splitPath } from './validate.ts'
import { isVaultReference } from './vault.ts'

/** Every string written in a secret field of `document`, with its path. */
export function secretValues(document: unknown, path = '', secretFields: readonly string[] = []): Array<{ path: string; value: string }> {
  if (Array.isArray(document)) return document.flatMap((item, index) => secretValues(item, joinPath(path, index), secretFields))
  if (!isPlainObject(document)) return []
  return Object.entries(document).flatMap(([key, field]) => {
    const at = joinPath(path, key)
    if ((key === 'aws_secret' || key === 'redis_password' || secretFields.includes(key)) && typeof field === 'string') return [{ path: at, value: field }]
    // The items of an entity list (`keyauth_credentials`, …) are of that kind, with its secret fields.
    return secretValues(field, at, Array.isArray(field) && isKindName(key) ? (KINDS[key].secret ?? []) : key === 'redis' ? ['password'] : [])
  })
}

/** Marks where a secret was in a document shown back (`GET /config`, a refused entity). */
export const REDACTED = '<redacted>'

/** A copy of `document` with every secret written in it replaced by REDACTED; vault references and templates, which say where a secret is, are kept. */
export function redactSecrets(document: unknown): unknown {
  const copy = structuredClone(document)
  for (const { path, value } of secretValues(copy)) {
    if (isVaultReference(value) || isEnvTemplate(value)) continue
    const segments = splitPath(path)
    const key = segments.pop() as string
    let parent = copy as Record<string | number, unknown>
    for (const segment of segments) parent = parent[segment] as Record<string | number, unknown>
    parent[key] = REDACTED
  }
  return copy
}
