// Where a declarative document holds secrets: an aws-lambda `aws_secret`, the rate-limiting
// plugins' Redis password (`redis.password`, or its shorthand `redis_password`), the log and trace
// exporters' headers and endpoint password, and the secret fields of credential entities (a
// key, a password, a JWT or HMAC secret, a certificate's key), wherever the document nests them.
// `check --print-json` refuses literal ones; tests look for every one in logs.

import { isKindName, KINDS } from './kinds.ts'
import { isEnvTemplate } from './templates.ts'
import { isPlainObject, joinPath, splitPath } from './validate.ts'
import { isVaultReference } from './vault.ts'

/** A secret written in a document: where, the value, and what the field shows with it redacted (default: REDACTED). */
export interface SecretValue {
  path: string
  value: string
  redacted?: string
}

/**
 * Plugins' config fields that hold secrets: every value of the exporters' `headers` (a bearer
 * token, an APM key), and the password of an endpoint's user info.
 */
const PLUGIN_SECRETS: Readonly<Record<string, { maps?: readonly string[]; urls?: readonly string[] }>> = {
  'http-log': { maps: ['headers'], urls: ['http_endpoint'] },
  opentelemetry: { maps: ['headers'] },
}

/** Every string written in a secret field of `document`, with its path. */
export function secretValues(document: unknown, path = '', secretFields: readonly string[] = []): SecretValue[] {
  if (Array.isArray(document)) return document.flatMap((item, index) => secretValues(item, joinPath(path, index), secretFields))
  if (!isPlainObject(document)) return []
  const own = typeof document.name === 'string' && isPlainObject(document.config) ? pluginSecrets(document.name, document.config, joinPath(path, 'config')) : []
  return own.concat(
    Object.entries(document).flatMap(([key, field]) => {
      const at = joinPath(path, key)
      if ((key === 'aws_secret' || key === 'redis_password' || secretFields.includes(key)) && typeof field === 'string') return [{ path: at, value: field }]
      // The items of an entity list (`keyauth_credentials`, …) are of that kind, with its secret fields.
      return secretValues(field, at, Array.isArray(field) && isKindName(key) ? (KINDS[key].secret ?? []) : key === 'redis' ? ['password'] : [])
    }),
  )
}

function pluginSecrets(name: string, config: Record<string, unknown>, path: string): SecretValue[] {
  const fields = Object.hasOwn(PLUGIN_SECRETS, name) ? PLUGIN_SECRETS[name] : {}
  const found: SecretValue[] = []
  for (const map of fields.maps ?? []) {
    const values = config[map]
    if (!isPlainObject(values)) continue
    for (const [key, value] of Object.entries(values)) if (typeof value === 'string') found.push({ path: joinPath(joinPath(path, map), key), value })
  }
  for (const field of fields.urls ?? []) {
    const url = config[field]
    const password = typeof url === 'string' ? /^[a-z][a-z0-9+.-]*:\/\/[^/@:]*:([^/@]+)@/i.exec(url)?.[1] : undefined
    if (password !== undefined)
      found.push({ path: joinPath(path, field), value: password, redacted: (url as string).replace(`:${password}@`, `:${REDACTED}@`) })
  }
  return found
}

/** Marks where a secret was in a document shown back (`GET /config`, a refused entity). */
export const REDACTED = '<redacted>'

/** A copy of `document` with every secret written in it replaced by REDACTED; vault references and templates, which say where a secret is, are kept. */
export function redactSecrets(document: unknown): unknown {
  const copy = structuredClone(document)
  for (const { path, value, redacted } of secretValues(copy)) {
    if (isVaultReference(value) || isEnvTemplate(value)) continue
    const segments = splitPath(path)
    const key = segments.pop() as string
    let parent = copy as Record<string | number, unknown>
    for (const segment of segments) parent = parent[segment] as Record<string | number, unknown>
    parent[key] = redacted ?? REDACTED
  }
  return copy
}
