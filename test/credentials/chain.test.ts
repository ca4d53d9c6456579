// Credential providers: the chain's fall-through rules, the environment and static sources,
// and the cache with its refresh window and single in-flight refresh.

import { describe, expect, it } from 'vitest'
import { cached, chain, EXPIRY_MARGIN_MS, MIN_REFRESH_INTERVAL_MS, REFRESH_WINDOW_MS, RETRY_AFTER_FAILURE_MS } from '../../src/credentials/chain.ts'
import { fromEnv } from '../../src/credentials/env.ts'
import { fromStatic } from '../../src/credentials/static.ts'
import { type CredentialProvider, type Credentials, CredentialsNotFound } from '../../src/credentials/types.ts'
import { createLogger } from '../../src/log.ts'

type CountingProvider = CredentialProvider & { calls: number }

function counting(result: () => Promise<Credentials>): CountingProvider {
  const provider: CountingProvider = Object.assign(
    async () => {
      provider.calls++
      return result()
    },
    { calls: 0 },
  )
  return provider
}

const notFound = (message: string) =>
  counting(async () => {
    throw new CredentialsNotFound(message)
  })

function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('chain', () => {
  it('returns the first provider that has credentials and stops there', async () => {
    const first = notFound('first has none')
    const second = counting(async () => ({ accessKeyId: 'AK2', secretAccessKey: 'S2' }))
    const third = counting(async () => ({ accessKeyId: 'AK3', secretAccessKey: 'S3' }))
    expect(await chain(first, second, third)()).toEqual({ accessKeyId: 'AK2', secretAccessKey: 'S2' })
    expect([first.calls, second.calls, third.calls]).toEqual([1, 1, 0])
  })

  it('throws CredentialsNotFound with every reason when no provider has credentials', async () => {
    const error = await chain(notFound('env: none'), notFound('file: none'))().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CredentialsNotFound)
    expect((error as Error).message).toContain('env: none')
    expect((error as Error).message).toContain('file: none')
    await expect(chain()()).rejects.toBeInstanceOf(CredentialsNotFound)
  })

  it('stops at an error that is not CredentialsNotFound', async () => {
    const broken = counting(async () => {
      throw new Error('IMDS timed out')
    })
    const later = counting(async () => ({ accessKeyId: 'AK', secretAccessKey: 'S' }))
    const error = await chain(notFound('none'), broken, later)().catch((e: unknown) => e)
    expect(error).not.toBeInstanceOf(CredentialsNotFound)
    expect((error as Error).message).toBe('IMDS timed out')
    expect(later.calls).toBe(0)
  })
})

describe('fromStatic', () => {
  it('returns the configured keys without expiry', async () => {
    const credentials = await fromStatic('AKSTATIC', 'secret')()
    expect(credentials).toEqual({ accessKeyId: 'AKSTATIC', secretAccessKey: 'secret', source: 'plugin config (aws_key)' })
    expect(credentials.expiration).toBeUndefined()
  })
})

describe('fromEnv', () => {
  it('reads AWS_* with an optional session token', async () => {
    expect(await fromEnv({ AWS_ACCESS_KEY_ID: 'AK', AWS_SECRET_ACCESS_KEY: 'SK' })()).toEqual({
      accessKeyId: 'AK',
      secretAccessKey: 'SK',
      source: 'environment (AWS_ACCESS_KEY_ID)',
    })
    expect(await fromEnv({ AWS_ACCESS_KEY_ID: 'AK', AWS_SECRET_ACCESS_KEY: 'SK', AWS_SESSION_TOKEN: 'TOK' })()).toEqual({
      accessKeyId: 'AK',
      secretAccessKey: 'SK',
      sessionToken: 'TOK',
      source: 'environment (AWS_ACCESS_KEY_ID)',
    })
    const emptyToken = await fromEnv({ AWS_ACCESS_KEY_ID: 'AK', AWS_SECRET_ACCESS_KEY: 'SK', AWS_SESSION_TOKEN: '' })()
    expect(emptyToken).not.toHaveProperty('sessionToken')
  })

  it('prefers AWS_* over AMAZON_*', async () => {
    const env = {
      AWS_ACCESS_KEY_ID: 'AWSKEY',
      AWS_SECRET_ACCESS_KEY: 'AWSSECRET',
      AMAZON_ACCESS_KEY_ID: 'AMZKEY',
      AMAZON_SECRET_ACCESS_KEY: 'AMZSECRET',
      AMAZON_SESSION_TOKEN: 'AMZTOKEN',
    }
    expect(await fromEnv(env)()).toMatchObject({ accessKeyId: 'AWSKEY', secretAccessKey: 'AWSSECRET' })
    expect(await fromEnv(env)()).not.toHaveProperty('sessionToken')
  })

  it('falls back to AMAZON_*', async () => {
    const env = { AMAZON_ACCESS_KEY_ID: 'AMZKEY', AMAZON_SECRET_ACCESS_KEY: 'AMZSECRET', AMAZON_SESSION_TOKEN: 'AMZTOKEN' }
    expect(await fromEnv(env)()).toEqual({
      accessKeyId: 'AMZKEY',
      secretAccessKey: 'AMZSECRET',
      sessionToken: 'AMZTOKEN',
      source: 'environment (AMAZON_ACCESS_KEY_ID)',
    })
  })

  it('throws CredentialsNotFound when no key id is set, ignoring non-string bindings', async () => {
    await expect(fromEnv({})()).rejects.toBeInstanceOf(CredentialsNotFound)
    await expect(fromEnv({ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: 'SK' })()).rejects.toBeInstanceOf(CredentialsNotFound)
    await expect(fromEnv({ AWS_ACCESS_KEY_ID: { binding: true }, AWS_SECRET_ACCESS_KEY: 'SK' })()).rejects.toBeInstanceOf(CredentialsNotFound)
  })

  it('reports a key id without a secret as an error, not a fall-through', async () => {
    const error = await fromEnv({ AWS_ACCESS_KEY_ID: 'AK', AMAZON_ACCESS_KEY_ID: 'AMZ', AMAZON_SECRET_ACCESS_KEY: 'AMZS' })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(CredentialsNotFound)
    expect((error as Error).message).toContain('AWS_SECRET_ACCESS_KEY')
    const amazonOnly = await fromEnv({ AMAZON_ACCESS_KEY_ID: 'AMZ' })().catch((e: unknown) => e)
    expect(amazonOnly).not.toBeInstanceOf(CredentialsNotFound)
    expect((amazonOnly as Error).message).toContain('AMAZON_SECRET_ACCESS_KEY')
  })

  it('stops a chain on a half-set pair', async () => {
    const later = counting(async () => ({ accessKeyId: 'LATER', secretAccessKey: 'S' }))
    await expect(chain(fromEnv({ AWS_ACCESS_KEY_ID: 'AK' }), later)()).rejects.not.toBeInstanceOf(CredentialsNotFound)
    expect(later.calls).toBe(0)
    expect(await chain(fromEnv({}), later)()).toEqual({ accessKeyId: 'LATER', secretAccessKey: 'S' })
  })
})

describe('cached', () => {
  const MINUTE = 60 * 1000
  const logged: string[] = []
  const options = (now: () => number) => ({ name: 'test source', log: createLogger('debug', (line) => logged.push(line)), now })

  it('refreshes five minutes before expiry, as the AWS SDKs do', () => {
    expect(REFRESH_WINDOW_MS).toBe(5 * MINUTE)
  })

  it('reuses credentials until five minutes before they expire, then refreshes', async () => {
    let time = 1_000_000
    let serial = 0
    const provider = counting(async () => {
      serial++
      return { accessKeyId: `AK${serial}`, secretAccessKey: 'S', expiration: new Date(time + 60 * MINUTE) }
    })
    const credentials = cached(
      provider,
      options(() => time),
    )
    expect((await credentials()).accessKeyId).toBe('AK1')
    time += 30 * MINUTE
    expect((await credentials()).accessKeyId).toBe('AK1')
    time += 25 * MINUTE - 1 // 5 min + 1 ms left
    expect((await credentials()).accessKeyId).toBe('AK1')
    expect(provider.calls).toBe(1)
    time += 1 // exactly 5 minutes left: inside the window
    expect((await credentials()).accessKeyId).toBe('AK2')
    expect(provider.calls).toBe(2)
    expect((await credentials()).accessKeyId).toBe('AK2')
    expect(provider.calls).toBe(2)
  })

  it('refreshes already expired credentials, and those about to expire, before use', async () => {
    let time = 0
    const provider = counting(async () => ({ accessKeyId: `AK${provider.calls}`, secretAccessKey: 'S', expiration: new Date(time + 10 * MINUTE) }))
    const credentials = cached(
      provider,
      options(() => time),
    )
    await credentials()
    time += 60 * MINUTE
    expect((await credentials()).accessKeyId).toBe('AK2')
    time += 10 * MINUTE - EXPIRY_MARGIN_MS // too close to expiry to sign with
    expect((await credentials()).accessKeyId).toBe('AK3')
  })

  it('never refreshes credentials without expiry', async () => {
    let time = 0
    const provider = counting(async () => ({ accessKeyId: 'AK', secretAccessKey: 'S' }))
    const credentials = cached(
      provider,
      options(() => time),
    )
    await credentials()
    time += 10 * 365 * 24 * 60 * MINUTE
    await credentials()
    expect(provider.calls).toBe(1)
  })

  it('calls the provider once for 50 concurrent callers when nothing is cached', async () => {
    const time = 0
    const pending = deferred<Credentials>()
    const provider = counting(() => pending.promise)
    const credentials = cached(
      provider,
      options(() => time),
    )
    const callers = Array.from({ length: 50 }, () => credentials())
    await Promise.resolve()
    expect(provider.calls).toBe(1)
    pending.resolve({ accessKeyId: 'AK', secretAccessKey: 'S', expiration: new Date(time + 60 * MINUTE) })
    const results = await Promise.all(callers)
    expect(provider.calls).toBe(1)
    expect(new Set(results.map((c) => c.accessKeyId))).toEqual(new Set(['AK']))
    await credentials()
    expect(provider.calls).toBe(1)
  })

  it('inside the window, one caller waits for the one refresh while the others use the still-valid credentials', async () => {
    let time = 0
    let next = deferred<Credentials>()
    const provider = counting(() => next.promise)
    const credentials = cached(
      provider,
      options(() => time),
    )
    const first = credentials()
    next.resolve({ accessKeyId: 'OLD', secretAccessKey: 'S', expiration: new Date(10 * MINUTE) })
    expect((await first).accessKeyId).toBe('OLD')
    time = 6 * MINUTE
    next = deferred<Credentials>()
    const callers = Array.from({ length: 50 }, () => credentials())
    next.resolve({ accessKeyId: 'NEW', secretAccessKey: 'S', expiration: new Date(time + 60 * MINUTE) })
    const results = (await Promise.all(callers)).map((c) => c.accessKeyId)
    expect(provider.calls).toBe(2)
    expect(results[0]).toBe('NEW')
    expect(results.slice(1).every((id) => id === 'OLD')).toBe(true)
    expect((await credentials()).accessKeyId).toBe('NEW')
    expect(provider.calls).toBe(2)
  })

  it('keeps using still-valid credentials when a refresh fails, logs why, and tries again later', async () => {
    let time = 0
    let fail = false
    const provider = counting(async () => {
      if (fail) throw new Error('STS unavailable')
      return { accessKeyId: `AK${provider.calls}`, secretAccessKey: 'S', expiration: new Date(time + 60 * MINUTE) }
    })
    const credentials = cached(
      provider,
      options(() => time),
    )
    await credentials()
    fail = true
    time += 56 * MINUTE
    logged.length = 0
    expect((await credentials()).accessKeyId).toBe('AK1')
    expect(provider.calls).toBe(2)
    expect(logged.join('\n')).toContain('refreshing AWS credentials failed; the cached ones stay in use until they expire: STS unavailable')
    time += RETRY_AFTER_FAILURE_MS - 1
    expect((await credentials()).accessKeyId).toBe('AK1')
    expect(provider.calls).toBe(2)
    fail = false
    time += 1
    expect((await credentials()).accessKeyId).toBe('AK3')
  })

  it('does not refresh more often than once a second when a source hands out credentials inside the window', async () => {
    let time = 0
    const provider = counting(async () => ({ accessKeyId: `AK${provider.calls}`, secretAccessKey: 'S', expiration: new Date(time + 2 * MINUTE) }))
    const credentials = cached(
      provider,
      options(() => time),
    )
    await credentials()
    time += MIN_REFRESH_INTERVAL_MS - 1
    expect((await credentials()).accessKeyId).toBe('AK1')
    time += 1
    expect((await credentials()).accessKeyId).toBe('AK2')
  })

  it('rejects every waiting caller when there is nothing valid to fall back on, and retries on the next call', async () => {
    let fail = true
    const provider = counting(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      if (fail) throw new Error('STS unavailable')
      return { accessKeyId: 'AK', secretAccessKey: 'S', expiration: new Date(60 * MINUTE) }
    })
    let time = 0
    const credentials = cached(
      provider,
      options(() => time),
    )
    const callers = Array.from({ length: 50 }, () => credentials())
    const settled = await Promise.allSettled(callers)
    expect(provider.calls).toBe(1)
    expect(settled.every((s) => s.status === 'rejected' && (s.reason as Error).message === 'STS unavailable')).toBe(true)
    fail = false
    // The failure is answered again for a moment, without asking the source.
    await expect(credentials()).rejects.toThrow('STS unavailable')
    expect(provider.calls).toBe(1)
    time += MIN_REFRESH_INTERVAL_MS
    expect((await credentials()).accessKeyId).toBe('AK')
    expect(provider.calls).toBe(2)
  })

  it('refuses credentials that arrive too close to expiry to sign with, keeping still-valid ones', async () => {
    let time = 0
    let lifetime = 60 * MINUTE
    const provider = counting(async () => ({
      accessKeyId: `AK${provider.calls}`,
      secretAccessKey: 'S',
      expiration: new Date(time + lifetime),
      source: 'outage',
    }))
    const credentials = cached(
      provider,
      options(() => time),
    )
    lifetime = EXPIRY_MARGIN_MS // already at the margin
    await expect(credentials()).rejects.toThrow(`outage gave credentials that expire at ${new Date(EXPIRY_MARGIN_MS).toISOString()}, too soon to sign with`)
    lifetime = 60 * MINUTE
    time += MIN_REFRESH_INTERVAL_MS
    expect((await credentials()).accessKeyId).toBe('AK2')
    time += 56 * MINUTE
    lifetime = 0 // an expired set, as IMDS may hand out during an outage
    expect((await credentials()).accessKeyId).toBe('AK2')
    expect(provider.calls).toBe(3)
  })

  it('gives up on a source that does not answer by the deadline', async () => {
    const credentials = cached(() => new Promise<Credentials>(() => {}), { ...options(() => 0), deadlineMs: 20 })
    await expect(credentials()).rejects.toThrow('test source: no credentials within 0.02 s')
  })

  it('logs where credentials came from and when they expire, never the keys', async () => {
    logged.length = 0
    const credentials = cached(
      async () => ({
        accessKeyId: 'AKIDLOG',
        secretAccessKey: 'very-secret',
        sessionToken: 'tok',
        expiration: new Date(Date.UTC(2030, 0, 1)),
        source: 'unit test',
      }),
      options(() => 0),
    )
    await credentials()
    const line = JSON.parse(logged.at(-1)!)
    expect(line).toMatchObject({
      level: 'info',
      msg: 'AWS credentials obtained',
      credentials: 'test source',
      source: 'unit test',
      expires: '2030-01-01T00:00:00.000Z',
    })
    expect(logged.join('\n')).not.toMatch(/AKIDLOG|very-secret|tok"/)
  })
})
