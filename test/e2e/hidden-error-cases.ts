// LAMBDA_ERROR_DETAILS=hide: run against a gateway started with it, on the same
// routes as the other cases. A function error is the sanitised answer (502, or the route's
// unhandled_status) with the details in the log; AWS's x-amz* headers never reach a client.

import { type Case, type E2E, expectSanitised, get, postJson, withLogs } from './harness.ts'

function expectNoAwsHeaders(t: E2E, response: Response, what: string) {
  const aws = [...response.headers.keys()].filter((name) => name.startsWith('x-amz'))
  t.equal(aws, [], `${what}: AWS headers`)
}

export const hiddenErrorCases: Case[] = [
  {
    name: 'X1 hide: a function error is the sanitised 502 (or unhandled_status), its report logged, no AWS header',
    async run(t) {
      for (const [host, status] of [
        ['lambda6.test', 502],
        ['lambda17.test', 412],
        ['apigw2-error.test', 502],
        ['apigw2-error.status.test', 502],
        ['stream-error-first.test', 502],
        ['stream-error-first.proxy.test', 502],
      ] as const) {
        const [response, logged] = await withLogs(t, () => t.send(get(host, '/')))
        expectNoAwsHeaders(t, response, host)
        await expectSanitised(t, response, status)
        t.ok(
          /the function failed: (X-Amz-Function-Error Unhandled: Error: boom|InvokeComplete ErrorCode Unhandled)/.test(logged),
          `${host}: the report is logged: ${logged}`,
        )
      }
    },
  },
  {
    name: "X2 hide: a function's answer carries none of the Invoke API's x-amz* headers, buffered or streamed; the function's own headers pass",
    async run(t) {
      const buffered = await t.send(get('lambda1.test'))
      t.equal(buffered.status, 200, 'buffered')
      expectNoAwsHeaders(t, buffered, 'buffered')
      const streamed = await t.send(postJson('reply-stream.test', { statusCode: 200 }))
      t.equal([streamed.status, await streamed.text()], [200, 'streamed body'], 'streamed')
      expectNoAwsHeaders(t, streamed, 'streamed')
      const own = await t.send(postJson('reply-1.0.test', { statusCode: 200, headers: { 'x-amzn-mine': 'set by the function' } }))
      t.equal(own.headers.get('x-amzn-mine'), 'set by the function', "the function's own header")
    },
  },
]
