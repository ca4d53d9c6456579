// Tries providers in order and owns caching: the credentials found are reused until shortly
// before they expire, with one refresh in flight however many requests wait for it.

import { CredentialsNotFound, type CredentialProvider, type Credentials } from './types.ts'

/** Refresh this long before expiry, as the AWS SDKs do. */
export const REFRESH_WINDOW_MS = 5 * 60 * 1000

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

export function cached(provider: CredentialProvider, now: () => number = Date.now): CredentialProvider {
  let current: Credentials | undefined
  let refreshing: Promise<Credentials> | undefined
  const fresh = (c: Credentials | undefined): c is Credentials =>
    c !== undefined && (c.expiration === undefined || c.expiration.getTime() - now() > REFRESH_WINDOW_MS)
  return () => {
    if (fresh(current)) return Promise.resolve(current)
    refreshing ??= provider()
      .then((credentials) => (current = credentials))
      .finally(() => (refreshing = undefined))
    return refreshing
  }
}
