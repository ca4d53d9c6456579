// Invoke signing: the runtime's crypto (WebCrypto, or node:crypto on Node) must sign exactly
// as aws4fetch does on its own, with the payload hash it would have computed.

import { createHash, createHmac } from 'node:crypto'
import { AwsV4Signer } from 'aws4fetch'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type SigningCrypto, webSigningCrypto } from '../../../src/encoding/signing-crypto.ts'
import { signLambdaRequest } from '../../../src/plugins/aws-lambda/signing.ts'
import { nodeSigningCrypto } from '../../../src/runtime/node/signing-crypto.ts'

const implementations: Array<[string, SigningCrypto]> = [
  ['WebCrypto', webSigningCrypto],
  ['node:crypto', nodeSigningCrypto],
]

const requests = fc.record({
  functionName: fc.stringMatching(/^[A-Za-z0-9_:-]{1,40}$/),
  qualifier: fc.option(fc.stringMatching(/^[A-Za-z0-9_$-]{1,20}$/), { nil: undefined }),
  payload: fc.string({ unit: 'grapheme', maxLength: 300 }),
  secretAccessKey: fc.string({ minLength: 1, maxLength: 40 }),
  sessionToken: fc.option(fc.string({ minLength: 1, maxLength: 60 }), { nil: undefined }),
  region: fc.constantFrom('us-east-1', 'eu-west-1', 'cn-north-1'),
})

describe.each(implementations)('signLambdaRequest with %s', (_name, crypto) => {
  it('signs as aws4fetch does, over the SHA-256 of the UTF-8 payload', async () => {
    await fc.assert(
      fc.asyncProperty(requests, async ({ functionName, qualifier, payload, secretAccessKey, sessionToken, region }) => {
        const url = `https://lambda.${region}.amazonaws.com/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations${qualifier ? `?Qualifier=${qualifier}` : ''}`
        const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey, sessionToken }
        const headers = { 'X-Amz-Invocation-Type': 'RequestResponse', 'X-Amz-Log-Type': 'None' }
        const signed = await signLambdaRequest({ url, headers, payload, region, credentials, crypto, keys: new Map() })

        const payloadHash = createHash('sha256').update(Buffer.from(payload, 'utf8')).digest('hex')
        expect(signed.get('x-amz-content-sha256')).toBe(payloadHash)
        const reference = await new AwsV4Signer({
          method: 'POST',
          url,
          headers: { ...headers, 'X-Amz-Content-Sha256': payloadHash },
          ...credentials,
          service: 'lambda',
          region,
          datetime: signed.get('x-amz-date')!,
        }).sign()
        expect(Object.fromEntries(signed)).toEqual(Object.fromEntries(reference.headers))
      }),
      { numRuns: 50 },
    )
  })

  it('derives a signing key once per secret, day and region', async () => {
    const keys = new Map<string, Uint8Array<ArrayBuffer>>()
    // Counts the HMACs: deriving a key takes four, signing with it one.
    let hmacs = 0
    const counting: SigningCrypto = {
      ...crypto,
      hmacSha256: (key, data) => {
        hmacs++
        return crypto.hmacSha256(key, data)
      },
    }
    const request = {
      url: 'https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/f/invocations',
      headers: {},
      payload: '{}',
      region: 'us-east-1',
      crypto: counting,
      keys,
    }
    const sign = async (secretAccessKey: string) => {
      hmacs = 0
      await signLambdaRequest({ ...request, credentials: { accessKeyId: 'A', secretAccessKey } })
      return hmacs
    }
    expect(await sign('one')).toBe(5)
    expect(await sign('one')).toBe(1)
    expect(await sign('two')).toBe(5)
    expect(keys.size).toBe(2)
  })
})

describe('nodeSigningCrypto', () => {
  it('gives a key used again (its KeyObject cached) the same HMAC as node:crypto over the raw bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 200 }), (bytes, data) => {
        const key = new Uint8Array(bytes)
        const expected = createHmac('sha256', key).update(data).digest()
        expect(Buffer.from(nodeSigningCrypto.hmacSha256(key, data) as Uint8Array)).toEqual(expected)
        expect(Buffer.from(nodeSigningCrypto.hmacSha256(key, data) as Uint8Array)).toEqual(expected)
      }),
    )
  })
})
