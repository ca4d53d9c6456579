// The emulator's parts that need no server: the SigV4 check against the Lambda vectors
// (docs/aws-protocols.md#lambda-test-vectors: aws4fetch and smithy agree on them), names, handlers,
// logs.

import { Buffer } from 'node:buffer'
import { describe, expect, it } from 'vitest'
import { type LambdaContext, parseFunctionName, runHandler } from '../../src/emulator/functions.ts'
import { captureConsole, currentLog, InvocationLog, runWithLog } from '../../src/emulator/invocation-log.ts'
import { type Authenticated, checkCredentials, createVerifier, type ReceivedHeaders } from '../../src/emulator/sigv4.ts'

const KEY = 'AKIDEXAMPLE'
const CREDENTIALS = { [KEY]: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
const NOW = Date.UTC(2015, 7, 30, 12, 36, 0)
const DATE = '20150830T123600Z'

interface Vector {
  name: string
  host: string
  target: string
  region: string
  headers: Record<string, string>
  body: string
  signedHeaders: string
  signature: string
}

const VECTORS: Vector[] = [
  {
    name: 'A: name:alias with a literal colon',
    host: 'lambda.us-east-1.amazonaws.com',
    target: '/2015-03-31/functions/my-function:prod/invocations',
    region: 'us-east-1',
    headers: { 'x-amz-invocation-type': 'RequestResponse', 'x-amz-log-type': 'None' },
    body: '{"hello":"world"}',
    signedHeaders: 'host;x-amz-date;x-amz-invocation-type;x-amz-log-type',
    signature: 'e65b97872430498ed748753ee36374eda45cda5594f7a5e3e9c8bdcfe807a9de',
  },
  {
    name: 'B: encoded ARN, Qualifier=$LATEST, session token',
    host: 'lambda.eu-west-1.amazonaws.com',
    target: '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Amy-function/invocations?Qualifier=%24LATEST',
    region: 'eu-west-1',
    headers: { 'x-amz-invocation-type': 'Event', 'x-amz-security-token': 'FQoGZXIvYXdzEXAMPLETOKEN//////////wEaDEXAMPLE=' },
    body: '{}',
    signedHeaders: 'host;x-amz-date;x-amz-invocation-type;x-amz-security-token',
    signature: 'b24a3b19ff69856ff1c2a2d06edfbfe3c60b2324983dfae54feee09569377afc',
  },
  {
    name: 'C: DryRun, empty body',
    host: 'lambda.us-west-2.amazonaws.com',
    target: '/2015-03-31/functions/my-function/invocations',
    region: 'us-west-2',
    headers: { 'x-amz-invocation-type': 'DryRun' },
    body: '',
    signedHeaders: 'host;x-amz-date;x-amz-invocation-type',
    signature: '1e5b9f43f8ec9e82092a8ab18a6e53140a5dc37e4cc70083b6ab2e3fba70220d',
  },
]

function received(vector: Vector, signature = vector.signature): ReceivedHeaders {
  return {
    host: vector.host,
    'x-amz-date': DATE,
    ...vector.headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${KEY}/20150830/${vector.region}/lambda/aws4_request, SignedHeaders=${vector.signedHeaders}, Signature=${signature}`,
  }
}

async function verify(vector: Vector, headers: ReceivedHeaders, body = vector.body) {
  const authenticated = checkCredentials(headers, CREDENTIALS, NOW)
  if ('status' in authenticated) return authenticated
  return createVerifier()({ method: 'POST', target: vector.target, headers, body: Buffer.from(body) }, authenticated as Authenticated)
}

describe('SigV4 verification (aws4fetch) against the Lambda test vectors', () => {
  for (const vector of VECTORS) {
    it(`accepts vector ${vector.name}`, async () => {
      expect(await verify(vector, received(vector))).toBeNull()
    })

    it(`refuses vector ${vector.name} with one signature digit changed or another body`, async () => {
      const flipped = vector.signature.replace(/^./, (c) => (c === '0' ? '1' : '0'))
      expect(await verify(vector, received(vector, flipped))).toMatchObject({ status: 403, type: 'InvalidSignatureException' })
      expect(await verify(vector, received(vector), `${vector.body} `)).toMatchObject({ status: 403, type: 'InvalidSignatureException' })
    })
  }

  it('refuses a header value changed after signing', async () => {
    const [vector] = VECTORS
    expect(await verify(vector, { ...received(vector), 'x-amz-log-type': 'Tail' })).toMatchObject({ type: 'InvalidSignatureException' })
  })

  it('tells an expired date from one not yet current, and a scope day that is not the X-Amz-Date day', () => {
    const [vector] = VECTORS
    expect(checkCredentials(received(vector), CREDENTIALS, NOW + 6 * 60 * 1000)).toEqual({
      status: 403,
      type: 'InvalidSignatureException',
      message: 'Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T124200Z - 5 min.)',
    })
    expect(checkCredentials(received(vector), CREDENTIALS, NOW - 6 * 60 * 1000)).toMatchObject({
      type: 'InvalidSignatureException',
      message: 'Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T123000Z + 5 min.)',
    })
    const otherDay = { ...received(vector), 'x-amz-date': '20150831T000100Z' }
    expect(checkCredentials(otherDay, CREDENTIALS, Date.UTC(2015, 7, 31, 0, 1, 0))).toMatchObject({ type: 'InvalidSignatureException' })
  })

  it('refuses a signature for another service', () => {
    const [vector] = VECTORS
    const headers = received(vector)
    headers.authorization = headers.authorization.replace('/lambda/', '/sts/')
    expect(checkCredentials(headers, CREDENTIALS, NOW)).toMatchObject({ status: 403, type: 'InvalidSignatureException' })
  })
})

describe('function names', () => {
  it('reads names, partial and full ARNs, with or without a qualifier', () => {
    expect(parseFunctionName('my-fn')).toEqual({ name: 'my-fn', account: null, region: null, qualifier: null })
    expect(parseFunctionName('my-fn:prod')).toEqual({ name: 'my-fn', account: null, region: null, qualifier: 'prod' })
    expect(parseFunctionName('123456789012:function:my-fn')).toEqual({ name: 'my-fn', account: '123456789012', region: null, qualifier: null })
    expect(parseFunctionName('arn:aws:lambda:us-east-1:123456789012:function:my-fn:$LATEST')).toEqual({
      name: 'my-fn',
      account: '123456789012',
      region: 'us-east-1',
      qualifier: '$LATEST',
    })
    expect(parseFunctionName('../etc/passwd')).toBeNull()
    expect(parseFunctionName('a'.repeat(65))).toBeNull()
  })
})

describe('runHandler', () => {
  const context = { awsRequestId: 'req-1' } as LambdaContext

  it('reports a handler that outlives its deadline as Sandbox.Timedout', async () => {
    const outcome = await runHandler(() => new Promise(() => {}), {}, context, Date.now() + 30)
    expect(outcome).toEqual({
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: req-1 Error: Task timed out after 30.00 seconds' },
      timedOut: true,
    })
  })

  it('takes a synchronous throw and a synchronous return', async () => {
    const thrown = await runHandler(
      () => {
        throw new TypeError('sync')
      },
      {},
      context,
      Date.now() + 1000,
    )
    expect(thrown).toMatchObject({ error: { errorType: 'TypeError', errorMessage: 'sync' } })
    expect(await runHandler(() => 5, {}, context, Date.now() + 1000)).toEqual({ result: 5 })
  })
})

describe('invocation logs', () => {
  it('forwards console lines outside the invocation, so a sink that logs to console cannot loop', () => {
    const release = captureConsole()
    try {
      const forwarded: Array<{ text: string; inside: boolean }> = []
      const log = new InvocationLog('req-2', (_level, text) => forwarded.push({ text, inside: currentLog() !== undefined }))
      runWithLog(log, () => console.warn('from %s', 'handler'))
      expect(forwarded).toEqual([{ text: 'from handler', inside: false }])
      const tail = Buffer.from(log.tail(), 'base64').toString('utf8')
      expect(tail).toMatch(/^\S+\treq-2\tWARN\tfrom handler\n$/)
    } finally {
      release()
    }
  })

  it('cuts a single huge line to the last 4096 bytes', () => {
    const log = new InvocationLog('req-3', () => {})
    log.raw(`${'a'.repeat(10_000)}end`)
    const tail = Buffer.from(log.tail(), 'base64').toString('utf8')
    expect(tail).toHaveLength(4096)
    expect(tail.endsWith('end\n')).toBe(true)
  })
})
