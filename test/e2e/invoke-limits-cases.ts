// End to end on every runtime: the caps on what the gateway reads from Lambda (buffered
// answers, compressed answers, response streams), the encoding it asks for, and the log line of
// an Invoke API error whose body is not JSON. "Reading stops at the cap" is proved by the mock function, which writes only as fast as the gateway reads and
// reports whether its connection closed before it had written its whole answer.

import { MAX_ANSWER_BYTES } from '../../src/plugins/aws-lambda/invoke.ts'
import { MAX_STREAMED_BYTES } from '../../src/plugins/aws-lambda/stream/invoke-events.ts'
import { API_ERROR_BODY, type Case, type E2E, expectSanitised, get, json, withLogs } from './harness.ts'
import { closedUpstream } from './streaming-cases.ts'

/** Past each cap the mock functions have this much more to send (test/support/mock-invoke-limits.ts). */
const PAST_CAP_BYTES = 64 * 1024 * 1024

/** The function's connection closed before its whole answer was written. */
async function expectClosedEarly(t: E2E, key: string) {
  const closed = await closedUpstream(t, key)
  t.equal(closed.finished, false, `the function's connection closed before the end (it wrote ${closed.written} bytes)`)
}

async function lastInvocation(t: E2E, functionName: string) {
  return (await t.invocations()).findLast((i) => i.functionName === functionName)!
}

const apiErrorLogged = (t: E2E, logged: string, reason: string, status: number) =>
  t.ok(logged.includes(`"msg":"AWS Lambda API returned error: ${reason}, status code: ${status}"`), `logged with its reason: ${logged}`)

export const invokeLimitsCases: Case[] = [
  {
    name: 'L1 the gateway asks for an uncompressed answer, outside the signature',
    async run(t) {
      const echo = await json(await t.send(get('echo.test')))
      t.equal(echo.headers['accept-encoding'], 'identity', 'Accept-Encoding as the function saw it')
      const invocation = await lastInvocation(t, 'functionEcho')
      t.ok(invocation.signatureValid, 'signature valid')
      t.ok(!invocation.signedHeaders.includes('accept-encoding'), `not signed: ${invocation.signedHeaders}`)
    },
  },
  {
    name: `L2 a buffered answer over ${MAX_ANSWER_BYTES} bytes is a logged 502, and the gateway stops reading it`,
    async run(t) {
      const key = crypto.randomUUID()
      const [response, logged] = await withLogs(t, () => t.send(get('over-cap.test', `/?key=${key}`)))
      await expectSanitised(t, response, 502)
      t.ok(logged.includes(`Lambda Invoke answer larger than ${MAX_ANSWER_BYTES} bytes`), 'logged')
      await expectClosedEarly(t, key)
    },
  },
  {
    name: 'L3 a compressed answer is never decoded: a gzip bomb is a logged 502, read no further (buffered and streamed routes)',
    async run(t) {
      const key = crypto.randomUUID()
      const [response, logged] = await withLogs(t, () => t.send(get('gzip-bomb.test', `/?key=${key}`)))
      await expectSanitised(t, response, 502)
      t.ok(logged.includes('Lambda Invoke answer compressed (Content-Encoding: gzip) though the gateway asked for none: not read'), 'logged')
      await expectClosedEarly(t, key)
      const streamKey = crypto.randomUUID()
      const [streamed, loggedStreamed] = await withLogs(t, () => t.stream(get('stream-gzip-bomb.test', `/?key=${streamKey}`)))
      await expectSanitised(t, streamed, 502)
      t.ok(loggedStreamed.includes('Lambda Invoke answer compressed (Content-Encoding: gzip)'), 'logged (streamed route)')
      await expectClosedEarly(t, streamKey)
    },
  },
  {
    name: `L4 a response stream over ${MAX_STREAMED_BYTES} bytes of payload is broken there and logged; the gateway stops reading it`,
    timeoutMs: 60_000,
    async run(t) {
      const key = crypto.randomUUID()
      let received = 0
      let outcome = 'ended normally'
      const [, logged] = await withLogs(t, async () => {
        const response = await t.stream(get('stream-over-cap.test', `/?key=${key}`))
        t.equal(response.status, 200, 'status')
        const reader = response.body!.getReader()
        try {
          for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) received += chunk.value.byteLength
        } catch {
          outcome = 'broken'
        }
      })
      t.equal(outcome, 'broken', 'the client sees a broken response, not a shorter one')
      t.ok(received <= MAX_STREAMED_BYTES && received > MAX_STREAMED_BYTES - PAST_CAP_BYTES, `the body ran up to the cap, not past it: ${received} bytes`)
      t.ok(logged.includes(`response stream broken after the response started: response stream larger than ${MAX_STREAMED_BYTES} bytes`), 'logged')
      await expectClosedEarly(t, key)
      t.equal((await lastInvocation(t, 'streamOverCap')).headers['accept-encoding'], 'identity', 'Accept-Encoding')
    },
  },
  {
    name: 'E1 an Invoke API error with an XML body logs its Code and Message; the client gets the sanitised answer',
    async run(t) {
      const [response, logged] = await withLogs(t, () => t.send(get('api-xml.test')))
      await expectSanitised(t, response, 500, API_ERROR_BODY)
      const message =
        'User: arn:aws:iam::123456789012:user/gateway is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:secretFunctionName'
      apiErrorLogged(t, logged, `AccessDenied: ${message}`, 403)
      const [streamed, loggedStreamed] = await withLogs(t, () => t.stream(get('stream-api-xml.test')))
      await expectSanitised(t, streamed, 500, API_ERROR_BODY)
      apiErrorLogged(t, loggedStreamed, `AccessDenied: ${message}`, 403)
    },
  },
  {
    name: 'E2 an Invoke API error with an HTML body logs a one-line excerpt of it',
    async run(t) {
      const [response, logged] = await withLogs(t, () => t.send(get('api-html.preserve.test')))
      await expectSanitised(t, response, 502, API_ERROR_BODY)
      apiErrorLogged(
        t,
        logged,
        'body: <html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> </body> </html>',
        502,
      )
    },
  },
  {
    name: 'E3 an Invoke API error with an empty body logs its X-Amzn-ErrorType',
    async run(t) {
      const [response, logged] = await withLogs(t, () => t.send(get('api-empty.test')))
      await expectSanitised(t, response, 500, API_ERROR_BODY)
      apiErrorLogged(t, logged, 'InvalidSignatureException', 403)
    },
  },
]
