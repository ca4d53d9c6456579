// Invoke signing: the runtime's crypto (WebCrypto, or node:crypto on Node) must sign exactly
// as aws4fetch does on its own, with the payload hash it would have computed; what the signer
// keeps between requests (a route's parts, its signing key) never signs with a stale key.

import { createHash, createHmac } from 'node:crypto'
import { AwsV4Signer } from 'aws4fetch'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type SigningCrypto, webSigningCrypto } from '../../../src/encoding/signing-crypto.ts'
import { buildGatewayConfig } from '../../../src/model/declarative.ts'
import { InvokeFailure, invokeTarget, signInvoke } from '../../../src/plugins/aws-lambda/invoke.ts'
import type { AwsLambdaConfig } from '../../../src/plugins/aws-lambda/schema.ts'
import { SigningCache, signLambdaRequest } from '../../../src/plugins/aws-lambda/signing.ts'
import { nodeSigningCrypto } from '../../../src/runtime/node/signing-crypto.ts'
import { failure } from '../../support/expect-error.ts'
import { parseAmzDate, parseAuthorization, parseQuery, signatureMatches } from '../../support/sigv4-verifier.ts'

const implementations: Array<[string, SigningCrypto]> = [
  ['WebCrypto', webSigningCrypto],
  ['node:crypto', nodeSigningCrypto],
]

/** A route's fixed headers: one object, as a route has. */
const headers = { 'X-Amz-Invocation-Type': 'RequestResponse', 'X-Amz-Log-Type': 'None' }

type Request = { functionName: string; qualifier?: string; payload: string; secretAccessKey: string; sessionToken?: string; region: string }

const requests = fc.record({
  functionName: fc.stringMatching(/^[A-Za-z0-9_:-]{1,40}$/),
  qualifier: fc.option(fc.stringMatching(/^[A-Za-z0-9_$-]{1,20}$/), { nil: undefined }),
  payload: fc.string({ unit: 'grapheme', maxLength: 300 }),
  secretAccessKey: fc.string({ minLength: 1, maxLength: 40 }),
  // Framed in the whitespace fetch's Headers trims from a value: sent trimmed, signed as aws4fetch signs it.
  sessionToken: fc.option(
    fc
      .tuple(fc.constantFrom('', ' ', '\t', '\r\n'), fc.string({ minLength: 1, maxLength: 60 }), fc.constantFrom('', ' \t', '\n'))
      .map((parts) => parts.join('')),
    { nil: undefined },
  ),
  region: fc.constantFrom('us-east-1', 'eu-west-1', 'cn-north-1'),
})

/** Requests one cache signs one after the other: few functions, regions and secrets, so that consecutive ones share some and differ in others. */
const sequences = fc.array(
  fc.record({
    functionName: fc.constantFrom('f', 'f:prod'),
    qualifier: fc.constantFrom(undefined, 'v1'),
    payload: fc.string({ maxLength: 20 }),
    secretAccessKey: fc.constantFrom('one', 'two', 'three'),
    sessionToken: fc.constantFrom(undefined, 'token-a', 'token b'),
    region: fc.constantFrom('us-east-1', 'eu-west-1'),
  }),
  { minLength: 2, maxLength: 10 },
)

describe.each(implementations)('signLambdaRequest with %s', (_name, crypto) => {
  /** Signs `request` with `cache` and expects aws4fetch's headers, signature included. */
  async function signsAsAws4fetch({ functionName, qualifier, payload, secretAccessKey, sessionToken, region }: Request, cache: SigningCache) {
    const url = `https://lambda.${region}.amazonaws.com/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations${qualifier ? `?Qualifier=${qualifier}` : ''}`
    const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey, sessionToken }
    const signed = await signLambdaRequest({ url, headers, payload, region, credentials, crypto, keys: cache })

    const payloadHash = createHash('sha256').update(Buffer.from(payload, 'utf8')).digest('hex')
    expect(signed['x-amz-content-sha256']).toBe(payloadHash)
    const reference = await new AwsV4Signer({
      method: 'POST',
      url,
      headers: { ...headers, 'X-Amz-Content-Sha256': payloadHash },
      ...credentials,
      service: 'lambda',
      region,
      datetime: signed['x-amz-date'],
    }).sign()
    expect(signed).toEqual(Object.fromEntries(reference.headers))
  }

  it('signs as aws4fetch does, over the SHA-256 of the UTF-8 payload', async () => {
    await fc.assert(
      fc.asyncProperty(requests, (request) => signsAsAws4fetch(request, new SigningCache())),
      { numRuns: 50 },
    )
  })

  it('signs every request of a sequence as aws4fetch does with what one cache kept from the ones before', async () => {
    await fc.assert(
      fc.asyncProperty(sequences, async (sequence) => {
        const cache = new SigningCache()
        for (const request of sequence) await signsAsAws4fetch(request, cache)
      }),
      { numRuns: 50 },
    )
  })
})

describe.each(implementations)('%s HMAC', (_name, crypto) => {
  it('gives a key used again (what it derives from the bytes kept) the same HMAC as node:crypto over the raw bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 200 }), async (bytes, data) => {
        // WebCrypto imports no empty HMAC key; signing keys never are.
        const key = new Uint8Array(bytes)
        const expected = createHmac('sha256', key).update(data).digest()
        expect(Buffer.from(await crypto.hmacSha256(key, data))).toEqual(expected)
        expect(Buffer.from(await crypto.hmacSha256(key, data))).toEqual(expected)
        expect(await crypto.hmacSha256Hex(key, data)).toBe(expected.toString('hex'))
      }),
    )
  })
})

describe.each(implementations)('the signing cache with %s', (_name, crypto) => {
  const url = 'https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/my-fn%3Aprod/invocations?Qualifier=prod'
  const region = 'eu-west-1'
  const payload = '{"body":"héllo"}'

  /** Counts the HMACs: deriving a key takes four, signing with it one. */
  function counting(): SigningCrypto & { hmacs: number } {
    const counter = {
      hmacs: 0,
      sha256Hex: crypto.sha256Hex,
      hmacSha256: (key: Uint8Array<ArrayBuffer>, data: string) => {
        counter.hmacs++
        return crypto.hmacSha256(key, data)
      },
      hmacSha256Hex: (key: Uint8Array<ArrayBuffer>, data: string) => {
        counter.hmacs++
        return crypto.hmacSha256Hex(key, data)
      },
    }
    return counter
  }

  async function sign(keys: SigningCache, hashes: SigningCrypto, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
    return signLambdaRequest({ url, headers, payload, region, credentials, crypto: hashes, keys })
  }

  /** Whether @smithy/signature-v4 (test/support/sigv4-verifier.ts) signs the request as sent with `secret` to the same signature. */
  async function verifies(signed: Record<string, string>, secret: string): Promise<boolean> {
    const { host, pathname, search } = new URL(url)
    const received: Record<string, string> = { ...signed, host }
    const auth = parseAuthorization(received.authorization)
    const signingDate = parseAmzDate(received['x-amz-date'])
    if (auth === null || signingDate === null) return false
    const query = parseQuery(search.slice(1))
    return signatureMatches({
      service: 'lambda',
      method: 'POST',
      rawPath: pathname,
      query,
      headers: received,
      body: Buffer.from(payload),
      auth,
      secret,
      signingDate,
    })
  }

  afterEach(() => {
    vi.useRealTimers()
  })

  it('derives the key once a day: the next day, a new key and a scope with the new date', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const keys = new SigningCache()
    const hashes = counting()
    const credentials = { accessKeyId: 'AKIDDAY', secretAccessKey: 'day-secret' }
    const signAt = async (time: string) => {
      vi.setSystemTime(new Date(time))
      hashes.hmacs = 0
      const signed = await sign(keys, hashes, credentials)
      return { signed, hmacs: hashes.hmacs }
    }

    const evening = await signAt('2026-03-01T23:59:58.500Z')
    expect(evening.hmacs).toBe(5)
    expect(evening.signed['x-amz-date']).toBe('20260301T235958Z')
    expect(await verifies(evening.signed, 'day-secret')).toBe(true)
    const later = await signAt('2026-03-01T23:59:59.999Z')
    expect(later.hmacs).toBe(1)
    expect(await verifies(later.signed, 'day-secret')).toBe(true)

    const midnight = await signAt('2026-03-02T00:00:00.000Z')
    expect(midnight.hmacs).toBe(5)
    expect(midnight.signed['x-amz-date']).toBe('20260302T000000Z')
    expect(midnight.signed.authorization).toContain('Credential=AKIDDAY/20260302/eu-west-1/lambda/aws4_request,')
    expect(await verifies(midnight.signed, 'day-secret')).toBe(true)
    expect((await signAt('2026-03-02T09:00:00.000Z')).hmacs).toBe(1)
    expect(keys.current?.date).toBe('20260302')
  })

  it('signs with the new secret as soon as credentials rotate, and keeps no key of the old one', async () => {
    const keys = new SigningCache()
    const hashes = counting()
    const old = { accessKeyId: 'ASIAOLD', secretAccessKey: 'old-secret', sessionToken: 'old token' }
    const rotated = { accessKeyId: 'ASIANEW', secretAccessKey: 'new-secret', sessionToken: 'new-token' }

    const before = await sign(keys, hashes, old)
    expect(await verifies(before, 'old-secret')).toBe(true)
    hashes.hmacs = 0
    const after = await sign(keys, hashes, rotated)
    expect(hashes.hmacs).toBe(5)
    expect(after['x-amz-security-token']).toBe('new-token')
    expect(await verifies(after, 'new-secret')).toBe(true)
    expect(await verifies(after, 'old-secret')).toBe(false)
    expect(keys.current?.secret).toBe('new-secret')

    // The old secret's key was dropped: signing with it again derives it again.
    hashes.hmacs = 0
    expect(await verifies(await sign(keys, hashes, old), 'old-secret')).toBe(true)
    expect(hashes.hmacs).toBe(5)
    hashes.hmacs = 0
    expect(await verifies(await sign(keys, hashes, old), 'old-secret')).toBe(true)
    expect(hashes.hmacs).toBe(1)
  })

  it("keeps the key when only the route's parts are computed again (another headers object)", async () => {
    const keys = new SigningCache()
    const hashes = counting()
    const credentials = { accessKeyId: 'AKIDSAME', secretAccessKey: 'same-secret' }
    await sign(keys, hashes, credentials)
    hashes.hmacs = 0
    const signed = await signLambdaRequest({
      url,
      headers: { ...headers, 'X-Amzn-Trace-Id': 'Root=1-5759e988-bd862e3fe1be46a994272793' },
      payload,
      region,
      credentials,
      crypto: hashes,
      keys,
    })
    expect(hashes.hmacs).toBe(1)
    expect(signed.authorization).not.toContain('x-amzn-trace-id')
    expect(await verifies(signed, 'same-secret')).toBe(true)
  })

  it('derives a key once for requests signed at the same time', async () => {
    const keys = new SigningCache()
    const hashes = counting()
    const credentials = { accessKeyId: 'AKIDMANY', secretAccessKey: 'many-secret' }
    const signed = await Promise.all(Array.from({ length: 10 }, () => sign(keys, hashes, credentials)))
    expect(hashes.hmacs).toBe(4 + 10)
    for (const headers of signed) expect(await verifies(headers, 'many-secret')).toBe(true)
  })

  it('keeps no key whose derivation failed', async () => {
    const keys = new SigningCache()
    let fail = true
    const flaky: SigningCrypto = {
      sha256Hex: crypto.sha256Hex,
      hmacSha256: (key, data) => (fail ? Promise.reject(new Error('no HMAC')) : crypto.hmacSha256(key, data)),
      hmacSha256Hex: (key, data) => (fail ? Promise.reject(new Error('no HMAC')) : crypto.hmacSha256Hex(key, data)),
    }
    const credentials = { accessKeyId: 'AKIDFLAKY', secretAccessKey: 'flaky-secret' }
    await expect(sign(keys, flaky, credentials)).rejects.toThrow('no HMAC')
    fail = false
    expect(await verifies(await sign(keys, flaky, credentials), 'flaky-secret')).toBe(true)
  })
})

describe('signInvoke', () => {
  const config = buildGatewayConfig(
    {
      _format_version: '3.0',
      routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'aws-lambda', config: { function_name: 'f', aws_region: 'us-east-1' } }] }],
    },
    {},
  ).plugins[0].config as AwsLambdaConfig

  it('refuses a session token no header can carry as a credentials failure that does not quote it', async () => {
    for (const token of ['secret\ntoken', 'secret\u0001token', 'secret\u0100token']) {
      const target = invokeTarget(config, 'us-east-1', async () => ({ accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: token }))
      const error = await failure(signInvoke(target, '{}'))
      expect(error).toBeInstanceOf(InvokeFailure)
      expect([(error as InvokeFailure).kind, error.message]).toEqual([
        'credentials',
        'failed to get credentials: the session token is not a valid header value',
      ])
    }
  })

  it('sends a token framed in whitespace trimmed', async () => {
    const target = invokeTarget(config, 'us-east-1', async () => ({ accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: '\t token \r\n' }))
    expect((await signInvoke(target, '{}')).headers['x-amz-security-token']).toBe('token')
  })
})
