// The Worker's configuration from a KV namespace (the CONFIG_KV binding) instead of the
// GATEWAY_CONFIG variable: changed with `wrangler kv key put`, no deploy. Each isolate reads the
// key on its first request and again at most every CONFIG_KV_REFRESH_SECONDS; the request that
// finds the interval over waits for the read, the others meanwhile are served as before.

import { type Env, envString } from '../../env.ts'
import { ConfigError } from '../../model/validate.ts'

/** The key the configuration is under, unless CONFIG_KV_KEY names another. */
const DEFAULT_KEY = 'config'
const DEFAULT_REFRESH_SECONDS = 30

interface Read {
  key: string
  text: string | null
  at: number
}

/** CONFIG_KV_KEY: the key the configuration is under. */
export function configKvKey(env: Env): string {
  return envString(env, 'CONFIG_KV_KEY') ?? DEFAULT_KEY
}

/**
 * The configuration's text under `key`, read again when the interval is over; throws
 * ConfigError for settings that are wrong. Every read is the request's own: on Workers a request
 * must not await what another request started (its I/O ends with that request).
 */
export function kvConfigReader(now: () => number = Date.now) {
  let last: Read | undefined
  /** When a request began reading a changed value: meanwhile the others keep the last one. */
  let readingSince = 0
  return async (kv: KVNamespace, key: string, env: Env): Promise<string | null> => {
    const refresh = refreshSeconds(env)
    const known = last?.key === key ? last : undefined
    if (known && (now() - known.at < refresh * 1000 || now() - readingSince < READ_PATIENCE_MS)) return known.text
    readingSince = now()
    try {
      const text = await kv.get(key)
      last = { key, text, at: now() }
      return text
    } catch (error) {
      // Asked again after the interval, not on every request while KV fails.
      if (known) last = { ...known, at: now() }
      throw error
    } finally {
      readingSince = 0
    }
  }
}

/** How long the others wait for one request's read of a changed value before reading themselves (its request may have gone). */
const READ_PATIENCE_MS = 5000

function refreshSeconds(env: Env): number {
  const text = envString(env, 'CONFIG_KV_REFRESH_SECONDS')
  if (text === undefined) return DEFAULT_REFRESH_SECONDS
  if (!/^\d{1,6}$/.test(text)) throw new ConfigError([{ path: 'CONFIG_KV_REFRESH_SECONDS', message: `invalid value '${text}': expected whole seconds` }])
  return Number(text)
}
