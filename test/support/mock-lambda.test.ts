// Self-tests of the mock Lambda, signing with aws4fetch (the gateway's signer)
// so that they also prove aws4fetch and the smithy-based verifier agree.

import { AwsV4Signer } from 'aws4fetch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MockLambda } from './mock-lambda.ts'
import { startMockLambda } from './mock-lambda.ts'

interface SignOptions {
  body?: string
  headers?: Record<string, string>
  accessKeyId?: string
  secretAccessKey?: string
  sessionToken?: string
}

let lambda: MockLambda

beforeAll(async () => {
  lambda = await startMockLambda()
})

afterAll(async () => {
  await lambda.close()
})

/** Signs an Invoke request; `pathName` is put in the URL as given (already encoded if needed). */
async function signInvoke(pathName: string, query = '', options: SignOptions = {}) {
  const signer = new AwsV4Signer({
    method: 'POST',
    url: `${lambda.url}/2015-03-31/functions/${pathName}/invocations${query}`,
    headers: { 'Content-Type': 'application/json', ...options.headers },
    body: options.body ?? '{"key1":"some_value1"}',
    accessKeyId: options.accessKeyId ?? 'mock-key',
    secretAccessKey: options.secretAccessKey ?? 'mock-secret',
    sessionToken: options.sessionToken,
    service: 'lambda',
    region: 'us-east-1',
  })
  const signed = await signer.sign()
  return { url: signed.url.toString(), method: signed.method, headers: signed.headers, body: options.body ?? '{"key1":"some_value1"}' }
}

async function send(request: { url: string; method: string; headers: Headers; body: string }) {
  const res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body })
  return { status: res.status, headers: res.headers, text: await res.text() }
}

const lastInvocation = () => lambda.invocations[lambda.invocations.length - 1]

describe('mock lambda', () => {
  it('accepts an aws4fetch-signed invoke and echoes the body', async () => {
    const res = await send(await signInvoke('kongLambdaTest', '', { body: '{"hello":"world"}' }))
    expect(res.status).toBe(200)
    expect(res.text).toBe('{"hello":"world"}\n')
    expect(res.headers.get('content-type')).toBeNull()
    expect(res.headers.get('x-amzn-requestid')).toBe('foo')
    const record = lastInvocation()
    expect(record).toMatchObject({ functionName: 'kongLambdaTest', qualifier: null, signatureValid: true, accessKeyId: 'mock-key', region: 'us-east-1' })
    expect(record.signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date']))
  })

  it('accepts an ARN with percent-encoded colons', async () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:kongLambdaTest'
    const res = await send(await signInvoke(encodeURIComponent(arn)))
    expect(res.status).toBe(200)
    expect(lastInvocation()).toMatchObject({ functionName: arn, rawPath: `/2015-03-31/functions/${encodeURIComponent(arn)}/invocations`, signatureValid: true })
  })

  it('accepts name:alias with a literal colon and a Qualifier', async () => {
    const res = await send(await signInvoke('kongLambdaTest:prod', '?Qualifier=prod'))
    expect(res.status).toBe(200)
    expect(lastInvocation()).toMatchObject({ functionName: 'kongLambdaTest:prod', qualifier: 'prod', signatureValid: true })
  })

  it('accepts a request signed with a session token', async () => {
    const res = await send(await signInvoke('kongLambdaTest', '', { sessionToken: 'session-token-value' }))
    expect(res.status).toBe(200)
    const record = lastInvocation()
    expect(record.signedHeaders).toContain('x-amz-security-token')
    expect(record.headers['x-amz-security-token']).toBe('session-token-value')
    expect(record.signatureValid).toBe(true)
  })

  it('rejects a body changed after signing', async () => {
    const request = await signInvoke('kongLambdaTest')
    const res = await send({ ...request, body: '{"key1":"tampered"}' })
    expect(res.status).toBe(403)
    expect(res.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException')
    expect(lastInvocation().signatureValid).toBe(false)
  })

  it('rejects a wrong secret', async () => {
    const res = await send(await signInvoke('kongLambdaTest', '', { secretAccessKey: 'not-the-secret' }))
    expect(res.status).toBe(403)
    expect(res.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException')
  })

  it('rejects an unknown access key', async () => {
    const res = await send(await signInvoke('kongLambdaTest', '', { accessKeyId: 'nobody' }))
    expect(res.status).toBe(403)
    expect(res.headers.get('x-amzn-errortype')).toBe('UnrecognizedClientException')
    expect(JSON.parse(res.text)).toEqual({ Type: 'User', message: 'The security token included in the request is invalid.' })
  })

  it('rejects a signed header changed after signing', async () => {
    const request = await signInvoke('kongLambdaTest', '', { headers: { 'X-Amz-Invocation-Type': 'RequestResponse' } })
    request.headers.set('X-Amz-Invocation-Type', 'Event')
    const res = await send(request)
    expect(res.status).toBe(403)
    expect(res.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException')
  })

  it('rejects a request without Authorization', async () => {
    const res = await fetch(`${lambda.url}/2015-03-31/functions/kongLambdaTest/invocations`, { method: 'POST', body: '{}' })
    expect(res.status).toBe(403)
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException')
    await res.body?.cancel()
  })

  it('answers apiError404 like the Lambda API', async () => {
    const res = await send(await signInvoke('apiError404'))
    expect(res.status).toBe(404)
    expect(res.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException')
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(JSON.parse(res.text)).toEqual({
      Type: 'User',
      Message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:secretFunctionName',
    })
  })

  it('tells every secret and session token it accepts (GET /__credentials)', async () => {
    const res = await fetch(`${lambda.url}/__credentials`)
    expect(await res.json()).toEqual({ secrets: { 'mock-key': 'mock-secret', AKIDENV: 'env-secret' }, sessionTokens: {} })
  })

  it('returns 404 UnknownOperation for other paths', async () => {
    const res = await fetch(`${lambda.url}/2015-03-31/functions/kongLambdaTest`, { method: 'GET' })
    expect(res.status).toBe(404)
    expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException')
    await res.body?.cancel()
  })
})
