// Tries providers in order, and owns caching: credentials are reused until shortly before
// they expire; then one refresh runs however many requests arrive meanwhile, and a failed
// refresh leaves the still-valid credentials in use (docs/aws-protocols.md#caching-and-refresh).

import type { Logger } from '../log.ts'
import { type CredentialProvider, type Credentials, CredentialsNotFound } from './types.ts'

/** Refresh this long before expiry, as the AWS SDKs do. */
export const REFRESH_WINDOW_MS = 5 * 60 * 1000
/** Credentials closer than this to expiry are not used: a signed request takes time to arrive. */
export const EXPIRY_MARGIN_MS = 15 * 1000
/** The least time between two refreshes, for sources that hand out credentials already inside the window. */
export const MIN_REFRESH_INTERVAL_MS = 1000
/** After a failed refresh, the cached credentials are used this long before the next try. */
export const RETRY_AFTER_FAILURE_MS = 10 * 1000
/** A source that has not answered by then has failed (a stuck file read must not wedge a route). */
export const REFRESH_DEADLINE_MS = 30 * 1000

export function chain(...providers: CredentialProvider[]): CredentialProvider {
  return async () => {
    const reasons: string[] = []
    for (const provider of providers) {
      try {
        return await provider()
      } catch (error) {
        if (!(error instanceof CredentialsNotFound)) throw error
        reasons.push(error.message)
      }
    }
    throw new CredentialsNotFound(`no AWS credentials found (${reasons.join('; ')})`)
  }
}

export interface CacheOptions {
  /** Names the source in log lines. */
  name: string
  log: Logger
  now?: () => number
  deadlineMs?: number
  /** Told each refresh's outcome (the status listener's metrics count them). */
  refreshed?(name: string, ok: boolean): void
}

export function cached(provider: CredentialProvider, options: CacheOptions): CredentialProvider {
  const { name, log, now = Date.now, deadlineMs = REFRESH_DEADLINE_MS, refreshed } = options
  let current: Credentials | undefined
  let refreshAt = 0
  let refreshing: Promise<Credentials> | undefined
  /** With nothing usable cached, a failure is answered again for a moment instead of asking the source on every request. */
  let failure: { error: Error; until: number } | undefined
  const expiresSoon = (c: Credentials) => c.expiration !== undefined && c.expiration.getTime() - now() <= EXPIRY_MARGIN_MS
  const usable = (c: Credentials | undefined): c is Credentials => c !== undefined && !expiresSoon(c)

  const obtained = (credentials: Credentials) => {
    if (expiresSoon(credentials)) {
      throw new Error(`${credentials.source ?? name} gave credentials that expire at ${credentials.expiration?.toISOString()}, too soon to sign with`)
    }
    current = credentials
    failure = undefined
    refreshed?.(name, true)
    refreshAt =
      credentials.expiration === undefined ? Infinity : Math.max(credentials.expiration.getTime() - REFRESH_WINDOW_MS, now() + MIN_REFRESH_INTERVAL_MS)
    log.info('AWS credentials obtained', { credentials: name, source: credentials.source, expires: credentials.expiration?.toISOString() })
    return credentials
  }

  const failed = (error: Error) => {
    refreshed?.(name, false)
    if (!usable(current)) {
      failure = { error, until: now() + MIN_REFRESH_INTERVAL_MS }
      throw error
    }
    refreshAt = now() + RETRY_AFTER_FAILURE_MS
    log.warn(`refreshing AWS credentials failed; the cached ones stay in use until they expire: ${error.message}`, {
      credentials: name,
      expires: current.expiration?.toISOString(),
    })
    return current
  }

  const refresh = () =>
    (refreshing ??= withDeadline(provider(), deadlineMs, name)
      .then(obtained)
      .catch(failed)
      .finally(() => (refreshing = undefined)))

  return () => {
    if (usable(current)) {
      if (now() < refreshAt) return Promise.resolve(current)
      // One request waits for the refresh; the others meanwhile sign with the still-valid credentials.
      return refreshing ? Promise.resolve(current) : refresh()
    }
    if (failure && now() < failure.until && !refreshing) return Promise.reject(failure.error)
    return refresh()
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: no credentials within ${ms / 1000} s`)), ms)
  })
  return Promise.race([promise, deadline]).finally(() => timer !== undefined && clearTimeout(timer))
}
