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

/** The configuration's text under `key`, read again when the interval is over; throws ConfigError for settings that are wrong. */
export function kvConfigReader(now: () => number = Date.now) {
  let last: Read | undefined
  let reading: Promise<Read> | undefined
  return async (kv: KVNamespace, key: string, env: Env): Promise<string | null> => {
    const refresh = refreshSeconds(env)
    if (last?.key === key && (reading || now() - last.at < refresh * 1000)) return last.text
    reading ??= kv.get(key).then(
      (text) => {
        reading = undefined
        last = { key, text, at: now() }
        return last
      },
      (error) => {
        reading = undefined
        // Asked again after the interval, not on every request while KV fails.
        if (last) last = { ...last, at: now() }
        throw error
      },
    )
    return (await reading).text
  }
}

function refreshSeconds(env: Env): number {
  const text = envString(env, 'CONFIG_KV_REFRESH_SECONDS')
  if (text === undefined) return DEFAULT_REFRESH_SECONDS
  if (!/^\d{1,6}$/.test(text)) throw new ConfigError([{ path: 'CONFIG_KV_REFRESH_SECONDS', message: `invalid value '${text}': expected whole seconds` }])
  return Number(text)
}
